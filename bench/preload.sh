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
# ms CMD...: wall-clock milliseconds of one run (output discarded)
ms() {
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 5 120 "$@" >/dev/null 2>&1 || { echo "bench/preload.sh: failed: $*" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

printf '\nthe pthread library on single-threaded programs, -n 2 (median of %d runs, ms)\n' "$RUNS"
printf '| %-26s | %7s | %9s | %9s | %13s |\n' program plain default no-pthread "default / no"
printf '|%s|%s|%s|%s|%s|\n' "----------------------------" "---------" "-----------" "-----------" "---------------"
row() {
	local what=$1 i p=() a=() b=()
	shift
	for ((i = 0; i < RUNS; i++)); do
		p+=("$(ms "$@")")
		a+=("$(ms "$R" run -n 2 -- "$@")")
		b+=("$(ms "$R" run -n 2 --no-pthread -- "$@")")
	done
	awk -v c="$what" -v p="$(printf '%s\n' "${p[@]}" | median)" \
		-v a="$(printf '%s\n' "${a[@]}" | median)" -v b="$(printf '%s\n' "${b[@]}" | median)" 'BEGIN {
		printf "| %-26s | %7d | %9d | %9d | %13.3f |\n", c, p, a, b, (b > 0 ? a / b : 0) }'
}
row "od -c (stdio, 200k lines)" od -c "$D/nums"
row "sed s/1/one/g" sed s/1/one/g "$D/nums"
row "sort -n (one thread)" sort -n --parallel=1 "$D/words"
row "gzip -c" gzip -c "$D/words"
row "awk sum" awk '{ s += $2 } END { print s }' "$D/words"
row "true (start-up only)" true
