#!/usr/bin/env bash
# make demo: one program whose replicas agree, one whose replicas diverge,
# and a threaded one that agrees under the pthread library.
set -u
cd "$(dirname "$0")/.."
R=build/replicant
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A deterministic program under 2 and then 3 replicas: every write is voted"
for n in 2 3; do
	echo "\$ replicant run -n $n -- build/tests/hello replicated world"
	$R run -n $n -- build/tests/hello replicated world
	echo "(exit status $?: the program's own, 3)"
done

say "A program that prints the address of one of its functions (differs under ASLR)"
echo "\$ replicant run -n 3 --report build/demo-report.json -- build/tests/addr"
$R run -n 3 --report build/demo-report.json -- build/tests/addr
status=$?
echo "(exit status $status: 86 means divergence; nothing the replicas disagreed on was printed)"
echo "JSON report: build/demo-report.json"

say "A threaded program: 16 threads move money between 8 accounts under mutexes"
echo "Which thread gets a lock first changes from run to run, and so do the lines it prints."
echo "The pthread library (loaded by default) makes every mutex a sequential region: the replicas take the locks in one order."
echo "\$ replicant run -n 3 -- build/tests/pthread/bank | tail -2"
$R run -n 3 -- build/tests/pthread/bank | tail -2
bank=${PIPESTATUS[0]}
echo "(exit status $bank: the three replicas printed the same 163 lines)"
[ "$status" -eq 86 ] && [ "$bank" -eq 0 ]
