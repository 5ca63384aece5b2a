#!/usr/bin/env bash
# nginx (Debian's nginx-light, unmodified) serves a 10 KiB file under -n 2
# and -n 3: NGINX_REQUESTS requests (default 200) from 4 loopback clients,
# one connection each (tests/httpget.py), every body checked by its
# SHA-256; the access log, written through the monitor, has exactly one line
# a request; no divergence or stall; SIGTERM to replicant ends the run with
# nginx's own status and leaves no replica behind.
#
# In three shapes: one process (master_process off), and a master with one
# and with two workers (as root, the workers run as nobody). The master
# talks to each worker over a socketpair, which it has SIGIO for (FIOASYNC
# and F_SETOWN: calls/async.c); two workers race to accept on the
# listening socket they share.
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

sha=$(www_dir "$T")

# serve TAG [REPLICANT RUN ... --]: nginx in TAG's shape, plain or replicated
serve() {
	local tag=$1 port
	shift
	port=$(free_port)
	nginx_conf "$T/$tag.conf" "$T" "$port" "${tag%%.*}"
	serve_http nginx "$tag" "$port" "$NGINX_REQUESTS" "$sha" "$@" "$NGINX" -c "$T/$tag.conf" -p "$T"
}

for shape in one master1 master2; do
	serve "$shape.plain"
	plain_rc=$RC
	is "$plain_rc" 0 "plain nginx $shape: SIGTERM ends it, status 0"
	for n in 2 3; do
		tag=$shape.n$n
		serve "$tag" "$REPLICANT" run -n "$n" --
		is "$RC" "$plain_rc" "nginx $tag: SIGTERM ends the run, nginx's own status" ||
			diag_file stderr "$tag.err"
		is_empty "$tag.err" "nginx $tag: nothing on stderr (no divergence, no stall)"
		is "$(wc -l <"$tag.access.log")" "$NGINX_REQUESTS" "nginx $tag: no other line in the access log"
		left=$(left_after 50 has_nginx $KIDS)
		is "$left" "" "nginx $tag: no replica is left"
		for k in $left; do kill -KILL "$k" 2>/dev/null; done
	done
done
done_testing
