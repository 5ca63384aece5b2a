#!/usr/bin/env bash
# Issue 5: threads blocked in libreplicant-pthread when a replica is killed
# do not hang the run. A fault injected into replica 1's 20th write makes it
# the minority; --on-divergence kill-minority kills it while the others'
# threads wait in regions, conditions and semaphores that replica 1's
# threads were part of, and the two left finish with the right result.
# pshared: the threads of two child processes in the shared region's
# domains (a process-shared mutex, barrier and condvars).
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
declare -A last=(
	[bank]="total 8000"
	[prodcons]="100 items, sum 5050"
	[workqueue]="64 jobs done, checksum 89440"
	[sembuf]="80 items, sum 121560"
	[pshared]="total 660, 20 items"
)
for p in bank prodcons workqueue sembuf pshared; do
	REPLICANT_INJECT_WRITE=1:20 rrun "$p" -n 3 --pthread --on-divergence kill-minority -- \
		"$PROGS/pthread/$p"
	is "$RC" 0 "$p -n 3 --pthread, replica 1 killed: the others finish, exit 0" ||
		diag_file stderr "$ERR"
	is "$(tail -n 1 "$OUT")" "${last[$p]}" "$p: the right result"
	like "$(cat "$ERR")" '^  replica 1 \(minority\): ' "$p: replica 1 was the minority"
	like "$(cat "$ERR")" '^  action: minority replica\(s\) killed; the run goes on$' "$p: and was killed"
done
done_testing
