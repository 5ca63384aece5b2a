# Helpers for servers on loopback, for the tests (tests/t/8[6-9]-*.t,
# 96-memcached.t: sourced after lib.sh) and bench/servers.sh. They need PY
# (a python3); stop needs lib.sh's ended_within and diag too.

# a loopback port nothing listens on now
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# listening PORT PID TENTHS: true once 127.0.0.1:PORT accepts a connection,
# polling every 0.1 s at most TENTHS times while PID lives
listening() {
	local i
	for ((i = 0; i < $3; i++)); do
		$PY -c "import socket; socket.create_connection(('127.0.0.1', $1), timeout=1).close()" \
			2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# session_cpu SID: the CPU time (user, system; clock ticks) of every
# process in session SID, as "USER SYSTEM"
session_cpu() {
	local sid=$1 u=0 s=0 f fields
	for f in /proc/[0-9]*/stat; do
		fields=$(sed 's/.*) //' "$f" 2>/dev/null) || continue
		# after the name: state ppid pgrp session ... utime stime ($12, $13)
		set -- $fields
		[ "${4:-0}" = "$sid" ] || continue
		u=$((u + ${12})) s=$((s + ${13}))
	done
	echo "$u $s"
}

# stop PID TAG [TENTHS]: SIGTERM to PID (a background job of ours), at
# most TENTHS tenths of a second (default 50: 5 s) for it to end (else
# SIGKILL); its status in $RC (-1: it did not end)
stop() {
	local tenths=${3:-50}
	{
		kill -TERM "$1"
		if ended_within "$tenths" "$1"; then
			wait "$1"
			RC=$?
		else
			RC=-1
			diag "$2: still running $((tenths / 10)) s after SIGTERM: SIGKILL"
			kill -KILL "$1"
			wait "$1"
		fi
	} 2>/dev/null
}

# nginx_conf FILE DIR PORT SHAPE: nginx serving DIR/www on 127.0.0.1:PORT,
# its logs and temporary files in DIR; SHAPE one (master_process off),
# master1 or master2 (a master and that many workers)
nginx_conf() {
	local master=on workers=1
	case $4 in
	one) master=off ;;
	master2) workers=2 ;;
	esac
	cat >"$1" <<CONF
daemon off;
master_process $master;
worker_processes $workers;
error_log $2/$(basename "$1" .conf).error.log;
pid $2/$(basename "$1" .conf).pid;
events { worker_connections 1024; }
http {
	access_log $2/$(basename "$1" .conf).access.log;
	client_body_temp_path $2/tmp/body;
	proxy_temp_path $2/tmp/proxy;
	fastcgi_temp_path $2/tmp/fastcgi;
	uwsgi_temp_path $2/tmp/uwsgi;
	scgi_temp_path $2/tmp/scgi;
	server { listen 127.0.0.1:$3; root $2/www; }
}
CONF
}

# apache_conf FILE DIR PORT MPM [THREADS]: Apache httpd serving DIR/www on
# 127.0.0.1:PORT with MPM worker (2 children of THREADS threads, default 8;
# the seed ran 64) or prefork (4 children); logs in DIR, children as
# www-data when root
apache_conf() {
	local mods=/usr/lib/apache2/modules tag threads=${5:-8}
	tag=$(basename "$1" .conf)
	[ -e "$2/mime.types" ] || : >"$2/mime.types"
	{
		cat <<CONF
ServerRoot $2
ServerName 127.0.0.1
Listen 127.0.0.1:$3
PidFile $2/$tag.pid
ErrorLog $2/$tag.error.log
LogLevel warn
LoadModule mpm_${4}_module $mods/mod_mpm_${4}.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule mime_module $mods/mod_mime.so
TypesConfig $2/mime.types
DocumentRoot $2/www
<Directory $2/www>
	Require all granted
	AllowOverride None
</Directory>
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog $2/$tag.access.log common
Mutex file:$2 default
CONF
		[ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n'
		case $4 in
		worker)
			# A fixed pool: the parent never adds or ends a child. It
			# still counts idle threads in the scoreboard, which the
			# children write outside any lock, each second; with
			# MinSpareThreads 1 the count matters (a log line) only
			# when every thread is busy (README, "Apache httpd").
			printf '%s\n' "StartServers 2" "ServerLimit 2" "ThreadsPerChild $threads" \
				"ThreadLimit $threads" "MinSpareThreads 1" \
				"MaxSpareThreads $((2 * threads))" "MaxRequestWorkers $((2 * threads))"
			;;
		prefork)
			printf '%s\n' "StartServers 4" "ServerLimit 4" "MinSpareServers 4" \
				"MaxSpareServers 4" "MaxRequestWorkers 4"
			;;
		esac
	} >"$1"
}

# www_dir DIR: DIR/www with a 10 KiB file f10k that a server's workers
# (nobody, www-data) can read; its SHA-256 on stdout
www_dir() {
	mkdir -p "$1/www" "$1/tmp"
	chmod 755 "$1" "$1/www"
	head -c 10240 /dev/urandom >"$1/www/f10k"
	chmod 644 "$1/www/f10k"
	sha256sum "$1/www/f10k" | cut -d' ' -f1
}

# start_server NAME TAG PORT CMD...: the server CMD (plain, or replicant
# run ... -- it) in a session of its own (Apache prefork's parent signals
# its process group), stdout and stderr in TAG.out and TAG.err, and a test
# that it listens on PORT. Its pid in SPID, its children (a replicant's
# replicas) in KIDS. TAP tests.
start_server() {
	local name=$1 tag=$2 port=$3
	shift 3
	setsid "$@" >"$tag.out" 2>"$tag.err" </dev/null &
	SPID=$!
	bg_register "$SPID"
	listening "$port" "$SPID" 300
	ok $? "$name $tag: listens on 127.0.0.1:$port" || diag_file stderr "$tag.err"
	KIDS=$(pgrep -P "$SPID" | sort -n | tr '\n' ' ')
}

# serve_http NAME TAG PORT COUNT SHA CMD...: the server CMD started
# (start_server), under COUNT requests for /f10k from 4
# loopback clients (tests/httpget.py), each body checked against SHA, the
# access log (TAG.access.log) one line a request; then SIGTERM. Its exit
# status in RC, its children (a replicant's replicas) in KIDS. TAP tests.
serve_http() {
	local name=$1 tag=$2 port=$3 count=$4 sha=$5 start
	shift 5
	start_server "$name" "$tag" "$port" "$@"
	start=$(date +%s%N)
	timeout -k 5 120 $PY "$TOP/tests/httpget.py" "$port" /f10k "$count" 4 "$sha" >"$tag.get" 2>&1
	is "$?:$(cat "$tag.get")" "0:ok $count" "$name $tag: $count requests, every body right" ||
		diag_file stderr "$tag.err"
	diag "$name $tag: $count requests in $(ms_since "$start") ms"
	is "$(grep -c '"GET /f10k HTTP/1.1" 200 10240' "$tag.access.log")" "$count" \
		"$name $tag: the access log has one line a request"
	stop "$SPID" "$name $tag"
}
