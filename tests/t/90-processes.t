#!/usr/bin/env bash
# Child processes: fork + exec + wait chains, sh pipelines of coreutils and
# make -j2 building a C program give, under -n 2 and -n 3, the very bytes a
# plain run gives; the pids a program sees are consistent (the child's
# getpid() is what fork() and waitpid() returned in the parent); SIGTERM to
# replicant ends every process of every replica.
. "$(dirname "$0")/../lib.sh"

# a process of a replica still running sh or sleep (left_after)
runs_sh_or_sleep() { alive "$1" sh || alive "$1" sleep; }

cd "$T" || exit 1
export LC_ALL=C
# Every case but pigz and xz takes a few seconds at most: a hang costs 20 s
# rather than lib.sh's 60 (unless REPLICANT_TEST_TIMEOUT says otherwise).
[ -n "${REPLICANT_TEST_TIMEOUT:-}" ] || TIMEOUT=20

# --- fork + exec + wait ---
# forkchain prints raw pids; canon names them P0, P1... in the order they
# first appear, so that a plain run and a replicated one compare, and equal
# names mean equal pids.
canon() {
	awk '{
		out = ""
		line = $0
		while (match(line, /(pid|ppid|fork returned|waitpid returned) [0-9]+/)) {
			seg = substr(line, RSTART, RLENGTH)
			num = seg
			sub(/.* /, "", num)
			if (!(num in name))
				name[num] = "P" (k++)
			out = out substr(line, 1, RSTART - 1) substr(seg, 1, length(seg) - length(num)) name[num]
			line = substr(line, RSTART + RLENGTH)
		}
		print out line
	}' "$1"
}
{
	echo "parent pid P0"
	for i in $(seq 0 19); do
		echo "round $i: child pid P$((i + 1)) ppid P0"
		if [ $((i % 2)) = 0 ]; then
			echo "echo round $((i * i)) a  b"
		else
			echo "printf round $((i * i)) [  x y]"
		fi
		echo "round $i: fork returned P$((i + 1)), waitpid returned P$((i + 1)), exited 0"
	done
	echo "exit3: child pid P21 ppid P0"
	echo "exit3: fork returned P21, waitpid returned P21, exited 3"
	echo "killed: child pid P22 ppid P0"
	echo "killed: fork returned P22, waitpid returned P22, killed by signal 9"
	echo "nest 0: child pid P23 ppid P0"
	echo "nest 1: child pid P24 ppid P23"
	echo "nest 2: child pid P25 ppid P24"
	echo "nest 3: child pid P26 ppid P25"
	echo "leaf at depth 4"
	echo "nest 3: fork returned P26, waitpid returned P26, exited 0"
	echo "nest 2: fork returned P25, waitpid returned P25, exited 1"
	echo "nest 1: fork returned P24, waitpid returned P24, exited 2"
	echo "nest 0: fork returned P23, waitpid returned P23, exited 3"
	echo "nested chain of 4: status 4"
	echo "done"
} >forkchain.expected
# the child's own getpid() line against the parent's fork and waitpid
# values, on the raw output: prints the number of forks where all agree
pids_agree() {
	awk '/: child pid [0-9]+ ppid/ { split($0, a, ": child pid "); split(a[2], b, " "); kid[a[1]] = b[1] }
		/: fork returned/ {
			split($0, a, ": fork returned "); split(a[2], b, /[ ,]+/)
			if (kid[a[1]] != "" && kid[a[1]] == b[1] && b[1] == b[4]) ok++
		}
		END { print ok + 0 }' "$1"
}

run_cmd forkchain.plain "$PROGS/forkchain" 20 4
is "$RC" 0 "forkchain plain run: exit status 0"
canon "$OUT" >forkchain.plain.canon
same_file forkchain.plain.canon forkchain.expected "forkchain plain run: the expected output (pids named)"
is "$(pids_agree "$OUT")" 26 "forkchain plain run: getpid() in each of the 26 children is what fork and waitpid returned"
for n in 2 3; do
	start=$(date +%s%N)
	rrun "forkchain.n$n" -n $n -- "$PROGS/forkchain" 20 4
	diag "forkchain -n $n: $(ms_since "$start") ms"
	is "$RC" 0 "forkchain -n $n: exit status 0" || diag_file stderr "$ERR"
	canon "$OUT" >"forkchain.n$n.canon"
	same_file "forkchain.n$n.canon" forkchain.expected \
		"forkchain -n $n: stdout identical to a plain run but for the pids' values" ||
		diag "repro: $(repro -n $n -- "$PROGS/forkchain" 20 4)"
	is "$(pids_agree "$OUT")" 26 \
		"forkchain -n $n: getpid() in each of the 26 children is what fork and waitpid returned in the parent"
	is_empty "$ERR" "forkchain -n $n: nothing on stderr"
done

# Two children, the second exiting while the parent waits for the first
# (the shape of gcc -pipe and make -j2).
printf 'first child: waitpid returned its pid, exited 1\nsecond child: waitpid returned its pid, exited 2\n' >waitorder.expected
# A SIGCHLD handler without SA_RESTART, the signal arriving among stat
# calls (what dash does while it looks a command up in PATH).
printf '5000 of 10000 stat calls succeeded, 0 failed with EINTR, 1 SIGCHLD handled\n' >sigchld_stat.expected
# Children that raise() a signal, or abort(): tgkill with the tid glibc
# keeps for the child.
printf 'raise(SIGTERM): killed by signal 15\nabort(): killed by signal 6\n' >raisekid.expected
for n in 2 3; do
	run_both -e waitorder.expected -s 0 $n waitorder "$PROGS/waitorder"
	run_both -e sigchld_stat.expected -s 0 $n sigchld_stat "$PROGS/sigchld_stat" 10000
	run_both -e raisekid.expected -s 0 $n raisekid "$PROGS/raisekid"
done

# --- sh -c pipelines of coreutils ---
mkdir -p shw/sub shw/empty
seq 1 300 >shw/a.txt
printf 'beta\nalpha\nbeta\n' >shw/b.txt
printf 'gamma\nalpha\n' >shw/sub/c.txt
printf 'delta\nalpha\n' >shw/sub/d.txt
cd shw || exit 1
printf 'jjjj\njjji\njjjh\njjjg\njjjf\nstatus 0\n' >../pipe1.expected
printf '300\nsub\nempty\nb.txt\na.txt\n' >../pipe2.expected
printf '300\nd.txt\nc.txt\n      2 alpha\n      1 delta\n      1 gamma\na.txt\nb.txt\nempty/\nsub/\nshw\n' >../pipe3.expected
printf 'sub 5\npipe 1\nand 0\nnested sh 2\n' >../pipe4.expected
# dash reaps its children from a SIGCHLD handler: the monitor delivers
# SIGCHLD at one position in every replica (forward.c, also a wait that
# is the position: at its return), a fork that a SIGCHLD interrupted
# before it made its child (the kernel restarts it) keeps its position,
# and a SIGCHLD that a replica behind its ended peers gets on its own goes
# after their end. Before these, one replica's dash made one more
# wait4(WNOHANG) than its peers in about 1 run in 20 at -n 3.
for n in 2 3; do
	start=$(date +%s%N)
	run_both -e ../pipe1.expected -s 0 $n "sh seq|sort -r|head|tr" \
		sh -c 'seq 1 20000 | sort -r | head -n 5 | tr 0-9 a-j; echo status $?'
	run_both -e ../pipe2.expected -s 0 $n "sh cat|wc; ls|sort -r" \
		sh -c 'cat a.txt | wc -l; ls | sort -r'
	run_both -e ../pipe3.expected -s 0 $n "sh with cd in the middle" \
		sh -c 'cat a.txt | wc -l; cd sub; ls | sort -r; cat c.txt d.txt | sort | uniq -c; cd ..; ls -F | sort; pwd | sed "s|^.*/||"'
	run_both -e ../pipe4.expected -s 0 $n "sh subshell and pipeline statuses" \
		sh -c '(exit 5); echo sub $?; true | false; echo pipe $?; false | true; echo and $?
			sh -c "exit 2"; echo nested sh $?'
	run_both -s 7 $n "sh exit 7" sh -c 'exit 7'
	is_empty "$OUT" "sh exit 7 -n $n: nothing on stdout"
	diag "sh -c cases -n $n: $(ms_since "$start") ms"
done
cd "$T" || exit 1

# --- pipes: one object for every replica, and signals that interrupt ---
# A pipe is made once and every replica's processes hold it; the monitor
# runs its reads and writes once (calls/fd.c h_pipe): how much a read gets,
# when a writer meets EPIPE and its SIGPIPE, is decided once. With a pipe
# per replica, `rev | head -2` diverged in 3 to 6 runs of 20 (head's read
# got a different count in each replica's pipe).
seq 1 30000 | rev >revhead.all
head -2 revhead.all >revhead.expected
for n in 2 3; do
	for i in 1 2 3 4; do
		run_both -e revhead.expected -s 0 $n "seq|rev|head -2 (run $i)" \
			sh -c 'seq 1 30000 | rev | head -2'
	done
done
# The same for a socketpair (tests/progs/pairstop.c): a child writes to it
# until the parent, having read 64 KiB, closes its end. How much it wrote
# before EPIPE (or ECONNRESET) is decided once: with a socketpair per
# replica, 10 of 10 runs at -n 2 diverged at the child's report.
for n in 2 3; do
	for i in 1 2 3; do
		rrun pairstop.$n.$i -n $n -- "$PROGS/pairstop"
		is "$RC:$(sed -E 's/wrote [0-9]+ KiB/wrote N KiB/; s/(Broken pipe|Connection reset by peer)$/EPIPE/' "$OUT" | tr '\n' '|')" \
			"0:child: wrote N KiB, then EPIPE|parent: read 64 KiB, child status 0|" \
			"socketpair, reader stops early -n $n (run $i): exit 0, one outcome" || diag_file stderr "$ERR"
	done
done
# A child must not read from a pipe what its own parent has yet to write
# (tests/progs/pipecause.c: the parent looks at a page it shares with the
# child before each byte it writes; the child marks the page at each byte
# it reads). When a write to a pipe the replicas made ran once a majority
# of parents came to it, the child of the replica behind read the byte
# first and its parent saw the page changed: 4 of 4 runs at -n 3 diverged
# (at c98b808), as Apache worker's stop did. At -n 2 the majority is both.
for n in 2 3; do
	for i in 1 2; do
		rrun pipecause.$n.$i -n $n -- "$PROGS/pipecause" 300
		is "$RC:$(cat "$OUT")" "0:300 rounds" \
			"pipe: a child reads only what its own parent wrote -n $n (run $i)" || diag_file stderr "$ERR"
	done
done
# A signal interrupts a call the monitor runs for the replica (a read of
# an empty pipe): EINTR without SA_RESTART, a restart with it. Before, the
# signal waited for the read, which waited for the signal: a hang.
cat >intr.py <<'PY'
import os, signal, time
r, w = os.pipe()
class Stop(Exception):
    pass
def stop(s, f):
    raise Stop()
signal.signal(signal.SIGALRM, stop)
signal.setitimer(signal.ITIMER_REAL, 0.3)
try:
    os.read(r, 10)
except Stop:
    print("read interrupted by SIGALRM", flush=True)
signal.signal(signal.SIGALRM, lambda s, f: print("alarm", flush=True))
signal.siginterrupt(signal.SIGALRM, False)
pid = os.fork()
if pid == 0:
    time.sleep(0.8)
    os.write(w, b"data")
    os._exit(0)
signal.setitimer(signal.ITIMER_REAL, 0.2)
print(os.read(r, 10), flush=True)
os.waitpid(pid, 0)
print("done")
PY
printf '%s\n' "read interrupted by SIGALRM" alarm "b'data'" done >intr.expected
for n in 2 3; do
	run_both -e intr.expected -s 0 $n "python read of a pipe, SIGALRM" python3 intr.py
done
# SIGTERM to replicant while the replica reads a FIFO nobody writes: the
# read is interrupted and the replica ends (it waited forever before).
mkfifo fifo
exec 7<>fifo
start=$(date +%s%N)
run_cmd fifo-term timeout -s TERM 1 "$REPLICANT" run -n 2 -- cat fifo
is "$RC" 124 "cat of an idle FIFO, SIGTERM after 1 s: replicant ends (status 124)"
ms=$(ms_since "$start")
[ "$ms" -lt 5000 ]
ok $? "cat of an idle FIFO, SIGTERM after 1 s: ended in ${ms} ms (< 5000)"
exec 7>&-

# --- a reader that stops early, a child that ends on a signal ---
# seq's write meets a reader that is gone: SIGPIPE ends it as it would
# (status 141 in the pipeline), not "write error: Broken pipe" and 1.
for n in 2 3; do
	timeout -k 5 "$TIMEOUT" "$REPLICANT" run -n $n -- seq 1 1000000 2>"$T/sigpipe.err" |
		head -1 >"$T/sigpipe.out"
	st=${PIPESTATUS[0]}
	is "$st" 141 "seq | head -1 -n $n: seq ends by SIGPIPE (status 141)"
	is "$(cat "$T/sigpipe.out")" 1 "seq | head -1 -n $n: head prints 1"
	is_empty "$T/sigpipe.err" "seq | head -1 -n $n: nothing on stderr"
done
# timeout's child ends by SIGTERM in each replica at its own moment; its
# SIGCHLD is given to timeout's replicas at one position, and a WNOHANG
# wait led by the replica whose child had not ended yet said "none" for
# every replica: timeout then waited forever in sigsuspend (3 runs of 12
# at -n 3 before the fix). The leader now waits for a child that has
# ended in another replica (calls/wait.c owed_child).
for i in 1 2 3 4 5 6 7 8; do
	rrun "timeout-yes.$i" -n 3 -- sh -c 'timeout 1 yes >/dev/null; echo status $?'
	is "$RC" 0 "timeout 1 yes -n 3 (run $i): exit status 0 (no hang)" ||
		diag_file stderr "$ERR"
	is "$(cat "$OUT")" "status 124" "timeout 1 yes -n 3 (run $i): timeout's status 124"
done

# --- make -j2 of a small C program, in a directory copied fresh each run ---
mkdir proj
cat >proj/lib.h <<'EOF'
int add(int a, int b);
int mul(int a, int b);
const char *greet(const char *who);
EOF
cat >proj/main.c <<'EOF'
#include <stdio.h>
#include "lib.h"

int main(void)
{
	printf("sum %d, product %d\n", add(20, 22), mul(6, 7));
	printf("%s\n", greet("make"));
	return 0;
}
EOF
cat >proj/add.c <<'EOF'
#include "lib.h"

int add(int a, int b) { return a + b; }

int mul(int a, int b)
{
	int r = 0;

	while (b-- > 0)
		r = add(r, a);
	return r;
}
EOF
cat >proj/greet.c <<'EOF'
#include <stdio.h>
#include "lib.h"

const char *greet(const char *who)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "hello from %s", who);
	return buf;
}
EOF
printf 'CC = cc\nCFLAGS = -O2\nOBJ = main.o add.o greet.o\n\nprog: $(OBJ)\n\t$(CC) -o $@ $(OBJ)\n\n%%.o: %%.c lib.h\n\t$(CC) $(CFLAGS) -c $< -o $@\n' >proj/Makefile
printf 'cc -O2 -c main.c -o main.o\ncc -O2 -c add.c -o add.o\ncc -O2 -c greet.c -o greet.o\ncc -o prog main.o add.o greet.o\n' >make.expected
printf 'sum 42, product 42\nhello from make\n' >prog.expected
mkdir tmp
# under `make check` the outer make's settings (its jobserver, -w) would
# reach this one
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

# build TAG [REPLICANT-ARGS...]: make -j2 in a fresh copy of proj at $T/b
# (the same path every time), plainly or under replicant; then the file
# list (with sizes) in TAG.list, every file's hash in TAG.sums and the
# program's output in TAG.prog
build() {
	local tag=$1
	shift
	rm -rf b
	cp -r proj b
	cd b || return
	if [ $# -gt 0 ]; then
		TMPDIR=$T/tmp rrun "$tag" "$@" -- make -j2
	else
		TMPDIR=$T/tmp run_cmd "$tag" make -j2
	fi
	find . -type f -printf '%p %s\n' | sort >"$T/$tag.list"
	find . -type f -exec sha256sum {} + | sort -k 2 >"$T/$tag.sums"
	if [ -x prog ]; then ./prog >"$T/$tag.prog" 2>&1; else echo "(no prog)" >"$T/$tag.prog"; fi
	cd "$T" || exit 1
	rm -rf b
}
build make.plain1
is "$RC" 0 "make -j2 plain run: exit status 0"
same_file "$OUT" make.expected "make -j2 plain run: the expected commands"
same_file make.plain1.prog prog.expected "make -j2 plain run: the program prints the expected lines"
build make.plain2
# object files and the program embed no path nor time: two plain builds
# are byte for byte the same, and so must a replicated one be
same_file make.plain2.sums make.plain1.sums "make -j2: two plain builds give the same bytes in every file"
# gcc names its temporary files (/tmp/ccXXXXXX.s) with glibc's mkstemps,
# from the clock and a stack address, which ASLR makes differ between
# replicas: the monitor gives every replica the first one's name
for n in 2 3; do
	start=$(date +%s%N)
	build "make.n$n" -n $n
	diag "make -j2 -n $n: $(ms_since "$start") ms"
	is "$RC" 0 "make -j2 -n $n: exit status 0" || {
		diag_file stderr "$ERR"
		diag "repro: (cd a copy of the project && $(repro -n $n -- make -j2))"
	}
	same_file "$OUT" make.plain1.out "make -j2 -n $n: stdout identical to a plain run"
	is_empty "$ERR" "make -j2 -n $n: nothing on stderr"
	same_file "make.n$n.list" make.plain1.list "make -j2 -n $n: the same files (names and sizes) as a plain build"
	same_file "make.n$n.sums" make.plain1.sums "make -j2 -n $n: every file (.o and prog) byte for byte as a plain build"
	same_file "make.n$n.prog" prog.expected "make -j2 -n $n: the program built prints the expected lines"
	is "$(ls tmp | wc -l)" 0 "make -j2 -n $n: no temporary file left in TMPDIR"
done

# mktemp(1) and mkstemp: names the replicas draw differently become the
# first replica's; a name that differs otherwise is still a divergence
mkdir -p mk
for n in 2 3; do
	rrun mktemp.n$n -n $n -- sh -c 'for i in 1 2 3 4 5 6 7 8; do mktemp -p mk; mktemp -d -p mk; done'
	is "$RC" 0 "mktemp -n $n: 16 temporary files and directories, agreed" || diag_file stderr "$ERR"
	is "$(grep -c '^mk/tmp\.[A-Za-z0-9]\{10\}$' "$OUT")" 16 "mktemp -n $n: 16 names printed once"
	is "$(find mk -mindepth 1 | wc -l)" 16 "mktemp -n $n: and made once each"
	rm -rf mk/*
done
# (a run of up to 16 letters and digits is what a template may be: the
# address is spelled with dashes between its digits to be more than that)
rrun mktemp.other -n 2 -- "$PY" -c '
import os
os.open("mk/f-" + "-".join("%x" % id(object())), os.O_CREAT | os.O_EXCL | os.O_WRONLY)'
is "$RC" 86 "an exclusive create whose name has an address in it: still a divergence"
is "$(find mk -mindepth 1 | wc -l)" 0 "an exclusive create whose name has an address in it: nothing made"

# --- SIGTERM to replicant while the replicas have children ---
# every process below PIDS (children, grandchildren...), PIDS included
tree() {
	local p
	for p in "$@"; do
		echo "$p"
		tree $(pgrep -P "$p")
	done
}
for n in 2 3; do
	"$REPLICANT" run -n $n -- sh -c '/bin/sleep 30 & /bin/sleep 31; wait' >"term$n.out" 2>"term$n.err" </dev/null &
	rpid=$!
	bg_register "$rpid"
	# until every replica has its 2 sleep children (at most 5 s)
	for i in $(seq 50); do
		procs=$(tree $(pgrep -P "$rpid"))
		nsleep=0
		for p in $procs; do alive "$p" sleep && nsleep=$((nsleep + 1)); done
		[ "$nsleep" -ge $((2 * n)) ] && break
		sleep 0.1
	done
	kids=$(pgrep -P "$rpid" | tr '\n' ' ')
	nsh=0
	for k in $kids; do alive "$k" sh && nsh=$((nsh + 1)); done
	is "$nsh" $n "SIGTERM sh -n $n: $n replicas running sh ($kids)"
	is "$nsleep" $((2 * n)) "SIGTERM sh -n $n: each replica has its 2 sleep children"
	signal_ends TERM "$rpid" "SIGTERM sh -n $n" 143 "term$n.err"
	left=$(left_after 50 runs_sh_or_sleep $procs)
	is "$left" "" "SIGTERM sh -n $n: no process of any replica is left (sh and its sleeps)"
	for p in $left; do kill -KILL "$p" 2>/dev/null; done
	is_empty "term$n.out" "SIGTERM sh -n $n: nothing on stdout"
done

# A replica that comes late to a chdir, after its peers have gone on and
# removed the directory (mkdtemp, chdir, ..., chdir /, rmdir): the call
# succeeded, for it too. Its own kernel, given the path again, found
# nothing and it exited 1 (a DIVERGENCE at its next call; 2 to 6 runs in
# 60 of agree/proc_links -n 3 under load, every run with replica 2 late).
for r in 0 2; do
	REPLICANT_INJECT_START=$r:300 rrun "latechdir.$r" -n 3 -- "$PROGS/agree/proc_links"
	is "$RC:$(tail -n 1 "$OUT")" "0:done" "replica $r late to a chdir its peers undid: exit 0, done" ||
		diag_file stderr "$ERR"
	is_empty "$ERR" "replica $r late to a chdir its peers undid: nothing on stderr"
done

done_testing
