# Sourced by the benchmarks that run Apache worker under wrk
# (serverprofile.sh, servercompare.sh): checks that wrk and apache2 are
# here, loads tests/servers.sh, and makes the work directory W with the
# served files (sha: the file's checksum) and a trap that kills the session
# of SPID (the replicant started with setsid) and removes W. $1: the
# caller's name, for its messages and W's.
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
