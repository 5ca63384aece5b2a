#!/usr/bin/env bash
# Time: timeloop reads time(), gettimeofday, CLOCK_REALTIME, CLOCK_MONOTONIC
# (vDSO calls) and rdtsc 200 times; replicas must agree on every line.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

# Where rdtsc does not trap (AMD EPYC virtual machines), each replica reads
# its own counter: the rdtsc column cannot agree there, and a run that
# prints it must diverge with a report that says why.
tsc=$("$PROGS/tsctrap")
if [ "$tsc" = traps ]; then
	tsc_arg=
else
	tsc_arg=no-rdtsc
	pass "# SKIP the rdtsc column agrees: rdtsc does not trap on this machine"
	rrun "timeloop.tsc" -n 2 -- "$PROGS/timeloop"
	is "$RC" 86 "timeloop with rdtsc where it does not trap: a divergence"
	like "$(cat "$ERR")" "^  note: rdtsc does not trap on this machine" \
		"timeloop with rdtsc where it does not trap: the report says why"
fi

for n in 2 3; do
	before=$(date +%s)
	rrun "timeloop.n$n" -n $n -- "$PROGS/timeloop" $tsc_arg
	after=$(date +%s)
	is "$RC" 0 "timeloop -n $n: exit status 0 (replicas agreed)" || diag_file stderr "$ERR"
	is_empty "$ERR" "timeloop -n $n: nothing on stderr"
	is "$(nlines "$OUT")" 201 "timeloop -n $n: 201 lines"
	is "$(tail -n 1 "$OUT")" done "timeloop -n $n: last line is done"
	# 200 lines of 7 numbers: each column never goes back in time, the
	# clocks tell the time of the run, and each line is self-consistent
	"$PY" - "$OUT" "$before" "$after" >check.out 2>&1 <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
before, after = int(sys.argv[2]), int(sys.argv[3])
assert lines[-1] == "" and lines[-2] == "done", lines[-2:]
rows = []
pat = re.compile(r"^(\d+) (\d+)\.(\d{6}) (\d+)\.(\d{9}) (\d+)\.(\d{9}) (\d+)$")
for l in lines[:-2]:
    m = pat.match(l)
    assert m, "bad line: %r" % l
    g = [int(x) for x in m.groups()]
    t, tv, rt, mono, tsc = g[0], g[1] * 10**6 + g[2], g[3] * 10**9 + g[4], g[5] * 10**9 + g[6], g[7]
    rows.append((t, tv, rt, mono, tsc))
assert len(rows) == 200, len(rows)
names = ["time", "gettimeofday", "CLOCK_REALTIME", "CLOCK_MONOTONIC", "rdtsc"]
for a, b in zip(rows, rows[1:]):
    for i in range(5):
        assert b[i] >= a[i], "%s goes back: %r -> %r" % (names[i], a, b)
for r in rows:
    assert before - 1 <= r[0] <= after + 1, "time() %d outside the run [%d, %d]" % (r[0], before, after)
    assert r[0] <= r[1] // 10**6 + 1 and r[1] // 1000 <= r[2] // 1000 + 1000, "clocks disagree: %r" % (r,)
    assert abs(r[2] // 10**9 - r[0]) <= 1, "realtime vs time(): %r" % (r,)
print("ok")
PY
	ok $? "timeloop -n $n: every clock column non-decreasing and within the run's time" ||
		diag_file "check" check.out
done

# extraclock: replica r reads CLOCK_MONOTONIC_COARSE 10 * r more times than
# replica 0 between its reads of two other clocks. A clock read changes
# nothing outside, so that is no divergence, and each other clock's k-th
# read still gives every replica the same value (a DIVERGENCE at the first
# extra read at 3ce551a, when each read had a place in the list).
for n in 2 3; do
	rrun "extraclock.n$n" -n $n -- "$PROGS/extraclock"
	is "$RC:$(tail -n 1 "$OUT")" "0:in order" "extraclock -n $n: exit 0, the clocks in order" ||
		diag_file stderr "$ERR"
	is_empty "$ERR" "extraclock -n $n: nothing on stderr (the replicas printed the same reads)"
done

done_testing
