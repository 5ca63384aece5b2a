# Helpers of the threaded tests, tests/t/92-seq.t and 94-pthread.t (sourced
# after lib.sh), and of bench/seqsoak.sh (all but the two TAP runners at the
# end): the expected outputs of tests/progs/pthread/*.c and tests/progs/seq/*.c.
#
# A run's output depends on the order its threads took their locks, so it is
# not compared with another run's: out_check replays it instead, in the order
# its lines came out (each is printed while its lock is held), and checks it
# is a run that could have happened: every value follows from the lines
# before it, every item is taken once, the last line is the invariant.

OUT_AWK=$(dirname "${BASH_SOURCE[0]}")/threads.awk

# The last line of every correct run (counter's with 4 threads).
declare -A OUT_LAST=(
	[counter]='total 100'
	[counter_seq]='total 100'
	[prodcons]='100 items, sum 5050'
	[prodcons_seq]='100 items, sum 5050'
	[bank]='total 8000'
	[workqueue]='64 jobs done, checksum 89440'
	[rwlock]='final version 16 value 24'
	[barrier]='result 3548'
	[sembuf]='80 items, sum 121560'
	[namedsem]='80 items, sum 121560, child posted'
	[trylock]='trylock 50, timedlock 50, turns 20'
	[printers]='1000 lines'
	[pshared]='total 660, 20 items'
	[msgs]='600 lines'
)

# out_last PROG [THREADS]: the last line of every correct run
out_last() {
	if [[ $1 == counter* ]]; then
		echo "total $((10 * ${2:-4} * (${2:-4} + 1) / 2))"
	else
		echo "${OUT_LAST[$1]}"
	fi
}

# out_check PROG FILE [THREADS]: prints what is wrong with FILE as an output
# of PROG (the first thing found; nothing when it is right) and returns 1
# if anything is. THREADS: counter's and counter_seq's argument (default 4).
out_check() {
	local prog=$1 file=$2 threads=${3:-4} last want
	last=$(tail -n 1 "$file" 2>/dev/null)
	if [ ! -s "$file" ]; then
		echo "no output"
		return 1
	fi
	if [ -n "$(tail -c 1 "$file")" ]; then
		echo "the last line is cut short: '$last'"
		return 1
	fi
	awk -v prog="$prog" -v threads="$threads" -f "$OUT_AWK" "$file" || return 1
	want=$(out_last "$prog" "$threads")
	if [ "$last" != "$want" ]; then
		echo "the last line is '$last', not '$want'"
		return 1
	fi
}

# stderr_ok FILE: empty, or only --perturb's line with its seed
stderr_ok() {
	! grep -qv '^replicant: --perturb seed [0-9]* (replay with --perturb-seed [0-9]*)$' "$1"
}

# replay ERR-FILE ARGS...: ARGS one a line, with --perturb replaced by the
# --perturb-seed that the run's stderr names, to replay that run
replay() {
	local err=$1 a
	shift
	for a in "$@"; do
		if [ "$a" = --perturb ]; then
			printf '%s\n' --perturb-seed \
				"$(sed -n 's/^replicant: --perturb seed \([0-9]*\) .*/\1/p' "$err")"
		else
			printf '%s\n' "$a"
		fi
	done
}

# The path of a test program: tests/progs/seq/PROG or tests/progs/pthread/PROG.
prog_path() {
	if [ -x "$PROGS/seq/$1" ]; then echo "$PROGS/seq/$1"; else echo "$PROGS/pthread/$1"; fi
}

# A stall of a correct run would be a bug; a broken one fails in STALL s
# rather than replicant's default 10.
STALL=${STALL:-3}

# replicated_runs [-t THREADS] PROG RUNS REPLICANT-ARGS...: RUNS runs of PROG
# under `replicant run REPLICANT-ARGS --stall-timeout $STALL`; every one must
# exit 0, print a correct output (out_check) and nothing on stderr but
# --perturb's seed. Three tests; the first failure is diagnosed with the
# command that replays it.
replicated_runs() {
	local threads=4 prog runs i rc0=0 good=0 clean=0 first= why name a
	local -a args
	if [ "$1" = -t ]; then
		threads=$2
		shift 2
	fi
	prog=$1 runs=$2
	shift 2
	name="$prog $*"
	args=("$@" --stall-timeout "$STALL" -- "$(prog_path "$prog")")
	if [[ $prog == counter* ]]; then
		args+=("$threads")
		name="$prog $threads $*"
	fi
	for ((i = 1; i <= runs; i++)); do
		rrun "$prog.$i" "${args[@]}"
		why=$(out_check "$prog" "$OUT" "$threads")
		[ "$RC" = 0 ] && rc0=$((rc0 + 1))
		[ -z "$why" ] && good=$((good + 1))
		stderr_ok "$ERR" && clean=$((clean + 1))
		if [ -z "$first" ] && { [ "$RC" != 0 ] || [ -n "$why" ] || ! stderr_ok "$ERR"; }; then
			first=1
			mapfile -t a < <(replay "$ERR" "${args[@]}")
			diag "run $i: status $RC; output: ${why:-correct}" "repro: $(repro "${a[@]}")"
			diag_file stderr "$ERR"
		fi
	done
	is "$rc0" "$runs" "$name: all $runs runs exit 0"
	is "$good" "$runs" "$name: all $runs runs print a correct output, last line '$(out_last "$prog" "$threads")'"
	is "$clean" "$runs" "$name: nothing on stderr (but --perturb's seed) in $runs runs"
}

# diverging_runs PROG RUNS MIN REPLICANT-ARGS...: RUNS runs of the
# unannotated PROG under `replicant run REPLICANT-ARGS --stall-timeout 1`:
# at least MIN of them diverge (exit 86, a STALL or DIVERGENCE report), and
# any other exits 0 with a correct output. Two tests. A STALL is the usual
# report: the programs print while holding a lock, so replicas that took it
# in different orders each hold it in a write that their peers do not make.
diverging_runs() {
	local prog=$1 runs=$2 min=$3 i div=0 other=0
	shift 3
	for ((i = 1; i <= runs; i++)); do
		if [ -n "${DIV_VIA_PIPE:-}" ]; then
			rrun "$prog.div.$i" "$@" --stall-timeout 1 -- sh -c '"$0" | cat' "$(prog_path "$prog")"
		else
			rrun "$prog.div.$i" "$@" --stall-timeout 1 -- "$(prog_path "$prog")"
		fi
		if [ "$RC" = 86 ] &&
			grep -Eq '^replicant: (STALL|DIVERGENCE) in peer group [0-9]+ at position' "$ERR"; then
			div=$((div + 1))
		elif [ "$RC" != 0 ] || [ -n "$(out_check "$prog" "$OUT")" ]; then
			other=$((other + 1))
			diag "run $i: status $RC; output: $(out_check "$prog" "$OUT")"
			diag_file stderr "$ERR"
		fi
	done
	ok $((div >= min ? 0 : 1)) "unannotated $prog $*: at least $min of $runs runs diverge: $div did" ||
		diag "repro: $(repro "$@" --stall-timeout 1 -- "$(prog_path "$prog")")"
	is "$other" 0 "unannotated $prog $*: the other runs exit 0 with a correct output"
}
