#!/usr/bin/env bash
# Timers (issue 3): alarm and setitimer(ITIMER_REAL) are kept by the
# monitor, and their SIGALRM reaches every replica at the same point of the
# thread's syscall list; POSIX timers are ENOSYS (coreutils' timeout then
# uses alarm).
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

cat >alarm.expected <<'EXP'
alarm(5) left 0
alarm(1) left 5
woke from pause, fired 1
interval timer fired 6 times, then disarmed (interval was 50000 us)
EXP

run_cmd alarm.native "$PROGS/alarm"
is "$RC" 0 "alarm: plain run exits 0"
head -n 4 "$OUT" >native4
same_file native4 alarm.expected "alarm: plain run prints the expected lines"

for n in 2 3; do
	for run in 1 2; do
		rrun alarm.$run.n$n -n "$n" -- "$PROGS/alarm"
		is "$RC" 0 "alarm #$run -n $n: exit 0 (every replica got each SIGALRM at the same call)" ||
			diag_file stderr "$ERR"
		head -n 4 "$OUT" >got4
		same_file got4 alarm.expected "alarm #$run -n $n: alarm's time left, pause, the interval timer"
		like "$(tail -n 1 "$OUT")" '^spins [0-9]+$' "alarm #$run -n $n: one spin count, agreed"
	done

	start=$(date +%s%N)
	rrun timeout.n$n -n "$n" -- timeout 1 sleep 5
	ms=$((($(date +%s%N) - start) / 1000000))
	is "$RC" 124 "timeout 1 sleep 5 -n $n: 124, as a plain run"
	is_empty "$ERR" "timeout 1 sleep 5 -n $n: no warning (timer_create is ENOSYS)"
	[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ]
	ok $? "timeout 1 sleep 5 -n $n: about 1 s (${ms} ms)"

	rrun timeout.quick.n$n -n "$n" -- timeout 5 sh -c 'echo hi; exit 3'
	is "$RC" 3 "timeout 5 sh -c 'exit 3' -n $n: the command's status"
	is "$(cat "$OUT")" "hi" "timeout 5 sh -c 'echo hi' -n $n: its output"
done

rrun itimer.virtual -n 2 -- "$PY" -c 'import signal; signal.setitimer(signal.ITIMER_VIRTUAL, 1)'
is "$RC" 125 "ITIMER_VIRTUAL: refused with 125"
like "$(cat "$ERR")" 'setitimer.*only ITIMER_REAL timers are supported' "ITIMER_VIRTUAL: the message says why"

done_testing
