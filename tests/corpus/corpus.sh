# What tests/t/11-corpus.t and bench/corpus.sh share: preparing the inputs,
# running one line of tests/corpus/lines plainly or replicated, and
# comparing two runs. Source it with CORPUS_WORK set to a scratch
# directory and REPLICANT to the binary.
CORPUS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

corpus_prepare() {
	bash "$CORPUS_DIR/inputs.sh" "$CORPUS_WORK/inputs" >"$CORPUS_WORK/inputs.log" 2>&1
}

# The lines, one per output line, comments and blank lines left out.
corpus_lines() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$CORPUS_DIR/lines"
}

# A line's command, without its ![why] mark; and the mark's reason.
corpus_cmd() { local l=$1; [ "${l:0:2}" = '![' ] && l=${l#*] }; printf '%s' "$l"; }
corpus_known() { local l=$1; [ "${l:0:2}" = '![' ] && { l=${l#![}; printf '%s' "${l%%]*}"; }; }

# The program a line is about, for the table.
corpus_label() {
	local w
	w=$(corpus_cmd "$1" | awk '{ print $1 }')
	case $w in
	export) echo git ;;
	for | x=* | '{' | '(cd' | set | case | sh) echo sh ;;
	*) echo "$w" ;;
	esac
}

# corpus_run LINE MODE PREFIX: runs LINE in a fresh copy of the inputs, at
# the same path every time (paths in outputs then agree), MODE "plain" or
# a replica count; PREFIX.out, .err, .rc and .files (each file's digest).
corpus_run() {
	local cmd w=$CORPUS_WORK/w rc
	cmd=$(corpus_cmd "$1")
	rm -rf "$w"
	cp -a "$CORPUS_WORK/inputs" "$w"
	if [ "$2" = plain ]; then
		(cd "$w" && HOME=$w LC_ALL=C TZ=UTC timeout -k 5 120 sh -c "$cmd" \
			</dev/null >"$3.out" 2>"$3.err")
	else
		(cd "$w" && HOME=$w LC_ALL=C TZ=UTC timeout -k 5 120 "$REPLICANT" run -n "$2" -- \
			sh -c "$cmd" </dev/null >"$3.out" 2>"$3.err")
	fi
	rc=$?
	echo "$rc" >"$3.rc"
	(cd "$w" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$3.files"
	rm -rf "$w"
}

# corpus_verdict PLAIN REPLICATED: agreed, diverged, stalled or differed.
corpus_verdict() {
	if cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" && cmp -s "$1.rc" "$2.rc" &&
		cmp -s "$1.files" "$2.files"; then
		echo agreed
	elif grep -q '^replicant: STALL' "$2.err"; then
		echo stalled
	elif grep -q '^replicant: DIVERGENCE' "$2.err"; then
		echo diverged
	else
		echo differed
	fi
}
