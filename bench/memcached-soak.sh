#!/usr/bin/env bash
# make mcsoak: the bounded 60-second run of issue 5. memcached (Debian's)
# under replicant -n 2 and -n 3 with --pthread and 4 worker threads, 4
# loopback clients racing set/incr/append/cas/get on the same keys for
# MC_SECONDS seconds (default 60) or MC_OPS requests per client (default
# 100000), whichever ends first: tests/t/96-memcached.t with those bounds
# (every reply checked, no divergence or stall, SIGTERM ends it and leaves no
# replica). Prints the test's output; exits 1 if a check failed (a check the
# test marks TODO, a known failure, does not count).
set -uo pipefail
cd "$(dirname "$0")/.."
export MC_SECONDS=${MC_SECONDS:-60} MC_OPS=${MC_OPS:-100000}
# lib.sh's per-command timeout is not used for the long runs: the test
# bounds each one by MC_SECONDS plus a margin
prove -v tests/t/96-memcached.t
