#!/usr/bin/env bash
# make bench: what loading the pthread library by default costs a
# single-threaded program. Each program runs replicated at -n 2 with the
# library (the default) and with --no-pthread, in turn in one run, and
# plain; the ratio default / --no-pthread is the cost (target: within 5%,
# issue 12). Medians of RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
R=build/replicant
D=$(mktemp -d /tmp/replicant-preload.XXXXXX)
trap 'rm -rf "$D"' EXIT

seq 1 200000 >"$D/nums"
awk 'BEGIN { srand(7); for (i = 0; i < 100000; i++) printf "w%d %d\n", int(rand() * 50000), i }' >"$D/words"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# us CMD...: wall-clock microseconds of one run (output discarded): whole
# milliseconds would round a 13 ms start-up to a 1-in-13 step
us() {
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 5 120 "$@" >/dev/null 2>&1 || { echo "bench/preload.sh: failed: $*" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

printf '\nthe pthread library on single-threaded programs, -n 2 (median of %d runs, ms; true: %d runs)\n' "$RUNS" $((RUNS * 8))
printf '| %-26s | %7s | %9s | %10s | %13s |\n' program plain default no-pthread "default / no"
printf '|%s|%s|%s|%s|%s|\n' "----------------------------" "---------" "-----------" "------------" "---------------"
# row LABEL RUNS CMD...
row() {
	local what=$1 runs=$2 i p=() a=() b=()
	shift 2
	for ((i = 0; i < runs; i++)); do
		p+=("$(us "$@")")
		a+=("$(us "$R" run -n 2 -- "$@")")
		b+=("$(us "$R" run -n 2 --no-pthread -- "$@")")
	done
	awk -v c="$what" -v p="$(printf '%s\n' "${p[@]}" | median)" \
		-v a="$(printf '%s\n' "${a[@]}" | median)" -v b="$(printf '%s\n' "${b[@]}" | median)" 'BEGIN {
		printf "| %-26s | %7.2f | %9.2f | %10.2f | %13.3f |\n", c, p / 1000, a / 1000, b / 1000,
			(b > 0 ? a / b : 0) }'
}
row "od -c (stdio, 200k lines)" "$RUNS" od -c "$D/nums"
row "sed s/1/one/g" "$RUNS" sed s/1/one/g "$D/nums"
row "sort -n (one thread)" "$RUNS" sort -n --parallel=1 "$D/words"
row "gzip -c" "$RUNS" gzip -c "$D/words"
row "awk sum" "$RUNS" awk '{ s += $2 } END { print s }' "$D/words"
# start-up alone is short and noisy here: more runs
row "true (start-up only)" $((RUNS * 8)) true
