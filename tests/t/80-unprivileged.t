#!/usr/bin/env bash
# Unprivileged: replicant needs no privilege. As user nobody (65534), with
# copies of the binaries in a directory anyone may read, and a directory
# anyone may write for the files the programs touch.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	plan 1
	pass "# SKIP needs root to become nobody (already unprivileged)"
	exit
fi

chmod 755 "$T"
mkdir "$T/bin" "$T/w"
chmod 777 "$T/w"
cp "$REPLICANT" "$PROGS/hello" "$PROGS/creatw" "$PROGS/addr" "$PROGS/addrfile" "$T/bin/"
# the pthread library it loads by default, found at ../lib beside it
mkdir "$T/lib"
cp -P "$(dirname "$REPLICANT")"/lib/libreplicant-pthread.so "$(dirname "$REPLICANT")"/lib/libreplicant.so.0* "$T/lib/"
chmod 755 "$T/bin" "$T/bin/"* "$T/lib"
cd "$T/w" || exit 1

AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
run_cmd whoami "${AS_NOBODY[@]}" id -u
is "$(cat "$OUT")" 65534 "setpriv makes us user 65534"

for n in 2 3; do
	# agreeing: stdout, status, and a file created by nobody
	run_cmd "hello.n$n" "${AS_NOBODY[@]}" "$T/bin/replicant" run -n $n -- "$T/bin/hello" x
	is "$RC" 3 "nobody, hello -n $n: status 3 passes through" || diag_file stderr "$ERR"
	is "$(cat "$OUT")" "$(printf 'arg 0: %s\narg 1: x\ndone' "$T/bin/hello")" "nobody, hello -n $n: whole output"
	is_empty "$ERR" "nobody, hello -n $n: nothing on stderr"

	run_cmd "creatw.n$n" "${AS_NOBODY[@]}" "$T/bin/replicant" run -n $n -- "$T/bin/creatw" "$T/w/c$n.bin"
	is "$RC" 0 "nobody, creatw -n $n: status 0" || diag_file stderr "$ERR"
	is "$(cat "$OUT")" "$(printf 'wrote 286 bytes\ndone')" "nobody, creatw -n $n: stdout"
	"$PY" -c 'import sys; sys.stdout.buffer.write(b"creatw header\n" + bytes(range(256)) + b"\ncreatw trailer\n")' >"$T/creat.expected"
	same_file "$T/w/c$n.bin" "$T/creat.expected" "nobody, creatw -n $n: the file's exact bytes"
	is "$(stat -c %U "$T/w/c$n.bin" 2>/dev/null)" nobody "nobody, creatw -n $n: the file belongs to nobody"

	# diverging: nothing leaves
	run_cmd "addr.n$n" "${AS_NOBODY[@]}" "$T/bin/replicant" run -n $n -- "$T/bin/addr"
	is "$RC" 86 "nobody, addr -n $n: status 86"
	is_empty "$OUT" "nobody, addr -n $n: nothing on stdout"
	like "$(head -n 1 "$ERR")" '^replicant: DIVERGENCE in peer group 0 at position [0-9]+: write$' \
		"nobody, addr -n $n: the divergence report"

	run_cmd "addrfile.n$n" "${AS_NOBODY[@]}" "$T/bin/replicant" run -n $n -- "$T/bin/addrfile" "$T/w/a$n.txt"
	is "$RC" 86 "nobody, addrfile -n $n: status 86"
	if [ -e "$T/w/a$n.txt" ]; then
		is_empty "$T/w/a$n.txt" "nobody, addrfile -n $n: the output file is empty"
	else
		pass "nobody, addrfile -n $n: the output file does not exist"
	fi

	# nobody cannot write where it may not: the same EACCES as a plain run
	run_cmd "denied.plain" "${AS_NOBODY[@]}" "$T/bin/creatw" "$T/bin/nope"
	prc=$RC perr=$(cat "$ERR")
	run_cmd "denied.n$n" "${AS_NOBODY[@]}" "$T/bin/replicant" run -n $n -- "$T/bin/creatw" "$T/bin/nope"
	is "$RC:$(cat "$ERR")" "$prc:$perr" "nobody, creatw -n $n in a read-only dir: the status and message of a plain run"
	[ ! -e "$T/bin/nope" ]
	ok $? "nobody, creatw -n $n in a read-only dir: no file"
done

# A program that drops its privileges, as a server does, under a root
# monitor: the monitor runs its calls with the program's credentials
# where the kernel checks them. A write to a file clears its set-user-id
# and set-group-id bits unless the writer may keep them (CAP_FSETID): as
# nobody, they go. Reads and writes of sockets and pipes, which check
# none, run as the monitor itself (SF_NO_CREDS); a file's write must not.
for n in 2 3; do
	f=$T/w/setid$n
	: >"$f"
	chmod 06777 "$f"
	run_cmd "setid.n$n" "$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" sh -c "echo x >>$f"
	is "$RC:$(cat "$f"):$(stat -c %a "$f")" "0:x:777" \
		"dropped to nobody, -n $n: a write to a set-id file clears its set-id bits, as in a plain run" ||
		diag_file stderr "$ERR"
done

# fcntl F_SETFL asks the kernel who the caller is for O_NOATIME only (the
# file's owner may set it): as nobody, EPERM on a file of root's, as in a
# plain run; O_NONBLOCK, which checks nobody, runs as the monitor.
cat >"$T/w/noatime.py" <<'PY'
import os, fcntl
fd = os.open("/etc/hostname", os.O_RDONLY)
try:
    fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NOATIME)
    print("O_NOATIME set")
except OSError as e:
    print("O_NOATIME:", os.strerror(e.errno))
fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)
print("O_NONBLOCK:", bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK))
PY
chmod 644 "$T/w/noatime.py"
for n in 2 3; do
	run_cmd "noatime.n$n" "$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" "$PY" "$T/w/noatime.py"
	is "$RC:$(cat "$OUT" | tr '\n' '|')" "0:O_NOATIME: Operation not permitted|O_NONBLOCK: True|" \
		"dropped to nobody, -n $n: F_SETFL O_NOATIME on root's file is refused, O_NONBLOCK set" ||
		diag_file stderr "$ERR"
done


# A unix socket tells its peer the ids of the process at its other end: the
# peer credentials connect, listen and socketpair record, and those a send
# carries to a receiver with SO_PASSCRED. The monitor makes those calls for
# a replica, and with its own ids a process that dropped to nobody was root
# to its peer: to the D-Bus system bus, which lets root start services, or
# to journald. Each is now the process's, as in a plain run (uid 0 for all
# four on the code before).
cp "$PROGS/unixcreds" "$T/bin/"
chmod 755 "$T/bin/unixcreds"
nobody_ids='uid 65534 gid 65534'
for n in 2 3; do
	run_cmd "pair.n$n" "$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" "$T/bin/unixcreds" pair
	is "$RC:$(cat "$OUT")" "0:pair: peer $nobody_ids" \
		"dropped to nobody, -n $n: a socketpair's peer credentials are nobody's" || diag_file stderr "$ERR"

	sock=$T/w/peer$n.sock
	"$PY" "$TOP/tests/unixpeer.py" serve "$sock" >"$T/serve$n.out" 2>&1 &
	spid=$!
	bg_register "$spid"
	written_within 50 "$T/serve$n.out"
	run_cmd "client.n$n" "$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" "$T/bin/unixcreds" client "$sock"
	wait "$spid"
	is "$RC:$(tail -n 1 "$T/serve$n.out")" "0:peer $nobody_ids; message $nobody_ids" \
		"dropped to nobody, -n $n: connect's and a write's credentials, as the server sees them, are nobody's" ||
		diag_file stderr "$ERR"

	sock=$T/w/listen$n.sock
	"$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" "$T/bin/unixcreds" server "$sock" \
		>"$T/listen$n.out" 2>"$T/listen$n.err" &
	rpid=$!
	bg_register "$rpid"
	asked=$(timeout 20 "$PY" "$TOP/tests/unixpeer.py" ask "$sock" 2>&1)
	wait "$rpid"
	is "$?:$asked:$(tr '\n' '|' <"$T/listen$n.out")" "0:listener $nobody_ids:listening|served|" \
		"dropped to nobody, -n $n: listen's credentials, as a client sees them, are nobody's" ||
		diag_file stderr "$T/listen$n.err"
done

# chdir into a directory the process may not search fails, and the monitor's
# idea of the working directory stays where the kernel's is. Its check of
# the new directory took the real ids, the monitor's root, which pass any:
# after the failed cd, a relative open went to the locked directory
# (cat: Permission denied, where a plain run prints "outer").
mkdir "$T/w/locked"
chmod 700 "$T/w/locked"
echo outer >"$T/w/f.txt"
echo inner >"$T/w/locked/f.txt"
chmod 644 "$T/w/f.txt" "$T/w/locked/f.txt"
for n in 2 3; do
	run_cmd "cdlocked.n$n" "$REPLICANT" run -n $n -- "${AS_NOBODY[@]}" sh -c \
		"cd '$T/w' && { cd locked 2>/dev/null || echo denied; } && cat f.txt"
	is "$RC:$(tr '\n' '|' <"$OUT")" "0:denied|outer|" \
		"dropped to nobody, -n $n: a failed cd leaves relative paths where they were" || diag_file stderr "$ERR"
done

done_testing
