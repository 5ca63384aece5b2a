#!/usr/bin/env bash
# Stalls: a replica this far behind the others (--stall-timeout) is a
# divergence. "replidx last-stalls" makes the last replica sleep 3 s (a local
# call, not voted on) before a line all replicas print alike.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

printf 'common line\nreplica says majority\ndone\n' >full.expected
printf 'common line\n' >common.expected
STALL_RE='^replicant: STALL in peer group 0 at position [0-9]+ \(write\): waited [0-9.]+ s$'
WAITS_RE='waits for replica\(s\) behind it, at write\(1, "replica says majority\\n", 22\)$'

# timed_rrun TAG ARGS...: rrun, with the elapsed time in $MS
timed_rrun() {
	local start
	start=$(date +%s%N)
	rrun "$@"
	MS=$((($(date +%s%N) - start) / 1000000))
}

# -n 2: no majority without the late replica: stopped after 1 s
timed_rrun stall.n2 -n 2 --stall-timeout 1 --report "$T/stall.json" -- "$PROGS/replidx" last-stalls
is "$RC" 86 "stall -n 2 --stall-timeout 1: exit status 86"
same_file "$OUT" common.expected "stall -n 2: the output before the stall, nothing after"
like "$(head -n 1 "$ERR")" "$STALL_RE" "stall -n 2: report starts with the STALL line naming write"
like "$(cat "$ERR")" "^  replica 0: $WAITS_RE" "stall -n 2: replica 0 waits at the write"
like "$(cat "$ERR")" '^  replica 1: has not reached this position; its thread is in syscall clock_nanosleep$' \
	"stall -n 2: replica 1 has not reached it: its thread sleeps"
like "$(cat "$ERR")" '^  action: run aborted' "stall -n 2: action: run aborted"
[ "$MS" -ge 900 ] && [ "$MS" -lt 2900 ]
ok $? "stall -n 2: stopped after the 1 s timeout, before the replica woke up (${MS} ms)"
"$PY" - "$T/stall.json" >check.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e = r["events"][0]
assert len(r["events"]) == 1, r
assert e["event"] == "stall", e
assert e["waited_s"] >= 1.0, e
assert [x["arrived"] for x in e["replicas"]] == [True, False], e
assert e["replicas"][1]["thread"] == "is in syscall clock_nanosleep", e
assert r["exit_code"] == 86 and r["diverged"] is True, r
print("ok")
PY
ok $? "stall -n 2 --report: one stall event, replica 1 not arrived" || diag_file check check.out

timed_rrun stall42.n2 -n 2 --stall-timeout 1 --divergence-exit-code 42 -- "$PROGS/replidx" last-stalls
is "$RC" 42 "stall -n 2 --divergence-exit-code 42: exit status 42"

# A replica that loops on calls the monitor never sees (futex wakes) is
# runnable and in a call at times: excused only for a while (end/stall.c
# excuses a thread woken in a call that waits for a CPU, at most 10 times
# the timeout); here it is mostly seen outside any call, and stopped.
timed_rrun spins.n2 -n 2 --stall-timeout 1 -- "$PROGS/replidx" last-spins
is "$RC" 86 "spinning in unseen calls -n 2 --stall-timeout 1: exit status 86"
like "$(head -n 1 "$ERR")" "$STALL_RE" "spinning in unseen calls -n 2: a STALL report"
[ "$MS" -lt 15000 ]
ok $? "spinning in unseen calls -n 2: stopped within 11 timeouts and a margin (${MS} ms)"

# the default timeout (10 s) lets a 3 s delay be
timed_rrun nostall.n2 -n 2 -- "$PROGS/replidx" last-stalls
is "$RC" 0 "3 s behind -n 2, default stall timeout: exit status 0" || diag_file stderr "$ERR"
same_file "$OUT" full.expected "3 s behind -n 2, default stall timeout: whole output"
is_empty "$ERR" "3 s behind -n 2, default stall timeout: nothing on stderr"

# -n 3: the majority goes on without the late replica; under abort the
# stall still ends the run with 86
timed_rrun stall.n3 -n 3 --stall-timeout 1 -- "$PROGS/replidx" last-stalls
is "$RC" 86 "stall -n 3 --stall-timeout 1: exit status 86"
same_file "$OUT" full.expected "stall -n 3: the majority's output left"
like "$(head -n 1 "$ERR")" "$STALL_RE" "stall -n 3: the STALL report"
like "$(cat "$ERR")" '^  replica 2: has not reached this position; its thread is in syscall clock_nanosleep$' \
	"stall -n 3: replica 2 has not reached it: its thread sleeps"
[ "$MS" -lt 2900 ]
ok $? "stall -n 3: stopped before the replica woke up (${MS} ms)"

# -n 3 kill-minority: the stalled replica is killed, the run goes on and
# ends with the majority's status
timed_rrun stallkill.n3 -n 3 --stall-timeout 1 --on-divergence kill-minority -- "$PROGS/replidx" last-stalls
is "$RC" 0 "stall -n 3 kill-minority: the majority's exit status 0" || diag_file stderr "$ERR"
same_file "$OUT" full.expected "stall -n 3 kill-minority: the majority's whole output"
like "$(head -n 1 "$ERR")" "$STALL_RE" "stall -n 3 kill-minority: the STALL report"
like "$(cat "$ERR")" '^  replica 2: has not reached this position; its thread is in syscall clock_nanosleep$' \
	"stall -n 3 kill-minority: replica 2 has not reached it: its thread sleeps"
is "$(grep '^  action: ' "$ERR")" "  action: stalled replica(s) killed; the run goes on" \
	"stall -n 3 kill-minority: action: the stalled replica killed, the run goes on"

done_testing
