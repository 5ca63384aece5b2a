#!/usr/bin/env bash
# make bench, sequential regions under the monitor: two threads contending
# for one lock (bench/handoff.c), plain and replicated, side by side in one
# run. Medians of RUNS runs; ratios to the plain run of the same program.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
ITERS=${ITERS:-200000}
H=build/bench/handoff

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure CMD...: the median of RUNS runs' ns per pair
measure() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		timeout -k 5 120 "$@" || { echo "bench/handoff.sh: failed: $*" >&2; exit 1; }
	done | median
}

plain=$(measure "$H" plain "$ITERS")
pass=$(measure "$H" seq "$ITERS")
n2=$(measure build/replicant run -n 2 -- "$H" seq "$ITERS")
n3=$(measure build/replicant run -n 3 -- "$H" seq "$ITERS")

printf '\nContended lock, 2 threads x %d pairs (median of %d runs)\n' "$ITERS" "$RUNS"
printf '| %-46s | %9s | %8s | %8s |\n' case "ns/pair" "x plain" "target"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "-----------" "----------" "----------"
row() { awk -v c="$1" -v v="$2" -v b="$plain" -v t="$3" 'BEGIN { printf "| %-46s | %9.1f | %8.1f | %8s |\n", c, v, v / b, t }'; }
row "plain mutex" "$plain" ""
row "with regions, outside replicant (pass-through)" "$pass" ""
row "with regions, replicant -n 2" "$n2" "<= 10x"
row "with regions, replicant -n 3" "$n3" "<= 20x"
