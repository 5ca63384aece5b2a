#!/usr/bin/env bash
# make bench-server-profile: where the time goes when a real server runs
# replicated (issue 15's breakdown, for Apache worker as bench/servers.sh
# runs it: 2 children of 64 threads, wrk with CONNS connections, default
# 64, without keep-alive, a 10 KiB file, for SECS seconds, default 6).
# One run at -n N (default 2) under --profile, and prints:
#   - requests per second, and the CPU the monitor and the replicas used
#     during the load (from /proc), per request;
#   - the --profile table (bench/breakdown.sh explains its columns);
#   - where the monitor's own CPU went by symbol, kernel and user, from
#     perf's cpu-clock sampling, when perf is installed and may sample
#     (the machine's own counters are not needed);
#   - which of the monitor's functions made its futex calls (one in ten,
#     with their stacks), when perf may record that tracepoint: the
#     monitor lock's sleeps and wake-ups against the worker pool's.
# One run: the shares and per-call times are the result, not a ratio.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
N=${N:-2}
SECS=${SECS:-6}
CONNS=${CONNS:-64}
PY=$(command -v python3)
R=$TOP/build/replicant

. "$TOP/bench/apache.sh" serverprofile
PORT=$(free_port)
apache_conf "$W/a.conf" "$W" "$PORT" worker 64
setsid "$R" run -n "$N" --profile "$W/profile" -- apache2 -f "$W/a.conf" -DFOREGROUND \
	>"$W/out" 2>"$W/err" </dev/null &
SPID=$!
listening "$PORT" "$SPID" 300 || { cat "$W/err" >&2; exit 1; }
sleep 1

# CPU ticks of the monitor (ticks, bench/apache.sh), and of its session:
# the monitor and every replica's process (setsid above)
all_ticks() { session_cpu "$SPID" | awk '{ print $1 + $2 }'; }
perf_ok=
if command -v perf >/dev/null && perf record -q -e cpu-clock -o "$W/probe" -- true >/dev/null 2>&1; then
	perf_ok=1
	perf record -q -e cpu-clock -F 999 -p "$SPID" -o "$W/perf.data" -- sleep $((SECS - 2)) \
		>/dev/null 2>&1 &
	PERF=$!
fi
futex_ok=
if [ -n "$perf_ok" ] &&
	perf record -q -e syscalls:sys_enter_futex -o "$W/probe" -- true >/dev/null 2>&1; then
	futex_ok=1
	perf record -q -e syscalls:sys_enter_futex -c 10 --call-graph dwarf,4096 -p "$SPID" \
		-o "$W/futex.data" -- sleep 2 >/dev/null 2>&1 &
	FPERF=$!
fi
m0=$(ticks "$SPID") a0=$(all_ticks)
reqs=$(load "$PORT")
m1=$(ticks "$SPID") a1=$(all_ticks)
[ -n "$perf_ok" ] && wait "$PERF"
[ -n "$futex_ok" ] && wait "$FPERF"
stop_session
hz=$(getconf CLK_TCK)

echo
echo "Apache worker (2 x 64 threads) at -n $N, wrk -c$CONNS for ${SECS} s: ${reqs:-0} requests"
awk -v r="${reqs:-0}" -v s="$SECS" -v m=$((m1 - m0)) -v p=$((a1 - a0 - (m1 - m0))) -v hz="$hz" 'BEGIN {
	if (r == 0) { print "no request was served"; exit }
	printf "  %.0f requests/s\n", r / s
	printf "  monitor CPU:  %6.1f s, %7.1f us a request\n", m / hz, m / hz / r * 1e6
	printf "  replicas CPU: %6.1f s, %7.1f us a request (all %d replicas together)\n",
		p / hz, p / hz / r * 1e6, '"$N"'
}'
grep -v '^replicant: replica [0-9]* no longer follows' "$W/err" | head -5
echo
echo "## --profile (the calls with at least 1% of the monitor's time)"
awk -F'|' 'NR == FNR { if (FNR > 4) total += $7; next } FNR <= 4 || $7 >= total / 100' \
	"$W/profile" "$W/profile"
if [ -n "$perf_ok" ]; then
	echo
	echo "## the monitor's CPU by symbol (perf, cpu-clock samples; [k] kernel, [.] replicant)"
	perf report -i "$W/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
		grep '%' | grep -v '^#' | head -20 || true	# head ends the pipe early
else
	echo
	echo "(perf is not installed or may not sample here: no breakdown by symbol)"
fi
if [ -n "$futex_ok" ]; then
	echo
	echo "## the monitor's futex calls by the function of replicant's that made them"
	# a stack's frames come innermost first; frames inlined at one address
	# share it, and only the last of them names the binary
	perf script -i "$W/futex.data" -F ip,sym,dso 2>/dev/null | awk '
	function close_group() {
		if (gip != "" && !found && gdso ~ /\/replicant\)$/)
			found = gsym
		gip = ""
	}
	NF == 0 {
		close_group()
		if (seen) { n[found ? found : "(libc or unknown)"]++; total++ }
		found = ""; seen = 0
		next
	}
	{
		seen = 1
		if ($1 != gip) { close_group(); gip = $1; gsym = $2 }
		gdso = $NF
	}
	END {
		close_group()
		if (seen) { n[found ? found : "(libc or unknown)"]++; total++ }
		for (f in n) printf "  %5.1f%%  %s\n", 100 * n[f] / total, f | "sort -rn | head -8"
	}'
fi
