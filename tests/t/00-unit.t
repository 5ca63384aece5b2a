#!/usr/bin/env bash
# The unit tests: every tests/unit/NAME.c is built to build/unit/NAME by
# `make check` and prints TAP itself. Each binary counts as one test here:
# it passes when it exits 0, printed a plan, ran as many tests as planned and
# none failed. Its own TAP is shown indented, as a subtest.
. "$(dirname "$0")/../lib.sh"

srcs=("$TOP"/tests/unit/*.c)
if [ ! -e "${srcs[0]}" ]; then
	plan 1
	fail "there are unit tests under tests/unit"
	exit
fi
plan ${#srcs[@]}

for src in "${srcs[@]}"; do
	name=$(basename "$src" .c)
	bin=$BUILD/unit/$name
	if [ ! -x "$bin" ]; then
		fail "unit/$name: $bin is built"
		continue
	fi
	run_cmd "unit-$name" "$bin"
	sed 's/^/    /' "$OUT"
	[ -s "$ERR" ] && diag_file "unit/$name stderr" "$ERR"
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$OUT" | head -n 1)
	ran=$(grep -Ec '^(not )?ok ' "$OUT")
	failed=$(grep -Ec '^not ok ' "$OUT")
	if [ "$RC" = 0 ] && [ -n "$planned" ] && [ "$planned" = "$ran" ] && [ "$failed" = 0 ]; then
		pass "unit/$name ($ran tests)"
	else
		fail "unit/$name (status $RC, planned ${planned:-none}, ran $ran, failed $failed)"
	fi
done
