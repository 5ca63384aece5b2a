#!/usr/bin/env bash
# Exactly-once outputs: whatever N, a file gets each agreed write once.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
umask 022

for n in 2 3; do
	# O_APPEND|O_CREAT, one line per run
	rm -f "app$n.txt"
	rrun "append1.n$n" -n $n -- "$PROGS/append" "$T/app$n.txt"
	is "$RC" 0 "append -n $n: exit status 0" || diag_file stderr "$ERR"
	is "$(cat "$OUT")" "$(printf 'appended 14 bytes\ndone')" "append -n $n: stdout"
	printf 'appended line\n' >app.expected1
	same_file "app$n.txt" app.expected1 "append -n $n: a new file holds exactly one copy of the line"
	rrun "append2.n$n" -n $n -- "$PROGS/append" "$T/app$n.txt" "second run line
"
	is "$RC" 0 "append -n $n, second run: exit status 0"
	printf 'appended line\nsecond run line\n' >app.expected2
	same_file "app$n.txt" app.expected2 "append -n $n, second run: one more copy, after the first"
	is "$(stat -c %a "app$n.txt")" 644 "append -n $n: mode 644"

	# creat + three writes, exact bytes and mode
	"$PY" -c '
import sys
sys.stdout.buffer.write(b"creatw header\n" + bytes(range(256)) + b"\ncreatw trailer\n")' >creat.expected
	rm -f "creat$n.bin"
	rrun "creatw.n$n" -n $n -- "$PROGS/creatw" "$T/creat$n.bin"
	is "$RC" 0 "creatw -n $n: exit status 0" || diag_file stderr "$ERR"
	is "$(cat "$OUT")" "$(printf 'wrote 286 bytes\ndone')" "creatw -n $n: stdout"
	same_file "creat$n.bin" creat.expected "creatw -n $n: the file holds the exact 286 bytes"
	is "$(stat -c %a "creat$n.bin")" 640 "creatw -n $n: mode 640 as creat asked"
	# creat over a longer existing file truncates it
	head -c 5000 /dev/zero | tr '\0' x >"creat$n.bin"
	rrun "creatw2.n$n" -n $n -- "$PROGS/creatw" "$T/creat$n.bin"
	is "$RC" 0 "creatw -n $n over a 5000-byte file: exit status 0"
	same_file "creat$n.bin" creat.expected "creatw -n $n over a 5000-byte file: truncated, then the exact bytes"

	# shell-level append through stdout: the replicated program writes to
	# an O_APPEND descriptor it inherited
	printf 'before\n' >"redir$n.txt"
	timeout -k 5 "$TIMEOUT" "$REPLICANT" run -n $n -- "$PROGS/hello" x >>"redir$n.txt" 2>"$T/redir$n.err"
	is "$?" 3 "hello -n $n >> file: exit status 3"
	printf 'before\narg 0: %s\narg 1: x\ndone\n' "$PROGS/hello" >redir.expected
	same_file "redir$n.txt" redir.expected "hello -n $n >> file: the output appended once"
done

done_testing
