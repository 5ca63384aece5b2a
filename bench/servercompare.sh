#!/usr/bin/env bash
# make bench-server-compare OLD=path/to/old/replicant: Apache worker (2
# children of 64 threads, as bench/servers.sh runs it) under this build and
# another, at -n N (default 2), run by run in turn (old, new, old, new...)
# so that the machine's drift falls on both alike: wrk with CONNS
# connections (default 64) without keep-alive on a 10 KiB file for SECS
# seconds (default 4), RUNS times each (default 5). Prints each run, then
# per build the medians of requests a second and of the monitor's CPU a
# request (utime + stime from /proc), and new over old. Separate runs of
# bench/servers.sh drift by more than a 10% change; this is how such a
# change is measured.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
OLD=${OLD:?set OLD to the replicant binary to compare with}
NEW=${NEW:-$TOP/build/replicant}
N=${N:-2}
RUNS=${RUNS:-5}
SECS=${SECS:-4}
CONNS=${CONNS:-64}
PY=$(command -v python3)

. "$TOP/bench/apache.sh" servercompare

# one run of build $1: "requests/s monitor-us-a-request", or nothing
one_run() {
	local port reqs m0 m1
	port=$(free_port)
	apache_conf "$W/a.conf" "$W" "$port" worker 64
	setsid "$1" run -n "$N" -- apache2 -f "$W/a.conf" -DFOREGROUND >"$W/out" 2>"$W/err" </dev/null &
	SPID=$!
	if ! listening "$port" "$SPID" 300; then
		head -n 3 "$W/err" >&2
		return
	fi
	sleep 1
	m0=$(ticks "$SPID")
	reqs=$(load "$port")
	m1=$(ticks "$SPID")
	stop_session
	[ -n "$reqs" ] && [ "$reqs" -gt 0 ] &&
		awk -v r="$reqs" -v s="$SECS" -v m=$((m1 - m0)) -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.0f %.0f\n", r / s, m / hz / r * 1e6 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

: >"$W/old" && : >"$W/new"
for i in $(seq "$RUNS"); do
	for b in old new; do
		bin=$OLD
		[ $b = new ] && bin=$NEW
		r=$(one_run "$bin")
		echo "run $i, $b: ${r:-(failed)} (requests/s, monitor us a request)"
		[ -n "$r" ] && echo "$r" >>"$W/$b"
	done
done
echo
printf '| Apache worker 2x64, -n %s, %s runs | old | new | new / old |\n' "$N" "$RUNS"
echo '|---|---|---|---|'
for col in 1 2; do
	o=$(cut -d' ' -f$col "$W/old" | median) n=$(cut -d' ' -f$col "$W/new" | median)
	name='requests a second'
	[ $col = 2 ] && name='monitor CPU a request, us'
	awk -v name="$name" -v o="${o:-0}" -v n="${n:-0}" \
		'BEGIN { printf "| %s | %s | %s | %s |\n", name, o, n, (o > 0 ? sprintf("%.2f", n / o) : "-") }'
done
