#!/usr/bin/env bash
# Sequential regions by hand (issue 4): the thesis' Figure 3.2 and Appendix
# A annotated (tests/progs/seq/counter_seq.c, prodcons_seq.c) give a correct
# output (tests/threads.sh replays it) natively, with REPLICANT_SEQ_CHECK=1,
# and in every run under -n 2 and -n 3, with and without --perturb; the
# unannotated Figure 3.2 (tests/progs/pthread/counter.c) diverges under
# --perturb.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/threads.sh"

cd "$T" || exit 1
export LC_ALL=C
# a run takes 20 to 200 ms: a hang costs 30 s rather than lib.sh's 60
[ -n "${REPLICANT_TEST_TIMEOUT:-}" ] || TIMEOUT=30
# runs of each program under each of -n 2, -n 3, with and without --perturb
# (about 0.1 s each; 16 threads: half as many)
RUNS=${REPLICANT_SEQ_RUNS:-10}

for prog in counter_seq prodcons_seq; do
	# natively: pass-through, then the library's own one-replica order log
	run_cmd "$prog.native" "$PROGS/seq/$prog"
	is "$RC" 0 "$prog natively: exit status 0"
	is "$(out_check $prog "$OUT")" "" "$prog natively: a correct output, last line '$(out_last $prog)'"
	is_empty "$ERR" "$prog natively: nothing on stderr"
	REPLICANT_SEQ_CHECK=1 run_cmd "$prog.check" "$PROGS/seq/$prog"
	is "$RC" 0 "$prog REPLICANT_SEQ_CHECK=1: exit status 0 (no annotation error)"
	is "$(out_check $prog "$OUT")" "" "$prog REPLICANT_SEQ_CHECK=1: a correct output"

	for n in 2 3; do
		replicated_runs $prog "$RUNS" -n $n
		replicated_runs $prog "$RUNS" -n $n --perturb
	done
done
# 16 threads: 48 threads on 2 cores at -n 3 wait in the futex, not spinning
run_cmd counter_seq16.native "$PROGS/seq/counter_seq" 16
is "$(out_check counter_seq "$OUT" 16)" "" "counter_seq 16 natively: a correct output, last line '$(out_last counter_seq 16)'"
replicated_runs -t 16 counter_seq $(((RUNS + 1) / 2)) -n 3 --perturb

# --- the unannotated Figure 3.2 diverges under --perturb (--no-pthread) ---
# Measured: 150 of 150 runs (100 at -n 2, 50 at -n 3) diverged, so at
# least 8 of 10 is a bound with room.
run_cmd counter.native "$PROGS/pthread/counter"
is "$(out_check counter "$OUT")" "" "counter (unannotated) natively: a correct output"
diverging_runs counter 10 8 -n 2 --no-pthread --perturb

done_testing
