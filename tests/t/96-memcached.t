#!/usr/bin/env bash
# memcached (Debian's, unmodified) under -n 2 and -n 3 with --pthread=serial
# and 4 worker threads, while 4 loopback clients race set/incr/append/cas/get on the
# same four keys (tests/mcrace.py): every reply well-formed and consistent
# with the final values, no divergence or stall, then SIGTERM to replicant
# ends the run with memcached's own status and leaves no replica behind.
# Bounded: MC_SECONDS seconds (default 10) and MC_OPS requests per client
# (default 3000) per replica count; bench/memcached-soak.sh (make mcsoak)
# runs this file with MC_SECONDS=60.
#
# --pthread=serial: memcached's threads also share data outside any one
# lock (the clock thread's current_time, atomic reference counts, which
# decide what a worker locks next), so with each lock ordered on its own
# the replicas' lock sequences part and the run stalls; with every critical
# section in one turn they agree.
#
# -o no_lru_maintainer,no_lru_crawler: memcached's LRU maintainer thread
# decides, holding only its own lock, whether to wake the LRU crawler and
# whether to move slab pages by comparing current_time, which the main
# thread's clock event writes outside any lock, with the value it saw last
# ("once per second at most"). Whether it sees the new second in a given
# round is timing, so one replica's crawler woke and another's did not,
# and their lock orders parted: a -n 3 run stalled in 8 of 39 runs here
# (this file and a loop of its -n 3 case), most often the first after a
# build or with cold caches, and in 0 of 17 with these options (the main thread
# waiting for the mutex domain behind a crawler that slept on in that
# replica, diag_tasks' futex addresses in the region showed it). No lock
# call marks that read; a user who needs the maintainer annotates it.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/servers.sh"

# a replica with a live thread of memcached (left_after)
has_memcached() { [ "$(live_tasks "$1" memcached)" -gt 0 ]; }

cd "$T" || exit 1
export LC_ALL=C
MC_SECONDS=${MC_SECONDS:-10}
MC_OPS=${MC_OPS:-3000}
MC_CLIENTS=${MC_CLIENTS:-4}
MC_NS=${MC_NS:-2 3}
MEMCACHED=$(command -v memcached) || {
	echo "1..0 # SKIP memcached is not installed (make deps installs it)"
	_tap_planned=0
	exit 0
}
export MCRACE_DIR=$T MCRACE_REPLY_TIMEOUT=5

mc_args=(-u root -l 127.0.0.1 -t 4 -U 0 -o no_lru_maintainer,no_lru_crawler)

# --- plain: the workload's checks hold, and memcached's own SIGTERM status ---
port=$(free_port)
"$MEMCACHED" "${mc_args[@]}" -p "$port" >plain.out 2>plain.err </dev/null &
mpid=$!
bg_register "$mpid"
listening "$port" "$mpid" 50
ok $? "plain memcached listens on 127.0.0.1:$port"
start=$(date +%s%N)
timeout -k 5 $((MC_SECONDS + 30)) $PY "$TOP/tests/mcrace.py" "$port" "$MC_CLIENTS" "$MC_OPS" \
	"$MC_SECONDS" >plain.mc 2>&1
is "$?" 0 "plain: $MC_CLIENTS clients x $MC_OPS requests, every check passes" || diag_file mcrace plain.mc
diag "plain: $(grep '^ops' plain.mc), $(ms_since "$start") ms"
stop "$mpid" plain
plain_rc=$RC
is "$plain_rc" 0 "plain memcached: SIGTERM ends it, status 0"

for n in $MC_NS; do
	port=$(free_port)
	tag="memcached -n $n --pthread=serial"
	cmd=(-n "$n" --pthread=serial -- "$MEMCACHED" "${mc_args[@]}" -p "$port")
	timeout -k 5 $((MC_SECONDS + 90)) "$REPLICANT" run "${cmd[@]}" \
		>"mc$n.out" 2>"mc$n.err" </dev/null &
	tpid=$!
	bg_register "$tpid"
	listening "$port" "$tpid" 300
	ok $? "$tag: listens on 127.0.0.1:$port" || {
		diag "repro: $(repro "${cmd[@]}")"
		diag_file stderr "mc$n.err"
	}
	# replicant is timeout's child: the one we signal
	rpid=$(pgrep -P "$tpid" | head -n 1)
	kids=$(pgrep -P "${rpid:-$tpid}" | sort -n | tr '\n' ' ')
	is "$(echo $kids | wc -w)" "$n" "$tag: $n replicas ($kids)"
	busy=0
	for k in $kids; do [ "$(live_tasks "$k" memcached)" -ge 5 ] && busy=$((busy + 1)); done
	is "$busy" "$n" "$tag: every replica runs memcached with at least 5 threads"

	start=$(date +%s%N)
	timeout -k 5 $((MC_SECONDS + 30)) $PY "$TOP/tests/mcrace.py" "$port" "$MC_CLIENTS" "$MC_OPS" \
		"$MC_SECONDS" >"mc$n.mc" 2>&1
	mcrc=$?
	diag "$tag: $(grep '^ops' "mc$n.mc" || echo 'no ops line'), $(ms_since "$start") ms"
	# each check of tests/mcrace.py, one test each
	while read -r verdict name; do
		case $verdict in
		PASS) pass "$tag: $name" ;;
		FAIL) fail "$tag: $name" ;;
		esac
	done < <(sed -n 's/^\(PASS\|FAIL\) \([^:]*\):.*/\1 \2/p' "mc$n.mc")
	is "$mcrc" 0 "$tag: the clients' checks all pass (status of tests/mcrace.py)" || {
		diag_file mcrace "mc$n.mc"
		diag "the replicas' threads:"
		diag_tasks $kids
	}

	[ -n "${rpid:-}" ] && alive "$rpid" replicant
	ok $? "$tag: replicant still runs after the clients" || diag_file stderr "mc$n.err"
	out=$(grep -E 'DIVERGENCE|STALL' "mc$n.err")
	is "$out" "" "$tag: no DIVERGENCE or STALL on stderr"

	# SIGTERM to the replicant we started
	start=$(date +%s%N)
	if [ -n "${rpid:-}" ] && alive "$rpid" replicant; then
		kill -TERM "$rpid"
		ended_within 50 "$rpid"
		ok $? "$tag: SIGTERM ends replicant within 5 s ($(ms_since "$start") ms)" ||
			{ kill -KILL "$rpid"; diag_file stderr "mc$n.err"; }
	else
		fail "$tag: SIGTERM ends replicant within 5 s (it was not running)"
	fi
	# replicant is timeout's child: timeout exits with its status
	wait "$tpid" 2>/dev/null
	is "$?" "$plain_rc" "$tag: exit status $plain_rc, memcached's own" || diag_file stderr "mc$n.err"
	is_empty "mc$n.err" "$tag: nothing on stderr"
	# every thread of every replica: gone (or a zombie) within 5 s
	left=$(left_after 50 has_memcached $kids)
	is "$left" "" "$tag: no replica (nor any of its threads) is left"
	for k in $left; do kill -KILL "$k" 2>/dev/null; done
done

done_testing
