#!/usr/bin/env bash
# The corpus's fast subset: every line of tests/corpus/lines once at -n 2,
# with no option beyond -n, against a plain run: the same stdout, stderr,
# exit status and files. `make corpus` runs each 5 times at -n 2 and -n 3.
# A line marked ![why] is a known false divergence of an open issue: a
# TODO here, until it agrees.
. "$(dirname "$0")/../lib.sh"

CORPUS_WORK=$T
. "$TOP/tests/corpus/corpus.sh"
if ! corpus_prepare; then
	fail "the corpus's inputs are made" || diag_file log "$T/inputs.log"
	done_testing
	exit
fi
mapfile -t lines < <(corpus_lines)
i=0
for line in "${lines[@]}"; do
	i=$((i + 1))
	corpus_run "$line" plain "$T/p$i"
	corpus_run "$line" 2 "$T/r$i"
	verdict=$(corpus_verdict "$T/p$i" "$T/r$i")
	why=$(corpus_known "$line")
	what="corpus $i ($(corpus_label "$line")) -n 2: $verdict"
	if [ -n "$why" ]; then
		TODO=$why
		if [ "$verdict" = agreed ]; then pass "$what"; else fail "$what"; fi
		TODO=
	elif [ "$verdict" = agreed ]; then
		pass "$what"
	else
		fail "$what"
		diag "  line: $(corpus_cmd "$line")"
		diag_file "plain stdout" "$T/p$i.out"
		diag_file "replicated stdout" "$T/r$i.out"
		diag_file "replicated stderr" "$T/r$i.err"
		diag "  exit status: plain $(cat "$T/p$i.rc"), replicated $(cat "$T/r$i.rc")"
		cmp -s "$T/p$i.files" "$T/r$i.files" || diag "  the files differ: $(diff "$T/p$i.files" "$T/r$i.files" | head -4 | tr '\n' ' ')"
	fi
done
done_testing
