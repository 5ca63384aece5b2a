#!/usr/bin/env bash
# make bench-compare OLD=path/to/old/replicant: the monitor's hot paths
# under this build and another one, run by run in turn (old, new, old,
# new...) so that the machine's drift falls on both alike. Medians of RUNS
# runs; the last column is new over old (1.00: the same; above: slower).
# The other build must be able to run this tree's bench programs (build
# it from a clone: git clone -q . /tmp/old && git -C /tmp/old checkout REV
# && make -C /tmp/old all).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${OLD:?set OLD to the replicant binary to compare with}
NEW=${NEW:-build/replicant}
RUNS=${RUNS:-5}
N=${N:-100000}
W=${W:-20000}
T=${T:-2000}
B=build/bench
make -s $B/sysloop

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wall() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $((t1 - t0)); }
# nanoseconds per operation of R's run: (COUNT - 0) / COUNT
per_op() {
	local r=$1 count=$2; shift 2
	echo $(( ($(wall "$r" run "$@" "$count") - $(wall "$r" run "$@" 0)) / count ))
}
per_run() { local r=$1 count=$2; shift 2; echo $(( $(wall "$r" run "$@") / count )); }
# a program that prints its own ns per operation
self() { local r=$1; shift; timeout -k 5 120 "$r" run "$@"; }

# row LABEL KIND ARGS...: RUNS turns of (old, new), the medians and ratio
row() {
	local label=$1 kind=$2 i o n
	shift 2
	: >"$B/cmp.old"
	: >"$B/cmp.new"
	for ((i = 0; i < RUNS; i++)); do
		$kind "$OLD" "$@" >>"$B/cmp.old"
		$kind "$NEW" "$@" >>"$B/cmp.new"
	done
	o=$(median <"$B/cmp.old")
	n=$(median <"$B/cmp.new")
	awk -v l="$label" -v o="$o" -v n="$n" 'BEGIN { printf "| %-38s | %10d | %10d | %6.2f |\n", l, o, n, n / o }'
}

printf '\nreplicant A/B: old %s, new %s, median of %d runs each, in turn\n\n' "$OLD" "$NEW" "$RUNS"
printf '| %-38s | %10s | %10s | %6s |\n' case "old ns/op" "new ns/op" "new/old"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" "------------" "------------" "--------"
row "intercepted getppid, -n 2" per_op $N -n 2 -- $B/sysloop getppid
row "intercepted getppid, -n 3" per_op $N -n 3 -- $B/sysloop getppid
row "voted 4 KiB write, -n 2" per_op $W -n 2 -- $B/sysloop write4k
row "voted 4 KiB write, -n 3" per_op $W -n 3 -- $B/sysloop write4k
row "stat of a path, -n 2" per_op $W -n 2 -- $B/sysloop stat
row "open+close of a file, -n 2" per_op $W -n 2 -- $B/sysloop open
row "thread create+join, -n 2" per_run $T -n 2 -- build/tests/manythreads $T 8
row "contended lock (regions), -n 2" self -n 2 -- $B/handoff seq 200000
row "--pthread mutex lock+unlock, -n 2" self -n 2 --pthread -- $B/pthread mutex 1000000
echo
