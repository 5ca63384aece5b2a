#!/usr/bin/env bash
# Small C programs, one behaviour each, that must give under replicant
# run -n 2 and -n 3 the very stdout, stderr and exit status of a plain run.
#
# To add a test, add ONE file: tests/agree/NAME.c. It prints a deterministic
# stdout whose last line is `done` (so a program that stops early fails
# here). `make check` (or `make agree`) builds it into build/tests/agree/NAME;
# this file finds it by itself. Optionally, beside it:
#   tests/agree/NAME.args      one line of extra arguments, split at white
#                              space (no quoting)
#   tests/agree/NAME.expected  the plain run's exact stdout, checked byte for
#                              byte instead of the `done` line
# Each program runs in this test's temp dir with stdin from /dev/null; a
# program that needs a file makes its own (mkstemp in /tmp) and removes it.
# A program that does not agree replicated is a replicant bug: it stays out
# of tests/agree until that is fixed.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
export LC_ALL=C
# each program takes a few ms: a hang costs 20 s, not lib.sh's 60
[ -n "${REPLICANT_TEST_TIMEOUT:-}" ] || TIMEOUT=20

srcs=("$TOP"/tests/agree/*.c)
if [ ! -e "${srcs[0]}" ]; then
	fail "there are programs under tests/agree"
	done_testing
	exit
fi

for src in "${srcs[@]}"; do
	name=$(basename "$src" .c)
	prog=$PROGS/agree/$name
	if [ ! -x "$prog" ]; then
		fail "agree/$name: $prog is built (make agree)"
		continue
	fi
	args=()
	if [ -f "${src%.c}.args" ]; then
		read -r -a args <"${src%.c}.args"
	fi

	# the plain run: what the replicated ones must give
	run_cmd "$name.plain" "$prog" "${args[@]}"
	plain_out=$OUT plain_rc=$RC
	if [ -f "${src%.c}.expected" ]; then
		same_file "$plain_out" "${src%.c}.expected" "agree/$name: plain run prints $name.expected"
	elif [ "$(tail -n 1 "$plain_out")" = done ] && [ -z "$(tail -c 1 "$plain_out")" ]; then
		pass "agree/$name: plain run ends its stdout with the line 'done'"
	else
		fail "agree/$name: plain run ends its stdout with the line 'done'"
		diag "status $plain_rc"
		diag_file stdout "$plain_out"
		diag_file stderr "$ERR"
	fi

	# run_both runs it plain again (the same stdout and status as above: the
	# program is deterministic) and under -n N, and compares the two
	for n in 2 3; do
		run_both -e "$plain_out" -s "$plain_rc" $n "agree/$name" "$prog" "${args[@]}"
	done
done

done_testing
