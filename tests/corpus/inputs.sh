#!/usr/bin/env bash
# Writes the small inputs the corpus's command lines use into directory $1
# (made fresh): deterministic text, numbers, CSV, JSON, a binary file, a
# small C project, a patch and a few scripts. Nothing large is checked in.
set -euo pipefail
dir=$1
rm -rf "$dir"
mkdir -p "$dir/src" "$dir/proj" "$dir/orig" "$dir/mod"
cd "$dir"
PY=/usr/bin/python3

# 4,000 words and 5,000 numbers: small enough that a pipeline's writer
# never fills a pipe (64 KiB) before its reader stops early, except in
# the lines that are about exactly that
"$PY" - <<'PY'
import json, random
r = random.Random(12345)
letters = "abcdefghijklmnopqrstuvwxyz"
words = ["".join(r.choice(letters) for _ in range(r.randint(2, 9))) for _ in range(4000)]
open("words.txt", "w").write("\n".join(words) + "\n")
open("nums.txt", "w").write("\n".join(str(r.randint(0, 10**6)) for _ in range(5000)) + "\n")
names = ["ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]
rows = ["%d,%s,%d" % (i, r.choice(names), r.randint(1, 100)) for i in range(1, 801)]
open("data.csv", "w").write("\n".join(rows) + "\n")
open("left.csv", "w").write("\n".join("%s,%d" % (n, i) for i, n in enumerate(sorted(names))) + "\n")
open("right.csv", "w").write("\n".join("%s,%s" % (n, n.upper()) for n in sorted(names)[::2]) + "\n")
items = [{"name": r.choice(names) + str(i), "n": r.randint(0, 100), "tags": ["t%d" % (i % 3)]}
         for i in range(300)]
json.dump({"items": items, "version": 3}, open("data.json", "w"), indent=1)
json.dump({"b": [1, 2], "a": {"y": True, "x": None}}, open("small.json", "w"))
open("small.bin", "wb").write(bytes(r.randrange(256) for _ in range(512)))
open("a.txt", "w").write("".join("k%03d a%d\n" % (i, i) for i in range(0, 200, 2)))
open("b.txt", "w").write("".join("k%03d b%d\n" % (i, i) for i in range(0, 200, 3)))
open("para.txt", "w").write(" ".join(words[:300]) + "\n")
open("tabs.txt", "w").write("".join("%s\t%s\t%d\n" % (words[i], words[i + 1], i) for i in range(50)))
PY
sort a.txt >a.sorted
sort b.txt >b.sorted
base64 small.bin >b64.txt
gzip -n -c words.txt >words.gz

# a small C project: two sources, a header, a Makefile with -j2 work
cat >proj/util.h <<'C'
int square(int x);
int cube(int x);
C
cat >proj/util.c <<'C'
#include "util.h"
int square(int x) { return x * x; }
int cube(int x) { return x * x * x; }
C
cat >proj/hello.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "util.h"
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5, i;
	for (i = 1; i <= n; i++)
		printf("%d %d %d\n", i, square(i), cube(i));
	return 0;
}
C
cat >proj/single.c <<'C'
#include <stdio.h>
int main(void) { long s = 0; for (int i = 0; i < 100000; i++) s += i % 7; printf("%ld\n", s); return 0; }
C
printf 'hello: hello.o util.o\n\t$(CC) -o $@ hello.o util.o\n%%.o: %%.c util.h\n\t$(CC) -O2 -c $<\nclean:\n\trm -f *.o hello\n' >proj/Makefile
cp proj/util.h proj/util.c proj/hello.c src/
# a patch from orig to mod
printf 'one\ntwo\nthree\nfour\n' >orig/list.txt
printf 'one\n2\nthree\nfour\nfive\n' >mod/list.txt
diff -u orig/list.txt mod/list.txt >list.patch || true

# scripts for python3 and the shell
cat >pool.py <<'P'
from multiprocessing import Pool
def f(x):
    return x * x
if __name__ == "__main__":
    with Pool(2) as p:
        print(sum(p.map(f, range(2000))))
P
cat >threads.py <<'P'
import threading
total = 0
lock = threading.Lock()
def work(k):
    global total
    for i in range(2000):
        with lock:
            total += k
ts = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
for t in ts: t.start()
for t in ts: t.join()
print(total)
P
cat >trap.sh <<'S'
trap 'echo cleanup' EXIT
tmp=$(mktemp)
echo data >"$tmp"
cat "$tmp"
rm -f "$tmp"
(echo in a subshell; exit 3); echo "subshell said $?"
S
