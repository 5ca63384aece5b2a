#!/usr/bin/env bash
# Calls larger than the monitor captures at once (16 MiB) become short
# calls: the data is whole, the program sees short reads and writes.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
head -c $((30 << 20)) /dev/urandom >in.bin
run_cmd plain "$PROGS/bigread" in.bin
is "$RC" 0 "bigread: plain run exits 0"
sum=$(tail -n 1 "$OUT")
like "$sum" "^total $((30 << 20)) sum [0-9]+$" "bigread: plain run reads every byte"
for n in 2 3; do
	rrun bigread.n$n -n "$n" -- "$PROGS/bigread" in.bin
	is "$RC" 0 "bigread -n $n: exit 0"
	is "$(cat "$OUT")" "read 16777216
read 14680064
$sum" "bigread -n $n: a 40 MiB read is cut at 16 MiB, and the data is the file's"
	rrun bigwrite.n$n -n "$n" -- "$PY" -c '
import sys
data = open("in.bin", "rb").read()
import os
n = os.write(1, data)
print(n, file=sys.stderr)'
	is "$RC" 0 "one 30 MiB write -n $n: exit 0"
	is "$(cat "$ERR")" "16777216" "one 30 MiB write -n $n: written in part, as a short write"
	cmp -s "$OUT" <(head -c 16777216 in.bin)
	ok $? "one 30 MiB write -n $n: the first 16 MiB of the file, once"
done
done_testing
