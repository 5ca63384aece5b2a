#!/usr/bin/env bash
# Squid (Debian's squid 5.7, unmodified) as a forward proxy with a memory
# cache only, in front of a loopback origin (python3 -m http.server), plain
# and under -n 2 and -n 3: SQUID_REQUESTS requests (default 60) from 4
# loopback clients through the proxy (tests/httpget.py --proxy), for files
# of 1 KiB, 100 KiB and 1 MiB, every body checked by its SHA-256 (the two
# small ones are served from Squid's memory after the first; the 1 MiB one,
# over maximum_object_size_in_memory, is fetched from the origin each
# time); the access log, written through the monitor, has exactly one line
# a request; SIGTERM ends the run with Squid's own status, no divergence or
# stall, and leaves none of its processes behind.
#
# Squid runs as Debian's unit runs it (--foreground, minus syslog): a
# master (root) that forks a kid (it becomes user proxy) that forks and
# execs the ICMP pinger. Replicas run with no_new_privs, so the pinger's
# file capability (cap_net_raw) is not granted and it exits at its start
# under replicant ("FATAL: pinger: Unable to open any ICMP sockets" in the
# cache log): the kid goes on without it, as it does outside replicant
# when the pinger cannot start.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/servers.sh"

cd "$T" || exit 1
export LC_ALL=C
SQUID_REQUESTS=${SQUID_REQUESTS:-60}

SQUID=/usr/sbin/squid
[ -x "$SQUID" ] || {
	echo "1..0 # SKIP squid is not installed (make deps installs it)"
	_tap_planned=0
	exit 0
}

mkdir -p "$T/www"
chmod 755 "$T" "$T/www"

# the origin's files, of deterministic content; GETS: the PATH SHA pairs
# for tests/httpget.py
GETS=()
for f in f1k:1024 f100k:102400 f1m:1048576; do
	$PY -c "import random, sys; sys.stdout.buffer.write(random.Random(${f##*:}).randbytes(${f##*:}))" \
		>"$T/www/${f%%:*}" 2>/dev/null
	GETS+=("/${f%%:*}" "$(sha256sum "$T/www/${f%%:*}" | cut -d' ' -f1)")
done

# squid_conf DIR PORT: DIR/squid.conf, a forward proxy on 127.0.0.1:PORT
# with its files in DIR (its working directory too); only requests are
# logged (hasRequest: not the connection that start_server's probe opens
# and closes). Its kid and pinger run as proxy: DIR is open to them.
squid_conf() {
	mkdir -p "$1"
	chmod 777 "$1"
	cat >"$1/squid.conf" <<CONF
http_port 127.0.0.1:$2
workers 1
cache_mem 8 MB
acl hasRequest has request
access_log stdio:$1/access.log hasRequest
cache_log $1/cache.log
cache_store_log none
pid_filename $1/squid.pid
coredump_dir $1
http_access allow localhost
http_access deny all
shutdown_lifetime 1 seconds
CONF
}

# tree PID: PID's descendants, as PID:COMM
tree() {
	local kid
	for kid in $(pgrep -P "$1"); do
		echo "$kid:$(cat "/proc/$kid/comm" 2>/dev/null)"
		tree "$kid"
	done
}
lingers() { alive "${1%%:*}" "${1#*:}"; }

# in_dir DIR: the processes whose working directory is DIR
in_dir() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}

origin=$(free_port)
start_server "python3 -m http.server" origin "$origin" $PY -m http.server -b 127.0.0.1 -d "$T/www" "$origin"
origin_pid=$SPID

# serve TAG [REPLICANT RUN ... --]: squid, plain or replicated, in front of
# the origin, under load, then SIGTERM; its exit status in $RC. Its files
# in $T/TAG. The pingers its process tree held after the load are added to
# PINGERS (PID:COMM), for a check at the end: Squid does not wait for its
# pinger, which finds out at its next look (every 10 s) that Squid is gone
serve() {
	local tag=$1 port start svc procs p left
	local dir=$T/$tag
	shift
	port=$(free_port)
	# the service name names its shared memory (/dev/shm/SVC-cf__*.shm)
	svc=rt$$$tag
	squid_conf "$dir" "$port"
	start_server squid "$tag" "$port" "$@" "$SQUID" -n "$svc" --foreground -f "$dir/squid.conf"
	start=$(date +%s%N)
	timeout -k 5 60 $PY "$TOP/tests/httpget.py" --proxy "$port" "$origin" "${GETS[0]}" \
		"$SQUID_REQUESTS" 4 "${GETS[@]:1}" >"$tag.get" 2>&1
	is "$?:$(cat "$tag.get")" "0:ok $SQUID_REQUESTS" \
		"squid $tag: $SQUID_REQUESTS requests through the proxy, every body right" ||
		diag_file stderr "$tag.err"
	diag "squid $tag: $SQUID_REQUESTS requests in $(ms_since "$start") ms"
	procs=
	for p in $(tree "$SPID"); do
		case $p in
		*:pinger) PINGERS="$PINGERS $p" ;;
		*) procs="$procs $p" ;;
		esac
	done
	start=$(date +%s%N)
	# its stop takes 1 to 4 s: shutdown_lifetime, then timed steps
	stop "$SPID" "squid $tag" 150
	diag "squid $tag: stopped in $(ms_since "$start") ms"
	is "$(grep -c " TCP_[A-Z_]*/200 [0-9]* GET http://127.0.0.1:$origin/f1[0-9]*[km] " \
		"$dir/access.log")" "$SQUID_REQUESTS" "squid $tag: the access log has one line a request"
	is "$(wc -l <"$dir/access.log")" "$SQUID_REQUESTS" "squid $tag: no other line in the access log"
	grep -q 'Squid Cache (Version [0-9.]*): Exiting normally' "$dir/cache.log"
	ok $? "squid $tag: its cache log says it shut down as asked" || diag_file "cache log" "$dir/cache.log"
	left=$(left_after 50 lingers $procs)
	is "$left" "" "squid $tag: none of its processes is left but a pinger (of:$procs)"
	for p in $left; do kill -KILL "${p%%:*}" 2>/dev/null; done
	is "$(ls /dev/shm | grep -c "^$svc-")" 0 "squid $tag: no shared memory segment is left"
}

PINGERS=
serve plain
plain_rc=$RC
is "$plain_rc" 0 "plain squid: SIGTERM ends it, status 0"
is_empty plain.err "plain squid: nothing on stderr"
for n in 2 3; do
	tag=n$n
	serve "$tag" "$REPLICANT" run -n "$n" --
	is "$RC" "$plain_rc" "squid $tag: SIGTERM ends the run, Squid's own status" ||
		diag_file stderr "$tag.err"
	# each time the master or the kid becomes user proxy, its
	# initgroups asks nss-systemd, which looks for userdb's drop-in
	# directories one component at a time with openat(dirfd, NAME,
	# O_PATH|O_NOFOLLOW), /lib among them, a symlink that cannot be
	# reopened as readable: the replicas get /dev/null in its place
	# (calls/open.c); it failed with ELOOP and a warning once
	is_empty "$tag.err" "squid $tag: nothing on stderr (no divergence, stall, refusal or warning)" ||
		diag_file stderr "$tag.err"
done
# the plain run's pinger has had the replicated runs' time to end
left=$(left_after 150 lingers $PINGERS)
is "$left" "" "no pinger is left (of:$PINGERS)"
for p in $left; do kill -KILL "${p%%:*}" 2>/dev/null; done
for tag in plain n2 n3; do
	is "$(in_dir "$T/$tag")" "" "squid $tag: no process is left in its working directory"
done
stop "$origin_pid" origin
is "$RC" 143 "the origin: SIGTERM ends it"
done_testing
