#!/usr/bin/env bash
# nginx (Debian's nginx-light, unmodified) serves a 10 KiB file under -n 2
# and -n 3: NGINX_REQUESTS requests (default 200) from 4 loopback clients,
# one connection each (tests/httpget.py), every body checked by its
# SHA-256; the access log, written through the monitor, has exactly one line
# a request; no divergence or stall; SIGTERM to replicant ends the run with
# nginx's own status and leaves no replica behind.
#
# One process (master_process off): with its master, nginx asks for SIGIO
# on its channel socketpair (FIOASYNC and F_SETOWN), which replicant
# refuses (issue 13).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/servers.sh"

cd "$T" || exit 1
export LC_ALL=C
NGINX_REQUESTS=${NGINX_REQUESTS:-200}

NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null) || {
	echo "1..0 # SKIP nginx is not installed (make deps installs nginx-light)"
	_tap_planned=0
	exit 0
}
has_nginx() { [ "$(live_tasks "$1" nginx)" -gt 0 ]; }

mkdir -p www tmp
head -c 10240 /dev/urandom >www/f10k
sha=$(sha256sum www/f10k | cut -d' ' -f1)

# conf TAG PORT: a configuration of its own, everything inside $T
conf() {
	cat >"$1.conf" <<CONF
daemon off;
master_process off;
error_log $T/$1.error.log;
pid $T/$1.pid;
events { worker_connections 64; }
http {
	access_log $T/$1.access.log;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server { listen 127.0.0.1:$2; root $T/www; }
}
CONF
}

# serve TAG [REPLICANT ARGS...]: nginx, plain or replicated, under load,
# then SIGTERM; its exit status in $RC
serve() {
	local tag=$1 port pid
	shift
	port=$(free_port)
	conf "$tag" "$port"
	if [ $# -gt 0 ]; then
		"$REPLICANT" run "$@" -- "$NGINX" -c "$T/$tag.conf" -p "$T" >"$tag.out" 2>"$tag.err" </dev/null &
	else
		"$NGINX" -c "$T/$tag.conf" -p "$T" >"$tag.out" 2>"$tag.err" </dev/null &
	fi
	pid=$!
	bg_register "$pid"
	listening "$port" "$pid" 300
	ok $? "nginx $tag: listens on 127.0.0.1:$port" || diag_file stderr "$tag.err"
	kids=$(pgrep -P "$pid" | sort -n | tr '\n' ' ')
	start=$(date +%s%N)
	timeout -k 5 120 $PY "$TOP/tests/httpget.py" "$port" /f10k "$NGINX_REQUESTS" 4 "$sha" \
		>"$tag.get" 2>&1
	is "$?:$(cat "$tag.get")" "0:ok $NGINX_REQUESTS" \
		"nginx $tag: $NGINX_REQUESTS requests, every body right" || diag_file stderr "$tag.err"
	diag "nginx $tag: $NGINX_REQUESTS requests in $(ms_since "$start") ms"
	is "$(grep -c '"GET /f10k HTTP/1.1" 200 10240' "$tag.access.log")" "$NGINX_REQUESTS" \
		"nginx $tag: the access log has one line a request"
	stop "$pid" "nginx $tag"
}

serve plain
plain_rc=$RC
is "$plain_rc" 0 "plain nginx: SIGTERM ends it, status 0"

for n in 2 3; do
	serve "n$n" -n "$n"
	is "$RC" "$plain_rc" "nginx -n $n: SIGTERM ends the run, nginx's own status" ||
		diag_file stderr "n$n.err"
	is_empty "n$n.err" "nginx -n $n: nothing on stderr (no divergence, no stall)"
	is "$(wc -l <"n$n.access.log")" "$NGINX_REQUESTS" "nginx -n $n: no other line in the access log"
	left=$(left_after 50 has_nginx $kids)
	is "$left" "" "nginx -n $n: no replica is left"
	for k in $left; do kill -KILL "$k" 2>/dev/null; done
done
done_testing
