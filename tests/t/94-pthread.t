#!/usr/bin/env bash
# The pthread interposition library (issue 5): plain pthread programs
# (tests/progs/pthread/: mutexes, condition variables, rwlocks, barriers,
# semaphores, named ones too, trylock and timed waits) whose output depends on the order
# their threads took their locks give a correct output (tests/threads.sh
# replays it) in every run under `replicant run` (the library is loaded by
# default; -n 2, and -n 2 and -n 3 with --perturb); with --no-pthread,
# --perturb makes them diverge.
# So do two threads that print to stdout with printf (stdio's lock).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/threads.sh"

cd "$T" || exit 1
export LC_ALL=C
# a run takes 50 to 300 ms: a hang costs 30 s rather than lib.sh's 60
[ -n "${REPLICANT_TEST_TIMEOUT:-}" ] || TIMEOUT=30
# runs of each program in each replicated mode
RUNS=${REPLICANT_PTHREAD_RUNS:-3}

for prog in counter counter_c11 prodcons bank workqueue rwlock barrier sembuf namedsem trylock pshared; do
	run_cmd "$prog.native" "$PROGS/pthread/$prog"
	is "$RC" 0 "$prog natively: exit status 0"
	is "$(out_check $prog "$OUT")" "" "$prog natively: a correct output, last line '$(out_last $prog)'"
	is_empty "$ERR" "$prog natively: nothing on stderr"

	replicated_runs $prog "$RUNS" -n 2
	replicated_runs $prog "$RUNS" -n 2 --pthread --perturb
	replicated_runs $prog "$RUNS" -n 3 --pthread --perturb

	# The same program with --no-pthread. Measured: 20 of 20 runs of
	# each diverged (-n 2 --perturb), so 3 of 5 is a bound with room.
	# (namedsem diverges earlier: glibc's sem_open draws a random
	# temporary name in /dev/shm.)
	diverging_runs $prog 5 3 -n 2 --no-pthread --perturb
done

# --- threads that print at the same time through stdio ---
# printers: two threads print 500 lines each with printf, sharing nothing
# but stdout. printf holds stdout's lock (inside glibc) while it writes,
# and a write waits until its peers make theirs: without an order on that
# lock, replicas that took it in different orders wait for each other (a
# STALL in 4 of 5 runs, -n 2 --perturb, measured). The library makes every
# FILE a domain and runs printf and the other stdio calls in its region
# (lib/pthread/stdio.c).
# msgs: the same with wide-character stdio (fwprintf, fputws) to stdout
# and warnx and perror to stderr (a file the program reads back), calls
# that take a FILE's lock inside glibc too (lib/pthread/wstdio.c,
# errmsg.c). Without those wrappers (this session's previous build, with
# --pthread), 5 of 5 runs at -n 2 --perturb stalled.
# Their runs without the library print into a pipe, where a write always
# waits for the vote (3 of 3 of each stalled or diverged); a write to a
# regular file may be answered before it (list/provisional.c).
for prog in printers msgs; do
	run_cmd "$prog.native" "$PROGS/pthread/$prog"
	is "$RC" 0 "$prog natively: exit status 0"
	is "$(out_check $prog "$OUT")" "" "$prog natively: a correct output, last line '$(out_last $prog)'"
	replicated_runs $prog "$RUNS" -n 2
	replicated_runs $prog "$RUNS" -n 2 --pthread --perturb
	replicated_runs $prog "$RUNS" -n 3 --pthread --perturb
	DIV_VIA_PIPE=1 diverging_runs $prog 5 2 -n 2 --no-pthread --perturb
done

# --- a real program's process-shared lock: CPython's multiprocessing ---
# tests/mplock.py: two forked processes take a multiprocessing.Lock (a
# named semaphore, sem_open) 20 times each and print the counter they
# bump in a file while holding it. Named semaphores are process-shared
# domains: with last session's build (domains per process) 4 of 4 runs at
# -n 2 --pthread --perturb stalled; with this one 4 of 4 agreed.
# mplock_check FILE: what is wrong with FILE as its output (nothing: right)
mplock_check() {
	awk '$1 ~ /^p[12]$/ && NF == 3 {
		if ($2 != next_i[$1]++) { print "line " NR ": " $1 "'"'"'s rounds out of order"; exit }
		if (seen[$3]++ || $3 < 1 || $3 > 40) { print "line " NR ": value " $3 " twice or out of range"; exit }
		n++; next
	}
	$0 == "total 40" && NR == 41 && n == 40 { done = 1; next }
	{ print "line " NR ": unexpected: " $0; exit }
	END { if (!done) print "no total 40 after 40 rounds" }' "$1"
}
run_cmd mplock.native "$PY" "$TOP/tests/mplock.py" 20
is "$RC" 0 "multiprocessing.Lock natively: exit status 0"
is "$(mplock_check "$OUT")" "" "multiprocessing.Lock natively: a correct output"
for args in "-n 2 --pthread" "-n 2 --pthread --perturb" "-n 3 --pthread --perturb"; do
	good=0
	for ((i = 1; i <= RUNS; i++)); do
		rrun mplock.$i $args --stall-timeout "$STALL" -- "$PY" "$TOP/tests/mplock.py" 20
		if [ "$RC" = 0 ] && [ -z "$(mplock_check "$OUT")" ] && stderr_ok "$ERR"; then
			good=$((good + 1))
		elif [ $good = $((i - 1)) ]; then
			diag "run $i: status $RC; output: $(mplock_check "$OUT")"
			diag_file stderr "$ERR"
		fi
	done
	is "$good" "$RUNS" "multiprocessing.Lock $args: $RUNS of $RUNS runs exit 0 with a correct output"
done

# --- a real program's own stdio under the library: bash ---
# bash prints dlerror()'s message for a library it cannot load; the
# library must not look up glibc's calls on the first printf (dlsym resets
# dlerror's message: bash printed freed memory, a different garbage in each
# replica, found through pyenv's bash shims).
printf '%s\n' "bash: line 1: enable: cannot open shared object /nonexistent/x.so: /nonexistent/x.so: cannot open shared object file: No such file or directory" >enable.expected
run_cmd enable.plain bash -c 'enable -f /nonexistent/x.so x 2>&1; echo status $?'
printf 'status 1\n' >>enable.expected
same_file "$OUT" enable.expected "bash enable -f natively: dlerror's message, status 1"
for n in 2 3; do
	rrun enable.n$n -n $n --pthread -- bash -c 'enable -f /nonexistent/x.so x 2>&1; echo status $?'
	is "$RC" 0 "bash enable -f -n $n --pthread: exit status 0" || diag_file stderr "$ERR"
	same_file "$OUT" enable.expected "bash enable -f -n $n --pthread: the plain run's message"
done

# --- a mutex at an address where another one was ---
# mutex_reuse: the main thread makes a job with a mutex each round, the
# worker locks it, the main thread destroys and frees it. Odd replicas
# keep each job a round longer, so malloc hands the next job the freed
# address in some replicas and a new one in others, as it does by timing
# when threads free into each other's arenas (pigz's job locks). The worker
# took the reused address for a mutex it had used, and skipped the first
# use's entry in domain 0 that other replicas made: a STALL in 2 of 2 runs
# at -n 2, before domains got generations (rp_dom_gen()).
for n in 2 3; do
	rrun reuse.n$n -n $n --stall-timeout 5 -- "$PROGS/mutex_reuse"
	is "$RC:$(cat "$OUT")" "0:4032" "mutex_reuse -n $n: exit status 0, the sum of the rounds" ||
		diag_file stderr "$ERR"
done

# --- deadlines pass at quiet points (lib/pthread/quiet.c) ---
# spinflag: the main thread computes and reads, without a lock, a flag that
# a thread sets each time its 5 ms timed wait times out (CPython's GIL
# drop request). With the deadline passing wherever the main thread was,
# each replica saw the flag at another iteration: a DIVERGENCE at the
# write in 3 of 3 runs at -n 2 before this. Now the deadline waits until
# the main thread waits (its join), and no replica sees the flag.
run_cmd spinflag.native "$PROGS/spinflag"
is "$RC:$(cut -d' ' -f1-2 "$OUT")" "0:seen at" "spinflag natively: the flag is seen during the loop"
for args in "-n 2" "-n 3" "-n 2 --perturb"; do
	rrun "spinflag.${args// /}" $args -- "$PROGS/spinflag"
	is "$RC:$(cat "$OUT")" "0:never" "spinflag $args: exit 0, the flag is never seen during the loop" ||
		diag_file stderr "$ERR"
done
# spinflag thread: the loop runs in a thread of its own that uses no lock,
# made after the waiter. Seen only from its first lock, it ran unseen and
# the deadlines passed while it computed: a DIVERGENCE at the write in 3 of
# 3 runs at -n 2 on the build before; now a thread is seen from its start
# (lib/pthread/solo.c). CPython's threads.py under --perturb diverged so
# right after making its last thread (2 of 22 runs before, 0 of 90 after).
for args in "-n 2" "-n 3 --perturb"; do
	rrun "spinflag-thread.${args// /}" $args -- "$PROGS/spinflag" thread
	is "$RC:$(cat "$OUT")" "0:never" "spinflag thread $args: exit 0, a new thread is seen from its start" ||
		diag_file stderr "$ERR"
done
# timedblock: a thread blocked in sleep() is quiet (lib/pthread/block.c):
# the worker's ten 20 ms timeouts pass while the main thread sleeps 3 s
# (without the wrappers, runs were still going after 60 s).
for n in 2 3; do
	rrun timedblock.n$n -n $n -- "$PROGS/timedblock"
	is "$RC:$(cat "$OUT")" "0:10 timeouts while main slept" \
		"timedblock -n $n: a thread in sleep() does not hold up another's deadlines" || diag_file stderr "$ERR"
done
# staleturn: a thread asleep for its turn behind a thread that left the
# region and exited is quiet when the thread inside now waits. Judged by
# the exited thread, it counted as running, and each of the five 20 ms
# timeouts waited the 10 s limit: 51 s at -n 2 on the build before, past
# this file's 30 s limit per run (0.4 s now).
for n in 2 3; do
	rrun staleturn.n$n -n $n -- "$PROGS/staleturn"
	is "$RC:$(cat "$OUT")" "0:5 timeouts" \
		"staleturn -n $n: a sleeper behind an exited thread does not hold up deadlines" || diag_file stderr "$ERR"
done

# --- a replica that can no longer follow the logs is let go from them ---
# lockskew (tests/progs/lockskew.c) takes its locks a different number of
# times, or in another order, in each replica, as Apache's workers do as
# they stop: a replica then waits in a log for a thread that ended, or for
# a thread that waits for it. Both stalled for ever (exit 86 after
# --stall-timeout at f55ed71); the monitor now lets a replica in a cycle
# take its locks as plain locks, and says so; the run ends, its output
# voted. A turn at the entry of a thread that ended without making that
# region is passed instead (src/seq/seqrelease.c, pass_ended()): the
# replica keeps following the logs, and only the report says so.
released_line() {
	printf 'replicant: replica %d no longer follows the lock order of the process of peer group 0: in domain %d it waited for thread 32769, which %s; its threads take the locks in their own order from now on, and its outputs are still voted\n' "$@"
}
for n in 2 3; do
	rrun "lockskew-ended.n$n" -n $n --report "$T/lockskew-ended.n$n.json" -- "$PROGS/lockskew" ended
	is "$RC:$(cat "$OUT")" "0:done" "lockskew ended -n $n: exit 0, the output" || diag_file stderr "$ERR"
	is_empty "$ERR" "lockskew ended -n $n: nothing on stderr"
	# replica r passes the n - 1 - r rounds of B that the last replica made
	# and it did not
	want=$(for r in $(seq 0 $((n - 2))); do
		printf '"event":"region_passed","peer_group":0,"replica":%d,"domain":1,"thread":32769,"entries":%d\n' \
			$r $((n - 1 - r)); done)
	is "$(grep -o '"event":"region_passed"[^}]*' "$T/lockskew-ended.n$n.json")" "$want" \
		"lockskew ended -n $n: replicas 0..$((n - 2)) pass B's rounds they never made, the report says so once each"
	rrun "lockskew-cycle.n$n" -n $n -- "$PROGS/lockskew" cycle
	is "$RC:$(cat "$OUT")" "0:done" "lockskew cycle -n $n: exit 0, the output" || diag_file stderr "$ERR"
	# which of X and Y comes first in a's log and in b's is timing in
	# replica 0 (under load, Y may take a before X does), and the scan that
	# sees the cycle may start from either domain: any of the four
	want=$(for r in $(seq 1 $((n - 1))); do
		released_line $r 0 "waits for a thread that waits for it, through other domains"; done)
	is "$(sed 's/in domain [01] it waited for thread 3277[01],/in domain 0 it waited for thread 32769,/' "$ERR")" \
		"$want" "lockskew cycle -n $n: replicas 1..$((n - 1)) are let go, said once each" ||
		diag_file stderr "$ERR"
done

# --- a signal to a thread of the process settles (lib/pthread/settle.c) ---
# killflag: the main thread signals a thread out of its epoll_wait, then
# reads with no lock a flag that thread sets on its way out (Apache's
# worker and event MPMs stop so). On the build before, every replica read
# it at once, before the thread got there (6 of 6 runs: "dying is 0"); now
# pthread_kill returns once the thread is out of its wait and quiet again.
# cond: a signal that ends no wait is waited for 0.5 s at most, then the
# call returns as before. exiting: eight workers told to stop, then
# signalled; glibc makes no call for a thread already exiting, so the
# replicas' calls differed: a DIVERGENCE in 5 of 6 runs at -n 2 on the build
# before (Apache worker's stop, 1 in 7 at -n 3).
for n in 2 3; do
	rrun killflag-epoll.n$n -n $n -- "$PROGS/killflag" epoll
	is "$RC:$(cat "$OUT")" "0:listener: epoll_wait -1 (Interrupted system call)
main: dying is 1 after pthread_kill
done" "killflag epoll -n $n: the signalled thread got out before the sender read its flag" ||
		diag_file stderr "$ERR"
	rrun killflag-cond.n$n -n $n -- "$PROGS/killflag" cond
	is "$RC:$(cat "$OUT")" "0:main: dying is 0 after pthread_kill
listener: out of its wait
done" "killflag cond -n $n: a signal that ends no wait is not waited for" || diag_file stderr "$ERR"
	rrun killflag-exiting.n$n -n $n -- "$PROGS/killflag" exiting
	is "$RC:$(cat "$OUT")" "0:pthread_kill answered 0 for 8 of 8 stopping workers
done" "killflag exiting -n $n: signals to stopping workers make the same calls in every replica" ||
		diag_file stderr "$ERR"
done

# a replica that passed an entry is still voted: lockskew ended-differ
# prints its replica index after the pass, and that write is a divergence,
# never an output
rrun lockskew-differ.n2 -n 2 -- "$PROGS/lockskew" ended-differ
is "$RC:$(cat "$OUT")" "86:" "lockskew ended-differ -n 2: exit 86, nothing printed"
is "$(sed -n 1p "$ERR")" "replicant: DIVERGENCE in peer group 0 at position $(sed -n 's/^replicant: DIVERGENCE in peer group 0 at position \([0-9]*\): write$/\1/p' "$ERR"): write" \
	"lockskew ended-differ -n 2: replica 0 passes B's round, then its write diverges" || diag_file stderr "$ERR"

# --- what a run used: the library by default, --no-pthread, =serial ---
for mode in "on:" "off:--no-pthread" "serial:--pthread=serial"; do
	word=${mode%%:*} flag=${mode#*:}
	rrun "mode.$word" -n 2 --report "$T/mode.$word.json" $flag -- true
	is "$RC" 0 "true -n 2 ${flag:-(default)}: exit status 0" || diag_file stderr "$ERR"
	is "$(grep -o '"pthread":"[a-z]*"' "$T/mode.$word.json")" "\"pthread\":\"$word\"" \
		"true -n 2 ${flag:-(default)}: the report says \"pthread\":\"$word\""
done
# the library missing: a clear error, unless the run does without it
REPLICANT_PTHREAD_LIB=$T/none.so rrun nolib -n 2 -- true
is "$RC" 125 "library missing: exit status 125"
is "$(cat "$ERR")" "replicant: cannot find libreplicant-pthread.so at $T/none.so (set REPLICANT_PTHREAD_LIB, or run with --no-pthread)" \
	"library missing: the error names it and the way out"
REPLICANT_PTHREAD_LIB=$T/none.so rrun nolib.off -n 2 --no-pthread -- echo hi
is "$RC:$(cat "$OUT")" "0:hi" "library missing, --no-pthread: the program runs"

done_testing
