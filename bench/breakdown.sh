#!/usr/bin/env bash
# make bench-breakdown: where the monitor's time goes, per call (issue 15).
# Runs the hot paths of bench/run.sh under --profile and prints, beside
# the floor (the bare notification round trip), each run's table:
#   notifs      notifications of that call (every replica's)
#   lock        us waiting for the monitor lock, per notification
#   work        us of the monitor's work on it with the lock held
#   answer      us sending the answers it queued (the replicas' wake-ups)
#   monitor s   seconds of those three in all
#   positions   list positions that ran (inputs and outputs)
#   wait        us from a position's first call to its run: its peers' lag
#   run         us of the run itself (a worker's queue included)
# One run each (the tables are per call, not ratios); RUNS=3 repeats them.
set -euo pipefail
cd "$(dirname "$0")/.."
R=${R:-build/replicant}
N=${N:-100000}
W=${W:-20000}
RUNS=${RUNS:-1}
B=build/bench
make -s $B/sysloop $B/floor
P=$(mktemp -d /tmp/replicant-breakdown.XXXXXX)
trap 'rm -rf "$P"' EXIT

echo
echo "the floor: a bare seccomp notification round trip, $($B/floor "$N") ns"
run() {
	local what=$1 n=$2 i
	shift 2
	for ((i = 0; i < RUNS; i++)); do
		timeout -k 5 300 "$R" run -n "$n" --profile "$P/p" -- "$@" >/dev/null
		echo
		echo "## $what, -n $n"
		# the calls that made up at least 1% of the monitor's time (the
		# profile lists them by that time already)
		awk -F'|' 'NR == FNR { if (FNR > 4) total += $7; next }
			   FNR <= 4 || $7 >= total / 100' "$P/p" "$P/p"
	done
}
for n in 2 3; do
	run "getppid x $N (an intercepted call with nothing to run)" $n $B/sysloop getppid "$N"
	run "write of 4 KiB x $W to /dev/null (a voted output)" $n $B/sysloop write4k "$W"
	run "stat of a path x $W (an input the monitor resolves)" $n $B/sysloop stat "$W"
done
