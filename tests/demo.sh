#!/usr/bin/env bash
# make demo: one program whose replicas agree, one whose replicas diverge.
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
[ "$status" -eq 86 ]
