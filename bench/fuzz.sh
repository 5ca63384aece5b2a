#!/usr/bin/env bash
# make fuzz: tests/fuzz/fuzz.c under replicant, one seed after another for
# FUZZ_SECONDS (default 60), at -n 2 and -n 3 in turn; FUZZ_SEED sets the
# first seed (default: drawn; printed to replay). Replica 0 makes random
# calls with hostile arguments; its peers sleep. After each run:
# - the monitor ended the run itself: status 0, 86 or 125 (not a signal,
#   not the 30 s timeout);
# - no file outside the scratch directory changed (a canary beside it, the
#   files of the directory above it);
# - no process of the run is left (found by a tag in their environment).
# Prints calls per second (replica 0's calls the monitor saw, from
# --debug) and what it found.
set -uo pipefail
cd "$(dirname "$0")/.."
R=${REPLICANT:-$PWD/build/replicant}	# another build: REPLICANT=path
F0=$PWD/build/tests/fuzz/fuzz
SECONDS_WANTED=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
top=$(mktemp -d /tmp/replicant-fuzz.XXXXXX)
logs=$(mktemp -d /tmp/replicant-fuzz-logs.XXXXXX)
trap 'rm -rf "$top" "$logs"' EXIT
echo "canary: nothing may write this" >"$top/canary"
# the program runs from a copy beside the scratch directory, so that its
# own file (reachable as /proc/self/exe) is among those watched
F=$top/fuzz
cp "$F0" "$F"
echo "make fuzz: first seed $seed (replay: FUZZ_SEED=$seed make fuzz), $SECONDS_WANTED s"

snapshot() { (cd "$top" && find . -path ./scratch -prune -o -printf '%p %s %T@ %m\n' | sort); }
tagged() { grep -lsa "FUZZ_TAG=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3; }

# A refused call ends the run (by design); the numbers refused so far are
# skipped by the later runs (FUZZ_SKIP), so that they go deeper.
export FUZZ_SKIP=
runs=0 calls=0 bad=0 start=$(date +%s) n=2
declare -A statuses
while [ $(( $(date +%s) - start )) -lt "$SECONDS_WANTED" ]; do
	rm -rf "$top/scratch" && mkdir "$top/scratch"
	before=$(snapshot)
	tag=fuzz.$$.$seed
	(cd "$top/scratch" && FUZZ_TAG=$tag timeout -k 5 30 "$R" run -n $n --debug --stall-timeout 2 \
		-- "$F" "$seed" >"$logs/out" 2>"$logs/err" </dev/null)
	rc=$?
	runs=$((runs + 1))
	refused=$(sed -n 's/^replicant: refused syscall .* (number \([0-9]*\)) .*/\1/p' "$logs/err" | head -1)
	[ -n "$refused" ] && FUZZ_SKIP="$FUZZ_SKIP,$refused"
	statuses[$rc]=$(( ${statuses[$rc]:-0} + 1 ))
	calls=$((calls + $(grep -c '^replicant: replica 0 group [0-9]* [a-z]* pos' "$logs/err")))
	problem=
	case $rc in 0 | 86 | 125) ;; *) problem="exit status $rc" ;; esac
	grep -q 'internal error' "$logs/err" && problem="$problem; internal error"
	[ "$(snapshot)" = "$before" ] || problem="$problem; a file outside the scratch directory changed"
	for i in $(seq 1 30); do [ -z "$(tagged "$tag")" ] && break; sleep 0.1; done
	[ -z "$(tagged "$tag")" ] || problem="$problem; processes left: $(tagged "$tag" | tr '\n' ' ')"
	if [ -n "$problem" ]; then
		bad=$((bad + 1))
		echo "FOUND (seed $seed, -n $n): $problem"
		echo "  replay: cd <dir> && FUZZ_SKIP=$FUZZ_SKIP $R run -n $n --stall-timeout 2 -- $F $seed"
		grep -v '^replicant: replica [0-9]* group' "$logs/err" | head -5 | sed 's/^/  /'
		for p in $(tagged "$tag"); do kill -KILL "$p" 2>/dev/null; done
		if [ -n "${FUZZ_KEEP:-}" ]; then	# a directory to keep what a failure left
			mkdir -p "$FUZZ_KEEP/$seed" && cp -r "$logs/err" "$top/scratch" "$FUZZ_KEEP/$seed/"
		fi
	fi
	seed=$((seed + 1)) n=$((5 - n))
done
elapsed=$(( $(date +%s) - start ))
printf '\n| runs | calls the monitor saw from replica 0 | calls/s | problems |\n|---|---|---|---|\n'
printf '| %d | %d | %d | %d |\n' "$runs" "$calls" $((calls / (elapsed ? elapsed : 1))) "$bad"
printf 'exit statuses:'; for k in "${!statuses[@]}"; do printf ' %s x%d' "$k" "${statuses[$k]}"; done; echo
[ "$bad" -eq 0 ]
