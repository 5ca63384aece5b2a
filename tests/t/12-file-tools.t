#!/usr/bin/env bash
# Everyday file tools change a directory under replicant exactly as a plain
# run does: same stdout, stderr, status, and the same tree afterwards (names,
# types, modes, sizes, contents).
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
export LC_ALL=C
umask 022

# setup DIR: the starting tree
setup() {
	rm -rf "$1"
	mkdir -p "$1/sub/deeper" "$1/a/b/c"
	seq 1 20000 >"$1/numbers.txt"
	printf 'zeta\nalpha\nmu\n' >"$1/words.txt"
	printf 'inner\n' >"$1/sub/deeper/inner.txt"
	chmod 600 "$1/sub/deeper/inner.txt"
	gzip -n -c "$1/numbers.txt" >"$1/packed.txt.gz"
	# one fixed time everywhere: gzip stores the input's mtime
	find "$1" -exec touch -h -d @1700000000 {} +
}

# tree DIR: a listing of everything under DIR, with contents' hashes
tree() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %s %p\n' | sort |
		while read -r type mode size path; do
			if [ "$type" = f ]; then
				echo "$type $mode $size $path $(sha256sum <"$path" | cut -c1-16)"
			elif [ "$type" = d ]; then
				echo "$type $mode $path"
			else
				echo "$type $mode $size $path"
			fi
		done)
}

# in_both N TAG SHELL-SNIPPET-IN-DIR CMD...: runs CMD in a fresh tree,
# plainly and under replicant -n N; compares the outputs and the trees.
# Every test counts: stdout, stderr, status, tree; plus the status is 0.
in_both() {
	local n=$1 tag=$2
	shift 2
	setup "$T/plain"
	setup "$T/rep"
	(cd "$T/plain" && run_cmd "$tag.plain" "$@" && echo "$RC" >"$T/$tag.plain.rc")
	(cd "$T/rep" && run_cmd "$tag.n$n" "$REPLICANT" run -n "$n" -- "$@" && echo "$RC" >"$T/$tag.n$n.rc")
	local failed=$_tap_failed
	is "$(cat "$T/$tag.plain.rc")" 0 "$tag: plain run exits 0"
	is "$(cat "$T/$tag.n$n.rc")" 0 "$tag -n $n: exits 0" || diag_file stderr "$T/$tag.n$n.err"
	same_file "$T/$tag.n$n.out" "$T/$tag.plain.out" "$tag -n $n: stdout identical to a plain run"
	same_file "$T/$tag.n$n.err" "$T/$tag.plain.err" "$tag -n $n: stderr identical to a plain run"
	tree "$T/plain" >"$T/$tag.plain.tree"
	tree "$T/rep" >"$T/$tag.n$n.tree"
	if cmp -s "$T/$tag.n$n.tree" "$T/$tag.plain.tree"; then
		pass "$tag -n $n: the tree afterwards is the plain run's"
	else
		fail "$tag -n $n: the tree afterwards is the plain run's"
		diag "$(diff "$T/$tag.plain.tree" "$T/$tag.n$n.tree" | head -n 20)"
	fi
	[ "$_tap_failed" = "$failed" ] ||
		diag "$(printf 'repro: (cd DIR &&'; printf ' %q' build/replicant run -n "$n" -- "$@"; printf ')')"
}

for n in 2 3; do
	in_both $n "mkdir -p" mkdir -p x/y/z
	in_both $n "gzip -k" gzip -k numbers.txt
	in_both $n "gzip" gzip numbers.txt
	in_both $n "gunzip" gunzip packed.txt.gz
	in_both $n "sort -o" sort -o sorted.txt words.txt
	in_both $n "cp" cp numbers.txt copy.txt
	in_both $n "cp -r" cp -r sub sub2
	in_both $n "mv into a directory" mv words.txt a/b/c/
	in_both $n "mv rename" mv words.txt renamed.txt
	in_both $n "ln -s" ln -s numbers.txt link
	in_both $n "chmod" chmod 640 words.txt
	in_both $n "rm -r" rm -r sub
	in_both $n "ls -l" ls -l --time-style=+ sub/deeper
	in_both $n "wc" wc numbers.txt words.txt
	in_both $n "find" find . -name '*.txt'
	# a database file: sqlite locks it with fcntl(F_SETLK) from a struct
	# flock whose padding is stack garbage (it diverged on every run)
	in_both $n "sqlite3 on a file" sqlite3 db.sqlite 'create table t(a,b);
		insert into t select value, value*value from generate_series(1,20000);
		select count(*), sum(b) from t;'
done

done_testing
