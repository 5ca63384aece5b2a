#!/usr/bin/env bash
# Apache httpd (Debian's apache2-bin, unmodified) with the worker MPM, as
# the seed ran it (2 child processes of 8 threads), and with prefork (4
# children), under -n 2 and -n 3: APACHE_REQUESTS requests (default 200)
# for a 10 KiB file from 4 loopback clients, one connection each
# (tests/httpget.py), every body checked by its SHA-256; the access log,
# written through the monitor, has exactly one line a request; no
# divergence or stall; SIGTERM to replicant ends the run with Apache's own
# status (its parent reaps its children, sleeping between waits, as
# SIGCHLDs come) and leaves no replica behind. Started as root, the
# children run as www-data.
#
# The event MPM is not here: its listener's timed waits still part the
# replicas (issue 13). Nor is the stop a hard check (a TODO below).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/servers.sh"

cd "$T" || exit 1
export LC_ALL=C
APACHE_REQUESTS=${APACHE_REQUESTS:-200}

APACHE=$(command -v apache2 || ls /usr/sbin/apache2 2>/dev/null) || {
	echo "1..0 # SKIP apache2 is not installed (make deps installs apache2-bin)"
	_tap_planned=0
	exit 0
}
has_apache() { [ "$(live_tasks "$1" apache2)" -gt 0 ]; }

sha=$(www_dir "$T")

# serve TAG [REPLICANT RUN ... --]: Apache with TAG's MPM, plain or replicated
serve() {
	local tag=$1 port
	shift
	port=$(free_port)
	apache_conf "$T/$tag.conf" "$T" "$port" "${tag%%.*}"
	serve_http apache "$tag" "$port" "$APACHE_REQUESTS" "$sha" "$@" "$APACHE" -f "$T/$tag.conf" -DFOREGROUND
}

for mpm in worker prefork; do
	serve "$mpm.plain"
	plain_rc=$RC
	is "$plain_rc" 0 "plain apache $mpm: SIGTERM ends it, status 0"
	for n in 2 3; do
		tag=$mpm.n$n
		serve "$tag" "$REPLICANT" run -n "$n" --
		# The stop is timing in both MPMs. worker: a child's main thread
		# sleeps between looks at whether its threads are done, which
		# they signal through memory (a divergence at -n 3 in 3 of 4
		# runs of this file here). prefork: the parent's reaping loop
		# (wait4 with WNOHANG, then the clock) diverged at -n 3 once in
		# a CI-like run, after 0 of 6 by hand.
		TODO="issue 13: Apache's stop reads what its children and threads did by timing"
		is "$RC" "$plain_rc" "apache $tag: SIGTERM ends the run, Apache's own status" ||
			diag_file stderr "$tag.err"
		out=$(grep -v '^replicant: O_PATH open of lib' "$tag.err")
		is "$out" "" "apache $tag: nothing else on stderr (no divergence, no stall)"
		TODO=
		is "$(wc -l <"$tag.access.log")" "$APACHE_REQUESTS" "apache $tag: no other line in the access log"
		left=$(left_after 50 has_apache $KIDS)
		is "$left" "" "apache $tag: no replica is left"
		for k in $left; do kill -KILL "$k" 2>/dev/null; done
	done
done
done_testing
