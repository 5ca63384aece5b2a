#!/usr/bin/env bash
# Signals a replica's own threads and processes send each other (issue 3):
# pthread_kill from a thread, kill from a forked child. Each reaches the
# target at the same call in every replica, so the number of calls the
# target made between signals, which changes from run to run, is the same
# in every replica (the line is voted).
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
run_cmd plain "$PROGS/sigsend"
is "$RC" 0 "sigsend: plain run exits 0"
is "$(head -n 1 "$OUT")" "SIGUSR1 5, SIGUSR2 5, child status 0" "sigsend: plain run gets every signal"
for n in 2 3; do
	for run in 1 2 3; do
		rrun sigsend.$run.n$n -n "$n" -- "$PROGS/sigsend"
		is "$RC" 0 "sigsend #$run -n $n: the replicas agree on where each signal came" ||
			diag_file stderr "$ERR"
		is "$(head -n 1 "$OUT")" "SIGUSR1 5, SIGUSR2 5, child status 0" "sigsend #$run -n $n: every signal"
		like "$(tail -n 1 "$OUT")" '^calls between signals: ([0-9]+ ){10}0$' "sigsend #$run -n $n: the counts"
	done
done
done_testing
