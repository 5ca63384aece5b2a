#!/usr/bin/env bash
# --on-divergence kill-minority (-n 3 and more): an agreeing program runs as
# usual; a replica that alone differs is killed and the run goes on with the
# majority, ending with the program's own status.
#
# replidx prints "common line", then "replica says majority" in replicas 0
# and 1 but "replica says minority" in replica 2, then "done".
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

for n in 3 5; do
	printf 'arg 0: %s\narg 1: a b\ndone\n' "$PROGS/hello" >hello.expected
	rrun "hello.n$n" -n $n --on-divergence kill-minority -- "$PROGS/hello" "a b"
	is "$RC" 3 "kill-minority -n $n, agreeing program: its status 3 passes through"
	same_file "$OUT" hello.expected "kill-minority -n $n, agreeing program: whole output"
	is_empty "$ERR" "kill-minority -n $n, agreeing program: nothing on stderr"
done

printf 'common line\nreplica says majority\ndone\n' >replidx.expected

# check_kill TAG: the run went on without replica 2
check_kill() {
	local tag=$1
	is "$RC" 0 "$tag: the majority's exit status 0" || diag_file stderr "$ERR"
	same_file "$OUT" replidx.expected "$tag: the majority's whole output, no minority line"
	like "$(head -n 1 "$ERR")" '^replicant: DIVERGENCE in peer group 0 at position [0-9]+: write$' \
		"$tag: the divergence is reported"
	like "$(cat "$ERR")" '^  replica 2 \(minority\): write\(1, "replica says minority\\n", 22\)$' \
		"$tag: replica 2 is reported as the minority"
	is "$(grep -c '^  replica [01] (majority): write(1, "replica says majority' "$ERR")" 2 \
		"$tag: replicas 0 and 1 are reported as the majority"
	is "$(grep '^  action: ' "$ERR")" "  action: minority replica(s) killed; the run goes on" \
		"$tag: action: minority killed, the run goes on"
	is "$(grep -vc '^  \|^replicant: DIVERGENCE' "$ERR")" 0 "$tag: no other message on stderr" ||
		diag_file stderr "$ERR"
}

# replica 2 reaches the diverging write first: the run waits for a majority
rrun majority-late -n 3 --on-divergence kill-minority -- "$PROGS/replidx" majority-late
check_kill "kill-minority, minority arrives first"

# replica 2 reaches it 300 ms after the majority, which has already run to
# its end by then
rrun minority-late -n 3 --on-divergence kill-minority -- "$PROGS/replidx" minority-late
check_kill "kill-minority, minority arrives last"

# the JSON report of a kill
rrun report -n 3 --on-divergence kill-minority --report "$T/kill.json" -- "$PROGS/replidx" majority-late
"$PY" - "$T/kill.json" >report.check 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e = r["events"][0]
assert len(r["events"]) == 1, r
assert e["event"] == "divergence" and e["syscall"] == "write", e
assert [x["majority"] for x in e["replicas"]] == [True, True, False], e
assert e["action"] == "minority replica(s) killed; the run goes on", e
assert r["exit_code"] == 0, r
print("report ok")
PY
ok $? "kill-minority --report: replica 2 is the minority, the run goes on, exit_code 0" ||
	{ diag_file checker report.check; diag_file report "$T/kill.json"; }

done_testing
