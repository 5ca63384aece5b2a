#!/usr/bin/env bash
# make bench: the cost of an intercepted syscall and of a voted 4 KiB write
# (to /dev/null, answered at once, and to a pipe, answered after the vote)
# under replicant, as ratios to a plain syscall and to the seccomp
# notification round trip (the floor), all measured in this one run, with
# issue 15's targets.
# Medians of RUNS runs; the machine is shared and noisy, so compare ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
N=${N:-100000}
W=${W:-20000}
B=build/bench
make -s $B/sysloop $B/floor
R=build/replicant

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wall-clock nanoseconds of one command, output to /dev/null (PIPE=1: through
# a pipe, where a write waits for the vote)
wall() {
	local t0 t1
	t0=$(date +%s%N)
	if [ -n "${PIPE:-}" ]; then "$@" | cat >/dev/null; else "$@" >/dev/null; fi
	t1=$(date +%s%N)
	echo $((t1 - t0))
}
# nanoseconds per operation: (run with COUNT - run with 0) / COUNT
per_op() {
	local count=$1; shift
	local full empty
	full=$(wall "$@" "$count")
	empty=$(wall "$@" 0)
	echo $(( (full - empty) / count ))
}
collect() { local i; for ((i = 0; i < RUNS; i++)); do "$@"; done | median; }
plain=$(collect per_op $N $B/sysloop getppid)
floor=$(collect $B/floor $N)
r2=$(collect per_op $N $R run -n 2 -- $B/sysloop getppid)
r3=$(collect per_op $N $R run -n 3 -- $B/sysloop getppid)
wplain=$(collect per_op $W $B/sysloop write4k)
w2=$(collect per_op $W $R run -n 2 -- $B/sysloop write4k)
w3=$(collect per_op $W $R run -n 3 -- $B/sysloop write4k)
pplain=$(PIPE=1 collect per_op $W $B/sysloop write4k)
p2=$(PIPE=1 collect per_op $W $R run -n 2 -- $B/sysloop write4k)
p3=$(PIPE=1 collect per_op $W $R run -n 3 -- $B/sysloop write4k)

# whole-run costs: thread creation, and fork+exec+wait from a shell
T=${T:-2000}
F=${F:-200}
forkexec=(sh -c "i=0; while [ \$i -lt $F ]; do /bin/true; i=\$((i + 1)); done")
run_per() { local count=$1; shift; echo $(( $(wall "$@") / count )); }
tplain=$(collect run_per $T build/tests/manythreads $T 8)
t2=$(collect run_per $T $R run -n 2 -- build/tests/manythreads $T 8)
t3=$(collect run_per $T $R run -n 3 -- build/tests/manythreads $T 8)
fplain=$(collect run_per $F "${forkexec[@]}")
f2=$(collect run_per $F $R run -n 2 -- "${forkexec[@]}")
f3=$(collect run_per $F $R run -n 3 -- "${forkexec[@]}")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
printf '\nreplicant bench: median of %d runs, %d syscalls / %d writes per run\n\n' $RUNS $N $W
printf '%-34s %10s %12s %12s %14s\n' "what" "ns/op" "vs plain" "vs floor" "target (floor)"
printf '%-34s %10s %12s %12s\n' "plain getppid" "$plain" "1.0x" "-"
printf '%-34s %10s %12s %12s\n' "floor: seccomp notify round trip" "$floor" "$(ratio $floor $plain)" "1.0x"
printf '%-34s %10s %12s %12s %14s\n' "intercepted getppid, -n 2" "$r2" "$(ratio $r2 $plain)" "$(ratio $r2 $floor)" "<= 1.3x"
printf '%-34s %10s %12s %12s %14s\n' "intercepted getppid, -n 3" "$r3" "$(ratio $r3 $plain)" "$(ratio $r3 $floor)" "<= 2.0x"
printf '%-34s %10s %12s %12s\n' "plain 4 KiB write to /dev/null" "$wplain" "1.0x" "-"
printf '%-34s %10s %12s %12s %14s\n' "voted 4 KiB write, -n 2" "$w2" "$(ratio $w2 $wplain)" "$(ratio $w2 $floor)" "<= 2.0x"
printf '%-34s %10s %12s %12s %14s\n' "voted 4 KiB write, -n 3" "$w3" "$(ratio $w3 $wplain)" "$(ratio $w3 $floor)" "<= 3.0x"
printf '%-34s %10s %12s %12s\n' "plain 4 KiB write to a pipe" "$pplain" "1.0x" "-"
printf '%-34s %10s %12s %12s %14s\n' "voted 4 KiB write to a pipe, -n 2" "$p2" "$(ratio $p2 $pplain)" "$(ratio $p2 $floor)" "<= 2.0x"
printf '%-34s %10s %12s %12s %14s\n' "voted 4 KiB write to a pipe, -n 3" "$p3" "$(ratio $p3 $pplain)" "$(ratio $p3 $floor)" "<= 3.0x"
printf '%-34s %10s %12s\n' "thread create+join, plain" "$tplain" "1.0x"
printf '%-34s %10s %12s\n' "thread create+join, -n 2" "$t2" "$(ratio $t2 $tplain)"
printf '%-34s %10s %12s\n' "thread create+join, -n 3" "$t3" "$(ratio $t3 $tplain)"
printf '%-34s %10s %12s\n' "fork+exec+wait from sh, plain" "$fplain" "1.0x"
printf '%-34s %10s %12s\n' "fork+exec+wait from sh, -n 2" "$f2" "$(ratio $f2 $fplain)"
printf '%-34s %10s %12s\n' "fork+exec+wait from sh, -n 3" "$f3" "$(ratio $f3 $fplain)"
echo
echo "targets: issue 15's, as ratios to the floor (a write to /dev/null is answered when the"
echo "first replica makes it and runs once a majority made it: list/provisional.c)"
echo "(thread and fork+exec rows: whole runs divided by the count, start-up included)"
