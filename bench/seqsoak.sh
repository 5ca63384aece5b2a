#!/usr/bin/env bash
# make seqsoak: many replicated runs of the threaded test programs, to
# measure how often they agree. Issue 4: the thesis' Figure 3.2 and Appendix
# A annotated by hand (tests/progs/seq/), -n 2 and -n 3, SEQ_RUNS runs each
# (default 100), without and with --perturb. Issue 5: the plain pthread
# programs (tests/progs/pthread/) with --pthread --perturb, -n 2 and -n 3,
# PTHREAD_RUNS runs each (default 50); counter_c11, namedsem, printers,
# pshared and msgs cover C11 threads, named semaphores, stdio,
# process-shared objects and wide-character and error-message stdio. A run agreed when it
# exited 0 with a correct output (tests/threads.sh replays it); diverged
# when it exited 86; anything else is another failure. Prints a table, then a command that
# replays the first failure of each row; exits 1 if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
SEQ_RUNS=${SEQ_RUNS:-100}
PTHREAD_RUNS=${PTHREAD_RUNS:-50}
STALL=${STALL:-3}	# seconds: a stalled run fails in 3 s, not 10
PROGS=$PWD/build/tests
REPLICANT=$PWD/build/replicant
. tests/threads.sh

# the runs' working directory: programs may write files there (msgs)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
firsts=()

# soak RUNS PROG N OPTIONS...: one row of the table: RUNS runs of PROG
# under replicant run -n N OPTIONS
soak() {
	local runs=$1 prog=$2 n=$3 i rc agreed=0 diverged=0 other=0 first= a
	local -a args
	shift 3
	args=(-n "$n" "$@" --stall-timeout "$STALL" -- "$(prog_path "$prog")")
	for ((i = 1; i <= runs; i++)); do
		(cd "$tmp" && timeout -k 5 60 "$REPLICANT" run "${args[@]}" \
			</dev/null >"$tmp/out" 2>"$tmp/err")
		rc=$?
		if [ $rc = 0 ] && out_check "$prog" "$tmp/out" >/dev/null && stderr_ok "$tmp/err"; then
			agreed=$((agreed + 1))
			continue
		fi
		if [ $rc = 86 ]; then
			diverged=$((diverged + 1))
		else
			other=$((other + 1))
		fi
		if [ -z "$first" ]; then
			first=1
			mapfile -t a < <(replay "$tmp/err" "${args[@]}")
			firsts+=("$prog -n $n $*: run $i, status $rc" \
				"  stderr: $(grep -v -m 1 'perturb seed' "$tmp/err" | cut -c 1-100)" \
				"  output: $(out_check "$prog" "$tmp/out" | cut -c 1-100)" \
				"  replay: build/replicant run$(printf ' %q' "${a[@]}")")
		fi
	done
	[ $agreed = "$runs" ] || failed=1
	printf '%-14s %2s  %-20s %5d %7d %9d %7d\n' "$prog" "$n" "$*" "$runs" "$agreed" \
		"$diverged" "$other"
}

printf '%-14s %2s  %-20s %5s %7s %9s %7s\n' program n options runs agreed diverged other
for prog in counter_seq prodcons_seq; do
	for n in 2 3; do
		soak "$SEQ_RUNS" $prog $n
		soak "$SEQ_RUNS" $prog $n --perturb
	done
done
for prog in counter counter_c11 prodcons bank workqueue rwlock barrier sembuf namedsem trylock printers pshared msgs; do
	for n in 2 3; do
		soak "$PTHREAD_RUNS" $prog $n --pthread --perturb
	done
done
if [ ${#firsts[@]} -gt 0 ]; then
	printf '\nthe first failure of each row that had one:\n'
	printf '%s\n' "${firsts[@]}"
fi
exit $failed
