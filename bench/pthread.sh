#!/usr/bin/env bash
# make bench, libreplicant-pthread.so: the cost of plain pthread calls
# (bench/pthread.c) made into sequential regions by replicant run (the
# library is loaded by default; --pthread says so),
# against the same program run plain, in this one run: a mutex lock+unlock
# and a rwlock read/write lock+unlock in one thread, and a condition variable
# ping-pong between two threads. Medians of RUNS runs; ratios to the plain
# run of the same mode.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
LOCK_ITERS=${LOCK_ITERS:-1000000}
CV_ITERS=${CV_ITERS:-20000}
P=build/bench/pthread
PRELOAD=$PWD/build/lib/libreplicant-pthread.so

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure CMD...: the median of RUNS runs' ns per operation
measure() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		timeout -k 5 120 "$@" || { echo "bench/pthread.sh: failed: $*" >&2; exit 1; }
	done | median
}

printf '\npthread calls under --pthread (median of %d runs; ns per pair, per round trip for the ping-pong)\n' "$RUNS"
printf '| %-34s | %9s | %9s | %8s | %9s | %8s | %9s | %8s |\n' mode plain preload "x plain" "-n 2" "x plain" "-n 3" "x plain"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" \
	"-----------" "-----------" "----------" "-----------" "----------" "-----------" "----------"
for mode in mutex mutex-solo rwlock condvar-pingpong; do
	case $mode in
	mutex) what="mutex lock+unlock, 1 thread"; iters=$LOCK_ITERS ;;
	mutex-solo) what="mutex, a process with no thread yet"; iters=$LOCK_ITERS ;;
	rwlock) what="rwlock rd/wr lock+unlock, 1 thread"; iters=$LOCK_ITERS ;;
	condvar-pingpong) what="condvar ping-pong, 2 threads"; iters=$CV_ITERS ;;
	esac
	plain=$(measure "$P" "$mode" "$iters")
	pass=$(measure env LD_PRELOAD="$PRELOAD" "$P" "$mode" "$iters")
	n2=$(measure build/replicant run -n 2 --pthread -- "$P" "$mode" "$iters")
	n3=$(measure build/replicant run -n 3 --pthread -- "$P" "$mode" "$iters")
	awk -v c="$what" -v b="$plain" -v p="$pass" -v r2="$n2" -v r3="$n3" 'BEGIN {
		printf "| %-34s | %9.1f | %9.1f | %8.2f | %9.1f | %8.2f | %9.1f | %8.2f |\n",
			c, b, p, p / b, r2, r2 / b, r3, r3 / b }'
done
echo "target (issue 15): the mutex lock+unlock at -n 2 within 5x of plain"
