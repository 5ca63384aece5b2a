#!/usr/bin/env bash
# Error paths: each checks the exit status and the message on stderr.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1

# ---- the program cannot be run -------------------------------------------
rrun notfound -n 2 -- no-such-program-xyz arg
is "$RC" 127 "program not in PATH: exit status 127"
is "$(cat "$ERR")" "replicant: no-such-program-xyz: command not found" "program not in PATH: message names it"
is_empty "$OUT" "program not in PATH: nothing on stdout"

rrun notfound-path -n 3 -- "$T/no-such-file"
is "$RC" 127 "program path does not exist: exit status 127"
like "$(cat "$ERR")" "^replicant: $T/no-such-file: " "program path does not exist: message names it"

printf '#!/bin/sh\necho should not run\n' >noexec.sh
chmod 644 noexec.sh
rrun noexec -n 2 -- "$T/noexec.sh"
is "$RC" 126 "file without x bit: exit status 126"
is "$(cat "$ERR")" "replicant: $T/noexec.sh: Permission denied" "file without x bit: message names it"
is_empty "$OUT" "file without x bit: nothing on stdout"

rrun dir -n 2 -- "$T"
is "$RC" 126 "a directory: exit status 126"
like "$(cat "$ERR")" "^replicant: $T: " "a directory: message names it"

# a file with the x bit that is not a program: execve fails with ENOEXEC
printf '\177ELF garbage\n' >garbage
chmod 755 garbage
rrun garbage -n 2 -- "$T/garbage"
is "$RC" 126 "not a valid executable: exit status 126"
like "$(cat "$ERR")" "^replicant: $T/garbage: " "not a valid executable: message names it"
is_empty "$OUT" "not a valid executable: nothing on stdout"

# ---- bad options: 125 and the usage line --------------------------------
bad_option() { # NAME EXPECTED-MESSAGE-REGEX ARGS...
	local name=$1 msg=$2
	shift 2
	run_cmd "badopt" "$REPLICANT" "$@"
	is "$RC" 125 "bad options ($name): exit status 125"
	like "$(cat "$ERR")" '^usage: replicant run ' "bad options ($name): a line starting with usage:"
	like "$(cat "$ERR")" "$msg" "bad options ($name): says what is wrong"
	is_empty "$OUT" "bad options ($name): nothing on stdout"
}
bad_option "-n 1" "bad replica count '1'" run -n 1 -- "$PROGS/hello"
bad_option "-n 17" "bad replica count '17'" run -n 17 -- "$PROGS/hello"
bad_option "-n abc" "bad replica count 'abc'" run -n abc -- "$PROGS/hello"
bad_option "-n 3x" "bad replica count '3x'" run -n 3x -- "$PROGS/hello"
bad_option "unknown option" "unrecognized option '--frobnicate'" run --frobnicate -- "$PROGS/hello"
bad_option "missing program" "no program given" run -n 2 --
bad_option "missing program, no --" "no program given" run -n 2
bad_option "--on-divergence bogus" "bad --on-divergence 'bogus'" run --on-divergence bogus -- "$PROGS/hello"
bad_option "kill-minority with -n 2" "kill-minority needs at least 3 replicas" \
	run -n 2 --on-divergence kill-minority -- "$PROGS/hello"
bad_option "kill-minority with the default -n" "kill-minority needs at least 3 replicas" \
	run --on-divergence kill-minority -- "$PROGS/hello"
bad_option "--divergence-exit-code 256" "bad exit code '256'" run --divergence-exit-code 256 -- "$PROGS/hello"
bad_option "--stall-timeout 0" "bad stall timeout '0'" run --stall-timeout 0 -- "$PROGS/hello"
bad_option "no command" "expected a command" 
bad_option "unknown command" "expected a command" exec -- "$PROGS/hello"

run_cmd help "$REPLICANT" --help
is "$RC" 0 "--help: exit status 0"
like "$(head -n 1 "$OUT")" '^usage: replicant run ' "--help: usage on stdout"

# ---- refused syscalls ------------------------------------------------------
for n in 2 3; do
	rrun clonefiles.n$n -n $n -- "$PROGS/clonefiles"
	is "$RC" 125 "clone(CLONE_FILES) -n $n: exit status 125"
	like "$(cat "$ERR")" '^replicant: refused syscall clone' "clone(CLONE_FILES) -n $n: message names clone"
	printf 'before clone\n' >clonefiles.expected
	same_file "$OUT" clonefiles.expected "clone(CLONE_FILES) -n $n: the output before the clone, only"

	rrun ptracepeek.n$n -n $n -- "$PROGS/ptracepeek"
	is "$RC" 125 "ptrace -n $n: exit status 125"
	like "$(cat "$ERR")" '^replicant: refused syscall ptrace' "ptrace -n $n: message names ptrace"
	is_empty "$OUT" "ptrace -n $n: nothing on stdout"
done

# ---- the program dies of a signal in every replica -----------------------
for n in 2 3; do
	run_both -s 139 $n "SIGSEGV in every replica" "$PROGS/segv"
	is "$(cat "$OUT")" "before crash" "SIGSEGV -n $n: the line before the crash left"
	run_both -s 134 $n "abort() in every replica" "$PROGS/aborter"
	is "$(cat "$OUT")" "before abort" "abort() -n $n: the line before the abort left"
done

# ---- --report to a file that cannot be written: refused at the start ------
run_cmd report-bad "$REPLICANT" run --report "$T/no-such-dir/r.json" -- sh -c 'echo ran >"$0"' "$T/ran"
is "$RC" 125 "--report to an unwritable path: exit status 125"
like "$(cat "$ERR")" "^replicant: cannot write report $T/no-such-dir/r.json: No such file or directory" \
	"--report to an unwritable path: the message names it"
ok "$([ ! -e "$T/ran" ]; echo $?)" "--report to an unwritable path: the program never ran"

# ---- --profile: the monitor's time by call, to a file -------------------
rm -f "$T/ran"
run_cmd profile-bad "$REPLICANT" run --profile "$T/no-such-dir/p" -- sh -c 'echo ran >"$0"' "$T/ran"
is "$RC" 125 "--profile to an unwritable path: exit status 125"
like "$(cat "$ERR")" "^replicant: cannot write profile $T/no-such-dir/p: No such file or directory" \
	"--profile to an unwritable path: the message names it"
ok "$([ ! -e "$T/ran" ]; echo $?)" "--profile to an unwritable path: the program never ran"
for n in 2 3; do
	run_cmd "profile.$n" "$REPLICANT" run -n $n --profile "$T/profile.$n" -- sh -c 'exit 3'
	is "$RC" 3 "--profile -n $n: the program's own status"
	like "$(head -n 1 "$T/profile.$n")" "^replicant profile: $n replicas, [0-9.]+ s;" \
		"--profile -n $n: the table's title"
	# exit_group: one position, and a notification from each replica of
	# the majority at least (the run may end before the last one's comes)
	like "$(cat "$T/profile.$n")" "^\| exit_group +\| +[2-$n] \|( +[0-9.]+ \|){4} +1 \|" \
		"--profile -n $n: exit_group's row counts 1 position, and 2 to $n notifications"
done

done_testing
