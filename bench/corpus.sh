#!/usr/bin/env bash
# make corpus: every line of tests/corpus/lines RUNS times (default 5) at
# -n 2 and at -n 3, each against a plain run of the same line, with no
# option beyond -n. A table by program (runs, agreed, diverged, stalled,
# differed otherwise, replicated time over plain), then the total; lines
# marked ![why] (known false divergences of open issues) are counted in
# their own row. Exit 1 if any other run did not agree. CORPUS_ONLY=REGEX
# (grep -E) runs only the lines it matches.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
REPLICANT=${REPLICANT:-$TOP/build/replicant}
RUNS=${RUNS:-5}
CORPUS_WORK=$(mktemp -d /tmp/replicant-corpus.XXXXXX)
trap 'rm -rf "$CORPUS_WORK"' EXIT
. tests/corpus/corpus.sh
corpus_prepare || { echo "corpus: cannot make the inputs" >&2; cat "$CORPUS_WORK/inputs.log" >&2; exit 1; }

declare -A runs agreed diverged stalled differed tplain trepl
ms() { date +%s%N | cut -c1-13; }
bad=0
mapfile -t lines < <(corpus_lines | grep -E -- "${CORPUS_ONLY:-.}")
for line in "${lines[@]}"; do
	label=$(corpus_label "$line")
	[ -n "$(corpus_known "$line")" ] && label="(known: open issues)"
	for n in 2 3; do
		for ((k = 0; k < RUNS; k++)); do
			t0=$(ms)
			corpus_run "$line" plain "$CORPUS_WORK/p"
			t1=$(ms)
			corpus_run "$line" "$n" "$CORPUS_WORK/r"
			t2=$(ms)
			v=$(corpus_verdict "$CORPUS_WORK/p" "$CORPUS_WORK/r")
			runs[$label]=$((${runs[$label]:-0} + 1))
			case $v in
			agreed) agreed[$label]=$((${agreed[$label]:-0} + 1)) ;;
			diverged) diverged[$label]=$((${diverged[$label]:-0} + 1)) ;;
			stalled) stalled[$label]=$((${stalled[$label]:-0} + 1)) ;;
			*) differed[$label]=$((${differed[$label]:-0} + 1)) ;;
			esac
			if [ "$v" != agreed ] && [ "$label" != "(known: open issues)" ]; then
				bad=1
				echo "  $v at -n $n: $(corpus_cmd "$line")" >&2
			fi
			tplain[$label]=$((${tplain[$label]:-0} + t1 - t0))
			trepl[$label]=$((${trepl[$label]:-0} + t2 - t1))
		done
	done
done

printf '\nmake corpus: %d lines, %d runs each at -n 2 and -n 3, against plain runs\n\n' "${#lines[@]}" "$RUNS"
printf '| %-22s | %5s | %6s | %8s | %7s | %8s | %12s |\n' program runs agreed diverged stalled differed "repl./plain"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------ ------- -------- ---------- --------- ---------- --------------
tot=(0 0 0 0 0 0 0)
while IFS= read -r label; do
	r=${runs[$label]} a=${agreed[$label]:-0} d=${diverged[$label]:-0} s=${stalled[$label]:-0}
	o=${differed[$label]:-0} p=${tplain[$label]} q=${trepl[$label]}
	awk -v l="$label" -v r="$r" -v a="$a" -v d="$d" -v s="$s" -v o="$o" -v p="$p" -v q="$q" \
		'BEGIN { printf "| %-22s | %5d | %6d | %8d | %7d | %8d | %12.2f |\n", l, r, a, d, s, o, q / (p ? p : 1) }'
	tot=($((tot[0] + r)) $((tot[1] + a)) $((tot[2] + d)) $((tot[3] + s)) $((tot[4] + o)) $((tot[5] + p)) $((tot[6] + q)))
done < <(printf '%s\n' "${!runs[@]}" | sort)
awk -v r="${tot[0]}" -v a="${tot[1]}" -v d="${tot[2]}" -v s="${tot[3]}" -v o="${tot[4]}" -v p="${tot[5]}" -v q="${tot[6]}" \
	'BEGIN { printf "| %-22s | %5d | %6d | %8d | %7d | %8d | %12.2f |\n", "total", r, a, d, s, o, q / (p ? p : 1) }'
exit $bad
