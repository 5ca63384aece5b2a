# Shared helpers of the end-to-end tests (sourced by tests/t/*.t).
# `make check` builds everything and runs them all; once built, one file runs
# alone with e.g. `prove -v tests/t/20-divergence.t`.
#
# TAP output: plan N (or done_testing at the end), ok/is/like/same_file/...
# Every command runs under a timeout; every test gets its own temp dir $T,
# removed at exit together with any background process it registered.

set -u
ulimit -S -c 0 2>/dev/null # soft: tests/attack/core_dump raises it

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
REPLICANT=${REPLICANT_UNDER_TEST:-$BUILD/replicant} # override: to test the tests
PROGS=$BUILD/tests
PY=/usr/bin/python3 # not the pyenv shim: that one is a bash script that forks
TIMEOUT=${REPLICANT_TEST_TIMEOUT:-60}

_tap_n=0
_tap_failed=0
_tap_planned=
_bg_pids=()

T=$(mktemp -d "${TMPDIR:-/tmp}/replicant-test.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 1
}

_tap_cleanup() {
	local rc=$? pid
	for pid in "${_bg_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$T"
	if [ -z "$_tap_planned" ]; then
		echo "# no plan: the script stopped after $_tap_n tests"
		rc=255
	elif [ "$_tap_planned" != "$_tap_n" ]; then
		echo "# planned $_tap_planned tests but ran $_tap_n"
		rc=255
	elif [ "$_tap_failed" -gt 0 ]; then
		echo "# failed $_tap_failed of $_tap_n tests"
		rc=1
	fi
	exit "$rc"
}
trap _tap_cleanup EXIT

# Registers a background pid to kill at exit (by its pid, never by name).
bg_register() { _bg_pids+=("$1"); }

plan() {
	_tap_planned=$1
	echo "1..$1"
}

done_testing() {
	_tap_planned=$_tap_n
	echo "1..$_tap_n"
}

diag() {
	local line
	printf '%s\n' "$@" | cat -v | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

# Shows the first lines of a file as diagnostics.
diag_file() { # LABEL FILE
	if [ -s "$2" ]; then
		diag "$1:"
		head -c 1500 "$2" | head -n 20 | cat -v | cut -c 1-200 | awk '{ print "#   " $0 }'
	else
		diag "$1: (empty)"
	fi
}

# diag_tasks PID...: each thread of each PID as a diag line (tid, name,
# state, the kernel function it sleeps in, its syscall and arguments), and
# where each PID maps its sequential regions, for a run that hangs: what
# every replica's threads are doing
diag_tasks() {
	local pid task
	for pid in "$@"; do
		diag "  pid $pid regions: $(grep replicant-seq "/proc/$pid/maps" 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')"
		for task in /proc/"$pid"/task/*; do
			[ -r "$task/stat" ] || continue
			diag "  pid $pid tid ${task##*/} $(cut -d' ' -f2-3 "$task/stat" 2>/dev/null)\
 $(cat "$task/wchan" 2>/dev/null) syscall $(cat "$task/syscall" 2>/dev/null)"
		done
	done
}

# alive PID COMM: true while PID is a live (not zombie) process named COMM
# (not a reused pid)
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $stat == "$1 ($2) "* ]] || return 1
	[[ $stat != "$1 ($2) Z "* ]]
}

# ended_within TENTHS PID: true once PID is gone or a zombie, polling every
# 0.1 s at most TENTHS times
ended_within() {
	local i
	for ((i = 0; i < $1; i++)); do
		if ! kill -0 "$2" 2>/dev/null || [[ $(cat "/proc/$2/stat" 2>/dev/null) == "$2 ("*") Z "* ]]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# written_within TENTHS FILE: true once FILE is not empty (a program in the
# background said it is ready), polling every 0.1 s at most TENTHS times
written_within() {
	local i
	for ((i = 0; i < $1; i++)); do
		[ -s "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# left_after TENTHS TEST PID...: polls every 0.1 s, at most TENTHS times,
# until the command TEST PID fails for every PID; prints those it still
# succeeds for (nothing: all gone)
left_after() {
	local n=$1 test=$2 i p left=
	shift 2
	for ((i = 0; i < n; i++)); do
		left=
		for p in "$@"; do "$test" "$p" && left="$left $p"; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	echo $left
}

# ms_since START-NS: milliseconds since START-NS (date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# signal_ends SIG PID TAG WANT ERRFILE: sends SIG to PID (a replicant this
# test started in the background) and checks "TAG: replicant exits within
# 5 s" and "TAG: exit status WANT". When it does not end, says what its
# threads and children are doing, with its stderr, and kills it.
# (stderr closed: bash's own "Killed" job notice is no test output)
signal_ends() {
	local sig=$1 pid=$2 tag=$3 want=$4 err=$5 start rc task
	start=$(date +%s%N)
	{
		kill -"$sig" "$pid"
		if ! ended_within 50 "$pid"; then
			fail "$tag: replicant exits within 5 s"
			for task in /proc/"$pid"/task/*; do
				diag "thread ${task##*/}: $(cut -d' ' -f2-3 "$task/stat") wchan $(cat "$task/wchan")"
			done
			diag "its children: $(pgrep -P "$pid" | tr '\n' ' ')" "stderr: $(cat "$err")"
			kill -KILL "$pid"
			wait "$pid"
			return 1
		fi
		wait "$pid"
		rc=$?
		pass "$tag: replicant exits within 5 s ($(ms_since "$start") ms)"
		is "$rc" "$want" "$tag: exit status $want" || diag_file stderr "$err"
	} 2>/dev/null
}

# TODO="reason" before a block marks its tests as known to fail (TAP TODO:
# prove lists them, and says so should they pass); TODO= ends the block.
pass() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1${TODO:+ # TODO $TODO}"
}

fail() {
	_tap_n=$((_tap_n + 1))
	[ -n "${TODO:-}" ] || _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1${TODO:+ # TODO $TODO}"
}

# ok STATUS NAME: passes when STATUS is 0 (use as: test ...; ok $? "name")
ok() {
	if [ "$1" -eq 0 ] 2>/dev/null; then pass "$2"; else fail "$2"; return 1; fi
}

# is GOT EXPECTED NAME
is() {
	if [ "$1" == "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "     got: '$1'" "expected: '$2'"
		return 1
	fi
}

# like GOT EXTENDED-REGEX NAME (grep -E on the whole text, any line)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "got:" "$1" "does not match: $2"
		return 1
	fi
}

unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3"
		diag "got:" "$1" "matches: $2"
		return 1
	else
		pass "$3"
	fi
}

# same_file GOT-FILE EXPECTED-FILE NAME: byte for byte
same_file() {
	if [ -f "$1" ] && [ -f "$2" ] && cmp -s "$1" "$2"; then
		pass "$3"
	else
		fail "$3"
		if [ ! -f "$1" ]; then
			diag "missing: $1"
		else
			diag "$(cmp "$1" "$2" 2>&1 | head -n 1)" \
				"sizes: got $(wc -c <"$1") expected $(wc -c <"$2" 2>/dev/null)"
			diag_file "got" "$1"
			diag_file "expected" "$2"
		fi
		return 1
	fi
}

# is_empty FILE NAME: FILE exists and has no byte
is_empty() {
	if [ -f "$1" ] && [ ! -s "$1" ]; then
		pass "$2"
	else
		fail "$2"
		[ -f "$1" ] || diag "missing: $1"
		[ -f "$1" ] && diag_file "got $(wc -c <"$1") bytes" "$1"
		return 1
	fi
}

# run_cmd TAG CMD...: runs CMD under the timeout with stdin from $RUN_STDIN
# (default /dev/null); stdout in $T/TAG.out ($OUT), stderr in $T/TAG.err
# ($ERR), status in $RC. The braces keep bash's own "Segmentation fault"
# notices out of the TAP stream.
run_cmd() {
	local tag=${1//\//_}
	shift
	OUT=$T/$tag.out
	ERR=$T/$tag.err
	{
		timeout -k 5 "$TIMEOUT" "$@" <"${RUN_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
		RC=$?
	} 2>/dev/null
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		diag "status $RC: the ${TIMEOUT} s timeout may have expired: $*"
	fi
	return 0
}

# rrun TAG REPLICANT-ARGS...: run_cmd TAG build/replicant run REPLICANT-ARGS...
rrun() {
	local tag=$1
	shift
	run_cmd "$tag" "$REPLICANT" run "$@"
}

# The command line to reproduce a replicated run, for diagnostics.
repro() { printf 'build/replicant run'; printf ' %q' "$@"; printf '\n'; }

# run_both [-i STDIN] [-e EXPECTED-STDOUT-FILE] [-s EXPECTED-STATUS] N TAG CMD...
# Runs CMD natively and under replicant -n N; checks that stdout, stderr and
# the exit status are identical, and (with -e, -s) that the native run gave
# the expected stdout and status, so the comparison is not vacuous.
# Leaves the replicated run's files in $OUT/$ERR and its status in $RC.
run_both() {
	local expect_out= expect_rc= n tag nrc nout nerr
	local RUN_STDIN=${RUN_STDIN:-/dev/null}
	while [ $# -gt 0 ]; do
		case $1 in
		-i) RUN_STDIN=$2; shift 2 ;;
		-e) expect_out=$2; shift 2 ;;
		-s) expect_rc=$2; shift 2 ;;
		*) break ;;
		esac
	done
	n=$1 tag=$2
	shift 2
	run_cmd "$tag.native.n$n" "$@"
	nrc=$RC nout=$OUT nerr=$ERR
	if [ -n "$expect_out" ]; then
		same_file "$nout" "$expect_out" "$tag: plain run prints the expected output"
	fi
	if [ -n "$expect_rc" ]; then
		is "$nrc" "$expect_rc" "$tag: plain run exits $expect_rc"
	fi
	run_cmd "$tag.n$n" "$REPLICANT" run -n "$n" -- "$@"
	same_file "$OUT" "$nout" "$tag -n $n: stdout identical to a plain run" ||
		diag "repro: $(repro -n "$n" -- "$@")"
	is "$RC" "$nrc" "$tag -n $n: exit status identical to a plain run" ||
		diag_file "stderr" "$ERR"
	same_file "$ERR" "$nerr" "$tag -n $n: stderr identical to a plain run"
}

# live_tasks PID COMM: the threads of PID that are not zombies (0 when PID
# is gone or was reused by another program)
live_tasks() {
	local n=0 task stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || {
		echo 0
		return
	}
	if [[ $stat != "$1 ($2) "* ]]; then
		echo 0
		return
	fi
	for task in /proc/"$1"/task/*; do
		stat=$(cat "$task/stat" 2>/dev/null) || continue
		[[ $stat == *") Z "* || $stat == *") X "* ]] || n=$((n + 1))
	done
	echo $n
}

# The number of lines of a file, as a bare number.
nlines() { wc -l <"$1" | tr -d ' '; }
