#!/usr/bin/env bash
# make soak: the monitor's memory over a long run of a program that makes
# millions of syscalls (an intercepted getppid loop, and a voted 4 KiB write
# loop through a pipe), under -n 2. Prints the monitor's RSS every
# SAMPLE seconds and checks that the peak of the second half of the run
# (after WARM seconds) is within 10% of the peak of the first half: what
# is live goes up and down with how far one replica runs ahead of the
# other (at most 16384 calls), so single samples swing between about 4 and
# 13 MiB in the getppid loop; a leak would raise the peaks. SOAK_SECONDS
# bounds the run (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
SOAK_SECONDS=${SOAK_SECONDS:-300}
SAMPLE=${SAMPLE:-10}
WARM=${WARM:-10}
B=build/bench
make -s $B/sysloop

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

soak() {
	local what=$1 t=0 rss pid
	local -a samples=()
	shift
	# stops by itself: timeout forwards SIGTERM, which the replicas die of
	timeout --foreground -s TERM "$SOAK_SECONDS" build/replicant run -n 2 -- "$@" >/dev/null &
	pid=$!
	sleep 1
	# replicant is timeout's child
	pid=$(pgrep -P "$pid" | head -n 1)
	printf '\n%s (replicant pid %s)\n%8s %10s\n' "$what" "$pid" "seconds" "RSS KiB"
	while kill -0 "$pid" 2>/dev/null; do
		rss=$(rss_kb "$pid")
		[ "$rss" -gt 0 ] || break
		printf '%8d %10d\n' "$t" "$rss"
		[ "$t" -ge "$WARM" ] && samples+=("$rss")
		sleep "$SAMPLE"
		t=$((t + SAMPLE))
	done
	wait || true
	if [ ${#samples[@]} -lt 4 ]; then
		echo "too short a run to judge (SOAK_SECONDS=$SOAK_SECONDS)"
		return
	fi
	printf '%s\n' "${samples[@]}" | awk '
		{ v[NR] = $1 }
		END {
			h = int(NR / 2)
			for (i = 1; i <= NR; i++)
				if (i <= h) { if (v[i] > a) a = v[i] } else if (v[i] > b) b = v[i]
			g = (b - a) * 100.0 / a
			printf "peak RSS after warm-up: first half %d KiB, second half %d KiB: %+.1f%% (%s)\n",
			       a, b, g, g <= 10 ? "flat, within 10%" : "GREW more than 10%"
		}'
}

soak "intercepted getppid loop" $B/sysloop getppid 1000000000
soak "voted 4 KiB writes" $B/sysloop write4k 1000000000
