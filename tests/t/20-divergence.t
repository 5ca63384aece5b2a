#!/usr/bin/env bash
# Divergence: replicas that disagree on an output stop the run with status 86
# (or --divergence-exit-code), a report on stderr naming the call, and not
# one byte of the diverging output reaches stdout or a file.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

# check_report TAG SYSCALL N: the stderr report of the last run
check_report() {
	local tag=$1 sc=$2 n=$3 err
	err=$(cat "$ERR")
	like "$(head -n 1 "$ERR")" "^replicant: DIVERGENCE in peer group 0 at position [0-9]+: $sc\$" \
		"$tag: report starts with the DIVERGENCE line naming $sc"
	is "$(grep -Ec '^  replica [0-9]+( \((majority|minority)\))?: ' "$ERR")" "$n" \
		"$tag: one line per replica ($n)"
	is "$(grep -Ec '^  action: run aborted' "$ERR")" 1 "$tag: one action line: the run was aborted"
	unlike "$err" '\((majority|minority)\)' "$tag: no replica is called majority or minority"
}

for n in 2 3; do
	# the address of a function, to stdout
	rrun "addr.n$n" -n $n -- "$PROGS/addr"
	is "$RC" 86 "addr -n $n: exit status 86"
	is_empty "$OUT" "addr -n $n: not one byte on stdout"
	check_report "addr -n $n" write $n
	like "$(cat "$ERR")" '^  replica [0-9]+: write\(1, "marker at 0x' "addr -n $n: the report shows the write"
	like "$(cat "$ERR")" '^  the calls before it, oldest first:$' "addr -n $n: the report recalls the calls before it"
	# (a replica that had not come to the write yet, which -n 3 does not
	# wait for once two differ, may not have made it either)
	like "$(cat "$ERR")" '^    replica [0-9]+ #[0-9]+ newfstatat\(0x1, ' "addr -n $n: among them stdout's fstat"

	# the same, into a file
	rrun "addrfile.n$n" -n $n -- "$PROGS/addrfile" "$T/addr$n.txt"
	is "$RC" 86 "addrfile -n $n: exit status 86"
	is_empty "$OUT" "addrfile -n $n: nothing on stdout"
	if [ -e "addr$n.txt" ]; then
		is_empty "addr$n.txt" "addrfile -n $n: the output file is empty"
	else
		pass "addrfile -n $n: the output file does not exist"
	fi
	check_report "addrfile -n $n" write $n

	# AT_RANDOM bytes
	rrun "atrandom.n$n" -n $n -- "$PROGS/atrandom"
	is "$RC" 86 "atrandom -n $n: exit status 86"
	is_empty "$OUT" "atrandom -n $n: not one byte on stdout"
	check_report "atrandom -n $n" write $n
	like "$(cat "$ERR")" '^  replica [0-9]+: write\(1, "AT_RANDOM [0-9a-f]' "atrandom -n $n: the report shows the write"

	# --divergence-exit-code
	rrun "addr42.n$n" -n $n --divergence-exit-code 42 -- "$PROGS/addr"
	is "$RC" 42 "addr -n $n --divergence-exit-code 42: exit status 42"
	is_empty "$OUT" "addr -n $n --divergence-exit-code 42: nothing on stdout"
	check_report "addr -n $n --divergence-exit-code 42" write $n
	rrun "addr0.n$n" -n $n --divergence-exit-code 0 -- "$PROGS/addr"
	is "$RC" 0 "addr -n $n --divergence-exit-code 0: exit status 0"
	is_empty "$OUT" "addr -n $n --divergence-exit-code 0: nothing on stdout"
done

# replidx prints a common line, then a line only replica 2 prints
# differently. When replica 2 gets there first, the first disagreement stops
# the run: the common line left, nothing after it did.
rrun "replidx-majority-late.n3" -n 3 -- "$PROGS/replidx" majority-late
is "$RC" 86 "replidx -n 3, replica 2 first: exit status 86"
printf 'common line\n' >common.expected
same_file "$OUT" common.expected "replidx -n 3, replica 2 first: the line before the divergence, nothing after"
like "$(head -n 1 "$ERR")" '^replicant: DIVERGENCE in peer group 0 at position [0-9]+: write$' \
	"replidx -n 3, replica 2 first: report names write"
like "$(cat "$ERR")" '^  replica 2: write\(1, "replica says minority\\n", 22\)$' \
	"replidx -n 3, replica 2 first: the report shows replica 2's line"
# When replicas 0 and 1 get there first, their majority lets the line out
# and they run to the end; replica 2 then differs: status 86, and its line
# never leaves.
rrun "replidx-minority-late.n3" -n 3 -- "$PROGS/replidx" minority-late
is "$RC" 86 "replidx -n 3, replica 2 last: exit status 86"
printf 'common line\nreplica says majority\ndone\n' >replidx.expected
same_file "$OUT" replidx.expected "replidx -n 3, replica 2 last: the majority's output, exactly"
like "$(cat "$ERR")" '^  replica 2 \(minority\): write\(1, "replica says minority\\n", 22\)$' \
	"replidx -n 3, replica 2 last: the report calls replica 2 the minority"
is "$(grep -c '^  replica [01] (majority): write(1, "replica says majority' "$ERR")" 2 \
	"replidx -n 3, replica 2 last: the report calls replicas 0 and 1 the majority"
rrun "replidx.n2" -n 2 -- "$PROGS/replidx"
same_file "$OUT" replidx.expected "replidx -n 2 (replicas 0 and 1 agree): whole output"
is "$RC" 0 "replidx -n 2: exit status 0"

# --report FILE: JSON
rrun report.div -n 3 --report "$T/div.json" -- "$PROGS/addr"
is "$RC" 86 "--report on a divergence: exit status 86"
"$PY" - "$T/div.json" >report.check 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ev = r["events"]
assert isinstance(ev, list) and len(ev) == 1, ev
e = ev[0]
assert e["event"] == "divergence", e
assert e["syscall"] == "write", e
assert e["peer_group"] == 0, e
assert isinstance(e["position"], int) and e["position"] > 0, e
assert r["replicas"] == 3, r
assert r["exit_code"] == 86, r
assert r["diverged"] is True, r
assert r["program"][-1].endswith("/addr"), r
assert len(e["replicas"]) == 3, e
assert [x["replica"] for x in e["replicas"]] == [0, 1, 2], e
arrived = [x for x in e["replicas"] if x["call"] is not None]
assert len(arrived) >= 2, e
for x in arrived:
    assert x["syscall"] == "write" and x["call"].startswith('write(1, "marker at 0x'), x
assert e["action"].startswith("run aborted"), e
print("report ok")
PY
ok $? "--report: JSON parses, events[0] is a divergence at write, with every replica" ||
	{ diag_file "checker" report.check; diag_file "report" "$T/div.json"; }

rrun report.ok -n 2 --report "$T/ok.json" -- "$PROGS/hello"
is "$RC" 3 "--report on an agreeing run: the program's status 3"
"$PY" - "$T/ok.json" >report.check 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["events"] == [], r
assert r["diverged"] is False, r
assert r["exit_code"] == 3, r
assert r["replicas"] == 2, r
print("report ok")
PY
ok $? "--report on an agreeing run: no event, diverged false, exit_code 3" ||
	{ diag_file "checker" report.check; diag_file "report" "$T/ok.json"; }

done_testing
