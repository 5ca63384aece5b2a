#!/usr/bin/env bash
# make bench-servers: the seed's Table 7.1 for the servers that run
# replicated, on loopback: Apache httpd worker (2 children of 64 threads,
# the seed's shape) and prefork (4 children), nginx (a master and two
# workers; nginx-1w: one), redis. wrk fetches a 10 KiB file over CONNS connections
# (default 64) without keep-alive for SECS seconds (default 3);
# redis-benchmark makes REDIS_REQS SETs then as many GETs (default 20000)
# over CONNS connections. RUNS times (default 5) against each of:
#   1P         the plain server on one CPU (taskset -c 0)
#   2P         the plain server on both CPUs
#   -n 2, -n 3 the server under replicant
# and prints the median time per request (wall time / requests, in us),
# the projected estimate of the seed's Equation 7.1 from the 2P runs'
# user and system time (t' = (n*u + s)/(u + s) * t, n = 2: the cost of
# doing the user-mode work twice on the same two CPUs), and the ratios.
# A replicated server that ended during its runs (a divergence or a
# stall) shows "(ended)" and its report's first line on stderr. The
# client runs on the same two CPUs (the seed's had a machine of its own):
# the times include its share. SERVERS picks rows. Installs what it needs
# (as root).
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
REPLICANT=$TOP/build/replicant
RUNS=${RUNS:-5}
SECS=${SECS:-3}
CONNS=${CONNS:-64}
REDIS_REQS=${REDIS_REQS:-20000}
PY=$(command -v python3)

need=""
for p in wrk:wrk nginx:nginx-light apache2:apache2-bin redis-server:redis-server \
	redis-benchmark:redis-tools; do
	command -v "${p%%:*}" >/dev/null || [ -x "/usr/sbin/${p%%:*}" ] || need="$need ${p#*:}"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
	else
		echo "bench/servers.sh: needs$need (run as root to install)" >&2
		exit 1
	fi
fi

. tests/servers.sh
W=$(mktemp -d /tmp/replicant-servers.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	sleep 1
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
www_dir "$W" >/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# start NAME CMD...: the server in a session of its own; PID and SID set
start() {
	local name=$1
	shift
	setsid "$@" >"$W/$name.out" 2>"$W/$name.err" </dev/null &
	PID=$!
	SID=$PID
	pids+=("$PID")
	listening "$PORT" "$PID" 300 || {
		echo "bench/servers.sh: $name did not start:" >&2
		cat "$W/$name.err" >&2
		return 1
	}
}

stop_server() {
	kill -TERM "$PID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}

# one wrk run: microseconds per request, and (with $1 = cpu) the
# server's user and system ticks during it
one_run() {
	local before after rps
	[ "${1:-}" = cpu ] && before=$(session_cpu "$SID")
	if [ "$KIND" = redis ]; then
		# SET then GET, REDIS_REQS each: requests over the two runs' time
		rps=$(redis-benchmark -h 127.0.0.1 -p "$PORT" -c "$CONNS" -n "$REDIS_REQS" -t set,get --csv |
			awk -F'"' '$2 == "SET" || $2 == "GET" { if ($4 > 0) t += 1 / $4; k++ }
				END { if (k == 2) print 2 / t }')
	else
		rps=$(wrk -t2 -c"$CONNS" -d"${SECS}s" -H 'Connection: close' "http://127.0.0.1:$PORT/f10k" |
			awk '/^Requests\/sec:/ {print $2}')
	fi
	[ -n "$rps" ] || rps=0
	if [ "${1:-}" = cpu ]; then
		after=$(session_cpu "$SID")
		set -- $before $after
		echo "$(awk -v r="$rps" 'BEGIN { print (r > 0 ? 1e6 / r : 0) }') $(($3 - $1)) $(($4 - $2))"
	else
		awk -v r="$rps" 'BEGIN { print (r > 0 ? 1e6 / r : 0) }'
	fi
}

# measure NAME: the columns of one server
measure() {
	local name=$1 i t1 t2 tn2 tn3 proj rows
	shift
	PORT=$(free_port)
	KIND=http
	[ "$name" = redis ] && KIND=redis
	local conf=$W/$name.conf
	case $name in
	nginx) nginx_conf "$conf" "$W" "$PORT" master2; set -- nginx -c "$conf" -p "$W" ;;
	nginx-1w) nginx_conf "$conf" "$W" "$PORT" master1; set -- nginx -c "$conf" -p "$W" ;;
	apache-*) apache_conf "$conf" "$W" "$PORT" "${name#apache-}" 64; set -- apache2 -f "$conf" -DFOREGROUND ;;
	redis) set -- redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$W" --daemonize no --logfile "$W/redis.log" ;;
	esac
	start "$name.1p" taskset -c 0 "$@" || return
	t1=$(for ((i = 0; i < RUNS; i++)); do one_run; done | median)
	stop_server
	STOP_RC=$?
	start "$name.2p" "$@" || return
	rows=$(for ((i = 0; i < RUNS; i++)); do one_run cpu; done)
	stop_server
	t2=$(echo "$rows" | awk '{print $1}' | median)
	# Equation 7.1 per run, then the median
	proj=$(echo "$rows" | awk '{ u = $2; s = $3; print (u + s > 0 ? (2 * u + s) / (u + s) * $1 : $1) }' | median)
	replicated "$name" 2 "$@" || return
	tn2=$REPL
	replicated "$name" 3 "$@" || return
	tn3=$REPL
	printf '| %-14s | %7.1f | %7.1f | %9.1f | %7s | %7s | %9s | %16s |\n' "$name" \
		"$t1" "$t2" "$proj" "$tn2" "$tn3" "$(ratio "$tn2" "$t2")" "$(ratio "$tn2" "$proj")"
}

# replicated NAME N CMD...: REPL is the median us per request at -n N, or
# "(ended)" when replicant ended during the runs (a divergence or a stall:
# its first line goes to stderr), which no number may hide; a stop that
# does not end with the server's own status is said on stderr too
replicated() {
	local name=$1 n=$2 t rc
	shift 2
	start "$name.n$n" "$REPLICANT" run -n "$n" -- "$@" || return
	t=$(for ((i = 0; i < RUNS; i++)); do one_run; done | median)
	if kill -0 "$PID" 2>/dev/null; then
		REPL=$(printf '%.1f' "$t")
	else
		echo "bench/servers.sh: $name -n $n: $(first_report "$name.n$n")" >&2
		REPL="(ended)"
	fi
	stop_server
	rc=$?
	[ "$REPL" = "(ended)" ] || [ "$rc" = "$STOP_RC" ] ||
		echo "bench/servers.sh: $name -n $n: the stop: status $rc, not $STOP_RC: $(first_report "$name.n$n")" >&2
	return 0
}

first_report() { grep -m1 -E 'DIVERGENCE|STALL|replicant:' "$W/$1.err"; }

ratio() { case $1 in *[0-9]*) awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' ;; *) echo - ;; esac; }

echo "bench/servers.sh: us per request (wall / requests), median of $RUNS runs; $CONNS connections;"
echo "HTTP: wrk for ${SECS} s, no keep-alive, a 10 KiB file; redis: redis-benchmark, $REDIS_REQS SETs"
echo "and as many GETs; the clients on the same CPUs"
echo
echo "| server         |      1P |      2P | projected |   -n 2  |   -n 3  | -n 2 / 2P | -n 2 / projected |"
echo "|----------------|---------|---------|-----------|---------|---------|-----------|------------------|"
for name in ${SERVERS:-apache-worker apache-prefork nginx nginx-1w redis}; do
	measure "$name"
done
echo
echo "The seed's Apache (worker MPM, Table 7.1, its own machine): Replicant / 2P 1.33,"
echo "Replicant / projected 1.17."
