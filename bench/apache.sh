# Sourced by the benchmarks that run Apache worker under wrk
# (serverprofile.sh, servercompare.sh): checks that wrk and apache2 are
# here, loads tests/servers.sh, and makes the work directory W with the
# served files (sha: the file's checksum) and a trap that kills the session
# of SPID (the replicant started with setsid) and removes W; and what both
# do with a server running (ticks, load, stop_session). $1: the caller's
# name, for its messages and W's.
for p in wrk apache2; do
	command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || {
		echo "bench/$1.sh: needs $p (make bench-servers installs it)" >&2
		exit 1
	}
done
. "$TOP/tests/servers.sh"
W=$(mktemp -d "/tmp/replicant-$1.XXXXXX")
SPID=
cleanup() {
	[ -n "$SPID" ] && kill -KILL -- "-$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
sha=$(www_dir "$W")

# ticks PID: the CPU time PID used so far (utime + stime, clock ticks)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# load PORT: wrk with CONNS connections without keep-alive on the served
# file for SECS seconds; prints how many requests it made
load() {
	wrk -t2 -c"$CONNS" -d"${SECS}s" -H 'Connection: close' "http://127.0.0.1:$1/f10k" |
		awk '/requests in/ { print $1 }'
}

# stop_session: SIGTERM to SPID, at most 10 s for it to end, then SIGKILL
# to whatever is left of its session
stop_session() {
	kill -TERM "$SPID"
	for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}
