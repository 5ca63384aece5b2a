#!/usr/bin/env bash
# Misuse of the sequential-region API is a line in the monitor's report
# (issue 4): libreplicant tells the monitor about every failed init_dom,
# destroy_dom, alias_dom, begin_seq and end_seq (MISUSE, protocol.h), and
# the monitor prints it once per event, with a JSON event. The errors that
# libreplicant-pthread.so makes on purpose (a first use probing for a
# domain, init_dom's EEXIST) are not reported: a correct program under
# --pthread gets no such line. tests/seq/misuse.c is the program.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
MU=$PROGS/misuse

# the plain run in REPLICANT_SEQ_CHECK mode: the same errors, no monitor
REPLICANT_SEQ_CHECK=1 run_cmd check "$MU"
is "$RC" 0 "REPLICANT_SEQ_CHECK=1: exit 0"
is "$(cat "$OUT")" "init_dom twice (EEXIST): 17
init_dom(0) (EEXIST): 17
begin_seq unknown label (EINVAL): 22
end_seq unknown label (EINVAL): 22
end_seq without begin_seq (EPERM): 1
destroy_dom unknown label (EINVAL): 22
destroy_dom(0) (EPERM): 1
alias_dom unknown label (EINVAL): 22
alias_dom to another domain (EEXIST): 17
destroy_dom while inside (EBUSY): 16
begin_seq nested too deep (EAGAIN): 11
begin_seq on a scribbled log (EPROTO): 71
correct calls after them: 0" "REPLICANT_SEQ_CHECK=1: every misuse fails with its error"
is_empty "$ERR" "REPLICANT_SEQ_CHECK=1: the library prints nothing"

run_cmd native "$MU"
is "$RC" 2 "outside replicant: pass-through mode (misuse exits 2)"

# expected MISUSE lines for the main thread, whose vtid is the first line's
expected() {
	local p="replicant: sequential regions: thread $1 (peer group 0):"
	cat <<EOF
$p init_dom(0x1000) failed: File exists
$p init_dom(0) failed: File exists
$p begin_seq(0x5eed) failed: Invalid argument
$p end_seq(0x5eed) failed: Invalid argument
$p end_seq(0x1000) failed: Operation not permitted
$p destroy_dom(0x5eed) failed: Invalid argument
$p destroy_dom(0) failed: Operation not permitted
$p alias_dom(0x5eed) failed: Invalid argument
$p alias_dom(0x1000) failed: File exists
$p destroy_dom(0x1000) failed: Device or resource busy
$p begin_seq(0x1000) failed: Resource temporarily unavailable
$p begin_seq(0x3000) failed: Protocol error
EOF
}

for n in 2 3; do
	rrun misuse.n$n -n "$n" --report "$T/misuse.n$n.json" -- "$MU"
	is "$RC" 0 "misuse -n $n: exit 0 (every replica made the same calls)"
	same_file "$OUT" check.out "misuse -n $n: stdout as in the REPLICANT_SEQ_CHECK=1 run"
	tid=$(sed -n '1s/^replicant: sequential regions: thread \([0-9]*\) (peer group 0): .*$/\1/p' "$ERR")
	is "$(cat "$ERR")" "$(expected "${tid:-?}")" \
		"misuse -n $n: one report line per misuse, once, exactly these"
	"$PY" - "$T/misuse.n$n.json" >json.err 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ev = [e for e in r["events"] if e["event"] == "region_misuse"]
assert [e["what"] for e in ev] == [
    "init_dom(0x1000) failed: File exists",
    "init_dom(0) failed: File exists",
    "begin_seq(0x5eed) failed: Invalid argument",
    "end_seq(0x5eed) failed: Invalid argument",
    "end_seq(0x1000) failed: Operation not permitted",
    "destroy_dom(0x5eed) failed: Invalid argument",
    "destroy_dom(0) failed: Operation not permitted",
    "alias_dom(0x5eed) failed: Invalid argument",
    "alias_dom(0x1000) failed: File exists",
    "destroy_dom(0x1000) failed: Device or resource busy",
    "begin_seq(0x1000) failed: Resource temporarily unavailable",
    "begin_seq(0x3000) failed: Protocol error",
], ev
assert all(e["peer_group"] == 0 for e in ev), ev
assert len(ev) == len(r["events"]), r["events"]
# (not "diverged": the monitor says true whenever there is an event)
assert r["exit_code"] == 0, r
PY
	ok $? "misuse -n $n: the JSON report has one region_misuse event each" ||
		diag_file json "json.err"
done

# ---- --pthread: the library's own errors are not misuse ----
# counter and prodcons use statically initialised mutexes and condition
# variables: every thread's first use probes for the domain (begin_seq's
# EINVAL) and creates it (init_dom's EEXIST when another thread did)
for prog in counter prodcons; do
	rrun pthread.$prog -n 2 --pthread -- "$PROGS/pthread/$prog"
	is "$RC" 0 "--pthread $prog -n 2: exit 0"
	is_empty "$ERR" "--pthread $prog -n 2: no misuse line (stderr empty)"
done

done_testing
