#!/usr/bin/env bash
# No replica outlives replicant. SIGTERM and SIGINT to replicant are
# forwarded to every replica (sleep dies of them: 143, 130, as a plain run
# would); after SIGKILL of replicant itself the replicas die too
# (PTRACE_O_EXITKILL, PR_SET_PDEATHSIG). A second SIGTERM while the first
# is on its way stops every replica at once. A program that handles SIGTERM
# stops at the same line in every replica.
. "$(dirname "$0")/../lib.sh"

# a replica still running its sleep (left_after)
runs_sleep() { alive "$1" sleep; }

cd "$T" || exit 1

for sig in TERM INT KILL; do
	case $sig in
	TERM) want=143 ;;
	INT) want=130 ;;
	KILL) want=137 ;;
	esac
	# replicant itself in the background, so that $! is its pid (every
	# wait below is bounded, and it is killed should it not exit)
	# (a background job ignores SIGINT: env gives sleep its default action)
	env --default-signal=INT "$REPLICANT" run -n 3 -- sleep 30 >"$T/$sig.out" 2>"$T/$sig.err" </dev/null &
	rpid=$!
	bg_register "$rpid"
	sleep 1
	kids=$(pgrep -P "$rpid" | sort -n | tr '\n' ' ')
	is "$(echo $kids | wc -w)" 3 "SIG$sig: replicant has 3 replicas before the signal ($kids)"
	n_sleep=0
	for k in $kids; do alive "$k" sleep && n_sleep=$((n_sleep + 1)); done
	is "$n_sleep" 3 "SIG$sig: the 3 replicas are running sleep"
	signal_ends "$sig" "$rpid" "SIG$sig" "$want" "$T/$sig.err"
	sleep 0.1
	# the replicas: gone, or zombies waiting for their new parent, within 5 s
	left=$(left_after 50 runs_sleep $kids)
	is "$left" "" "SIG$sig: no replica is left running"
	for k in $left; do kill -KILL "$k" 2>/dev/null; done
	is_empty "$T/$sig.out" "SIG$sig: nothing on stdout"
	case $sig in
	TERM | INT) is_empty "$T/$sig.err" "SIG$sig: nothing on stderr: sleep died of it, as in a plain run" ;;
	esac
done

# a program that handles SIGTERM: every replica stops at the same line
for n in 2 3; do
	"$REPLICANT" run -n $n -- "$PROGS/sigterm" >"$T/handled.$n.out" 2>"$T/handled.$n.err" </dev/null &
	rpid=$!
	bg_register "$rpid"
	sleep 1
	kill -TERM "$rpid"
	wait "$rpid"
	is "$?" 5 "handled SIGTERM -n $n: the program's own status 5"
	last=$(tail -n 1 "$T/handled.$n.out")
	like "$last" '^stopped after [0-9]+ lines$' "handled SIGTERM -n $n: the replicas agreed where they stopped"
	count=$(grep -c '^line ' "$T/handled.$n.out")
	is "$last" "stopped after $count lines" "handled SIGTERM -n $n: every line before it was written once"
	is_empty "$T/handled.$n.err" "handled SIGTERM -n $n: nothing on stderr"
done

# A program that sleeps in select() with no descriptors (APR's sleep,
# Apache's parent between its looks at its children) until SIGTERM: a
# call each replica makes in its own kernel. Before 2026-12-07 the
# signal's position was checked only at calls the monitor decides, so a
# thread that made only these was passed by and never got it (the run
# went on until a second SIGTERM), and Apache prefork's parent, in 1 of 6
# stops by hand at -n 3, had it in two replicas' select and a call later
# in the third's (a DIVERGENCE: getpid against wait4).
for n in 2 3; do
	f=$T/selectloop.$n
	"$REPLICANT" run -n $n -- "$PROGS/sigterm" select >"$f.out" 2>"$f.err" </dev/null &
	rpid=$!
	bg_register "$rpid"
	for i in $(seq 100); do grep -q '^ready$' "$f.out" && break; sleep 0.1; done
	sleep 0.5
	signal_ends TERM "$rpid" "select loop -n $n" 5 "$f.err"
	last=$(tail -n 1 "$f.out")
	like "$last" '^stopped after [0-9]+ sleeps$' "select loop -n $n: the replicas agreed where they stopped"
	is_empty "$f.err" "select loop -n $n: nothing on stderr"
done

# The same sleeps in a parent whose children end meanwhile, SIGCHLD left
# at its default: given inside such a select, the signal makes the kernel
# make the select again, which is the same call, not a new one. With the
# fix above alone, 3 of 6 runs at -n 2 diverged (pselect6 against wait4),
# as Apache prefork's parent did in 2 of 14 runs of 89-apache.t.
for n in 2 3; do
	ok=0
	for i in 1 2 3; do
		f=$T/chldsleep.$n.$i
		timeout -k 5 60 "$REPLICANT" run -n $n -- "$PROGS/chldsleep" >"$f.out" 2>"$f.err" </dev/null
		rc=$?
		[ "$rc" = 0 ] && [ "$(cat "$f.out")" = "reaped 20 children" ] && [ ! -s "$f.err" ] &&
			ok=$((ok + 1))
		[ "$ok" = "$i" ] || { diag "run $i: status $rc, stdout '$(cat "$f.out")'"; diag_file stderr "$f.err"; }
	done
	is "$ok" 3 "SIGCHLD in a select loop -n $n: 3 of 3 runs exit 0, reap 20 children, nothing on stderr"
done

# A signal thread (MariaDB's): every thread blocks SIGHUP and SIGTERM and
# one takes them with sigwait. Sent to replicant, each reaches that thread
# in every replica (before, rt_sigtimedwait was refused: exit 125).
# With "busy", SIGHUP comes while the thread sleeps before its first wait:
# every thread blocks it, so it waits for the sigwait (it was left on the
# initial thread, for ever). With "caught", the second thread catches them
# with handlers instead (they were left on the initial thread too).
for n in 2 3; do
	for how in "" busy caught; do
		tag="sigwait${how:+ ($how)} -n $n" f=$T/sigwait$how.$n
		[ "$how" = caught ] && tag="signals caught by a second thread -n $n"
		"$REPLICANT" run -n $n -- "$PROGS/sigwaiter" $how >"$f.out" 2>"$f.err" </dev/null &
		rpid=$!
		bg_register "$rpid"
		for i in $(seq 100); do grep -q '^ready$' "$f.out" && break; sleep 0.1; done
		sleep 0.3
		kill -HUP "$rpid"
		for i in $(seq 50); do grep -q '^got SIGHUP$' "$f.out" && break; sleep 0.1; done
		sleep 1.2 # another signal within a second of one ends the run
		signal_ends TERM "$rpid" "$tag" 0 "$f.err"
		is "$(cat "$f.out")" "ready
got SIGHUP
got SIGTERM
stopped" "$tag: the signal thread got SIGHUP, then SIGTERM, and the program stopped"
		is_empty "$f.err" "$tag: nothing on stderr"
	done
done

# a second SIGTERM while the first is on its way ends the run
"$REPLICANT" run -n 2 -- /usr/bin/python3 -c 'import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep(30)' >"$T/twice.out" 2>"$T/twice.err" </dev/null &
rpid=$!
bg_register "$rpid"
sleep 1
kill -TERM "$rpid"
sleep 0.3
kill -TERM "$rpid"
wait "$rpid"
is "$?" 143 "SIGTERM twice: the run ends, 143"
is "$(cat "$T/twice.err")" "replicant: received Terminated again; stopping all replicas" "SIGTERM twice: message"

done_testing
