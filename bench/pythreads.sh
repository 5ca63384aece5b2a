#!/usr/bin/env bash
# make bench: what CPython threads cost replicated (issue 12). Deadlines
# pass at quiet points (lib/pthread/quiet.c), so the thread holding the GIL
# keeps it until it waits or blocks, where plain CPython forces a switch
# every 5 ms. Each script runs plainly and at -n 2 and -n 3, in turn in
# one run; medians of RUNS runs; ratios replicated / plain.
#   lock:   four threads add to a total under one threading.Lock (2000 rounds each:
#           the corpus's threads.py)
#   qq:     a producer and two consumers through queue.Queue (2000 items)
#   cpu:    two threads compute (pure Python) and the main thread joins
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
R=build/replicant
PY=/usr/bin/python3
D=$(mktemp -d /tmp/replicant-pythreads.XXXXXX)
trap 'rm -rf "$D"' EXIT

# lock.py: the corpus's threads.py (tests/corpus/inputs.sh)
bash tests/corpus/inputs.sh "$D/in" >"$D/inputs.log" 2>&1 || { cat "$D/inputs.log" >&2; exit 1; }
cp "$D/in/threads.py" "$D/lock.py"
cat >"$D/qq.py" <<'P'
import threading, queue
q = queue.Queue(maxsize=16)
out = []
def consume():
    while True:
        x = q.get()
        if x is None:
            return
        out.append(x * x)
cs = [threading.Thread(target=consume) for _ in range(2)]
for c in cs: c.start()
for i in range(2000): q.put(i)
for c in cs: q.put(None)
for c in cs: c.join()
print(sum(out))
P
cat >"$D/cpu.py" <<'P'
import threading
res = [0, 0]
def work(k):
    s = 0
    for i in range(300000):
        s += i % (k + 3)
    res[k] = s
ts = [threading.Thread(target=work, args=(k,)) for k in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print(res)
P

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() {
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 5 120 "$@" >"$D/out" 2>"$D/err" || { echo "bench/pythreads.sh: failed: $*" >&2; cat "$D/err" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

printf '\nCPython threads replicated (median of %d runs, ms; ratio to plain)\n' "$RUNS"
printf '| %-6s | %7s | %7s | %7s | %7s | %7s |\n' script plain "-n 2" ratio "-n 3" ratio
printf '|%s|%s|%s|%s|%s|%s|\n' "--------" "---------" "---------" "---------" "---------" "---------"
for s in lock qq cpu; do
	: >"$D/p"; : >"$D/r2"; : >"$D/r3"
	for i in $(seq 1 "$RUNS"); do
		ms "$PY" "$D/$s.py" >>"$D/p"
		ms "$R" run -n 2 -- "$PY" "$D/$s.py" >>"$D/r2"
		ms "$R" run -n 3 -- "$PY" "$D/$s.py" >>"$D/r3"
	done
	p=$(median <"$D/p") r2=$(median <"$D/r2") r3=$(median <"$D/r3")
	printf '| %-6s | %7d | %7d | %7.2f | %7d | %7.2f |\n' "$s" "$p" "$r2" \
		"$(echo "$r2 / $p" | bc -l)" "$r3" "$(echo "$r3 / $p" | bc -l)"
done
