#!/usr/bin/env bash
# Real Debian programs: a replicated run prints the very bytes a plain run
# prints, with the same stderr and exit status, under -n 2 and -n 3.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

# Inputs: a small text file, and a ~1 MiB file of pseudo-random lines made
# by a fixed seed.
printf 'first line\nsecond line\n\tthird, with a tab\nno newline at the end' >small.txt
printf 'from stdin 1\nfrom stdin 2\n' >stdin.txt
"$PY" - <<'PY'
import random
r = random.Random(20240611)
with open("big.txt", "w") as f:
    n = 0
    while n < 1 << 20:
        s = "%08x %s %d\n" % (r.getrandbits(32), "abcdefghij"[: r.randint(0, 10)] * r.randint(0, 4), r.randint(0, 999))
        f.write(s)
        n += len(s)
# the expected results, computed without coreutils
lines = open("big.txt", "rb").read().split(b"\n")[:-1]
# sort in the C locale orders bytes; LC_ALL=C is set for the runs below
open("big.sorted", "wb").write(b"".join(l + b"\n" for l in sorted(lines)))
import hashlib
h = hashlib.sha256(open("big.txt", "rb").read()).hexdigest()
open("big.sha256", "w").write("%s  big.txt\n" % h)
PY
export LC_ALL=C
size=$(wc -c <big.txt)
[ "$size" -ge 1048576 ] && [ "$size" -lt 1100000 ]
ok $? "generated input is about 1 MiB ($size bytes)"

for n in 2 3; do
	# cat of a file, of two files and of stdin
	run_both -e small.txt -s 0 $n "cat file" cat small.txt
	cat small.txt big.txt >cat2.expected
	run_both -e cat2.expected -s 0 $n "cat two files" cat small.txt big.txt
	run_both -i stdin.txt -e stdin.txt -s 0 $n "cat stdin" cat
	# a pipe as stdin, and stdout to a pipe
	out=$(printf 'piped\ndata\n' | timeout -k 5 "$TIMEOUT" "$REPLICANT" run -n $n -- cat | od -c)
	is "$out" "$(printf 'piped\ndata\n' | od -c)" "cat -n $n from a pipe into a pipe"

	# each replica's own /proc/self, then an ordinary file
	printf 'cat\n' >comm.expected
	cat small.txt >>comm.expected
	run_both -e comm.expected -s 0 $n "cat /proc/self/comm and a file" cat /proc/self/comm small.txt

	run_both -e big.sorted -s 0 $n "sort --parallel=1 of 1 MiB" sort --parallel=1 big.txt
	run_both -e big.sha256 -s 0 $n "sha256sum of 1 MiB" sha256sum big.txt
	run_both -i big.txt -s 0 $n "sha256sum of stdin" sha256sum
	is "$(cut -d' ' -f1 "$OUT")" "$(cut -d' ' -f1 big.sha256)" "sha256sum -n $n of stdin: the expected hash"

	# a missing file: the same message and status 1 as a plain run
	run_both -s 1 $n "cat of a missing file" cat no-such-file
	is "$(cat "$ERR")" "cat: no-such-file: No such file or directory" "cat -n $n of a missing file: message"

	# gzip then gunzip, as separate replicated runs
	gzip -c big.txt >plain.gz
	run_cmd "gzip.n$n" "$REPLICANT" run -n $n -- gzip -c big.txt
	is "$RC" 0 "gzip -c -n $n exits 0"
	cp "$OUT" "out$n.gz"
	same_file "out$n.gz" plain.gz "gzip -c -n $n: compressed bytes identical to a plain gzip -c"
	is_empty "$ERR" "gzip -c -n $n: nothing on stderr"
	run_cmd "gunzip.n$n" "$REPLICANT" run -n $n -- gunzip -c "out$n.gz"
	is "$RC" 0 "gunzip -c -n $n exits 0"
	same_file "$OUT" big.txt "gunzip -c -n $n gives back the original bytes"

	# an agreeing C program: arguments and its own exit status pass through
	printf 'arg 0: %s\narg 1: one two\narg 2: \narg 3: three\ndone\n' "$PROGS/hello" >hello.expected
	run_both -e hello.expected -s 3 $n "hello" "$PROGS/hello" "one two" "" three
done

# More replicas than that still agree.
for n in 5 16; do
	rrun "hello.n$n" -n $n -- "$PROGS/hello" "one two" "" three
	same_file "$OUT" hello.expected "hello -n $n: expected output"
	is "$RC" 3 "hello -n $n: exit status 3 passes through"
done

done_testing
