#!/usr/bin/env bash
# make bench, sequential regions: runs build/bench/seq (bench/seq.c), which
# prints its own table: a region's cost against a pthread mutex pair, and a
# domain lookup at 1,000,000 domains against 10. Medians of RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
[ -x build/bench/seq ] || make -s build/bench/seq
build/bench/seq "$RUNS"
echo "target (issue 15): begin_seq+end_seq replicated within 5x of the mutex pair, on one core and on two"
