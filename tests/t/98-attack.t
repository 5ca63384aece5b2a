#!/usr/bin/env bash
# The attack suite (the security model in the README): each program of
# tests/attack/ misbehaves in replica 0 only, as an exploit that works on
# one address layout would. Under -n 2 and -n 3, each run must end as the
# table below says (86: the divergence is caught; 125: the call is refused;
# 86|125: the refusal of the attack's call, or the divergence of a call before it that the replica
# was answered at once, whichever the monitor sees first), and nothing of
# the attack may reach stdout, stderr or a file, no process may be left,
# and the monitor must reach its own end (its status, not a signal's).
. "$(dirname "$0")/../lib.sh"

declare -A want=(
	[clone_untraced]=125 [prlimit_monitor]='86|125' [prlimit_self]=86
	[fcntl_setown]='86|125' [sendfile_private]=86 [dirfd_unlink]=86
	[dirfd_absolute]=86
	[proc_fd1]=86 [proc_root_create]=86 [proc_cwd_unlink]=86
	[proc_dotdot]=86 [sysfact_write]=86 [exec_argv]=86 [exec_env]=86
	[core_dump]=86 [map_store]=0 [path_swap]='0|86' [killpg_outside]=86
)
# how the monitor's end reads on stderr, by status
declare -A said=([86]='DIVERGENCE' [125]='refused syscall' [0]='')

# the processes whose environment carries tag
tagged() {
	grep -lsa "ATTACK_TAG=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}

for src in "$TOP"/tests/attack/*.c; do
	name=$(basename "$src" .c)
	prog=$PROGS/attack/$name
	for n in 2 3; do
		what="attack/$name -n $n"
		dir=$T/$name.$n
		mkdir -p "$dir"
		echo keep >"$dir/victim"
		echo ATTACK >"$dir/source"
		tag=$name.$n.$$.$RANDOM
		(cd "$dir" && ATTACK_TAG=$tag run_cmd "$name.$n" "$REPLICANT" run -n $n -- "$prog" "$dir" &&
			echo "$RC" >"$dir.rc")
		rc=$(cat "$dir.rc")
		OUT=$T/$name.$n.out ERR=$T/$name.$n.err
		like "$rc" "^(${want[$name]})\$" "$what: exit status" || diag_file stderr "$ERR"
		if [ -n "${said[$rc]:-}" ]; then
			like "$(cat "$ERR")" "^replicant: ${said[$rc]}" "$what: the monitor says why it ended"
		else
			is "$(cat "$OUT")" "done" "$what: the run's output is its peers' (done)"
		fi
		unlike "$(cat "$OUT" "$ERR")" 'ATTACK' "$what: nothing of the attack on stdout or stderr"
		# its open of a file (an input) ran for it at once: the report
		# must not say the call was not performed
		if [ "$name" = sendfile_private ]; then
			like "$(cat "$ERR")" '^  action: run aborted; the call was performed once, for replica 0' \
				"$what: the report says the input ran for replica 0"
		fi
		[ "$name" = clone_untraced ] && sleep 1.5 # its child would write after 1 s
		ok "$([ ! -e "$dir/escaped" ] && [ ! -e "$dir/created" ] && [ "$(cat "$dir/victim")" = keep ]; echo $?)" \
			"$what: no file created, changed or removed"
		# a crash writes a core file only where the pattern names one
		if [ "$name" = core_dump ]; then
			pat=$(cat /proc/sys/kernel/core_pattern)
			if [ "${pat#|}" != "$pat" ] || [ "${pat#/}" != "$pat" ]; then
				pass "# SKIP $what: core_pattern '$pat' writes no file here"
			elif [ "$(ulimit -H -c)" = 0 ]; then
				pass "# SKIP $what: the hard core limit is 0 here: the attack cannot raise it"
			else
				ok "$(ls "$dir" | grep -q '^core'; [ $? -ne 0 ]; echo $?)" "$what: no core file"
			fi
		fi
		left=$(left_after 20 true $(tagged "$tag"))
		is "$left" "" "$what: no process left"
	done
done
# The monitor's own /proc/PID is out of reach even of every replica agreeing
# (a path traversal that works alike in all of them): directly, through
# /proc/self/.. and through its descriptors' magic links. Before, each was
# opened, the first for writing into the monitor's memory.
cd "$T" || exit 1
for n in 2 3; do
	run_cmd "parentproc.$n" "$REPLICANT" run -n $n -- "$PROGS/parentproc"
	is "$RC" 0 "the monitor's /proc -n $n: exit status" || diag_file stderr "$ERR"
	is "$(cat "$OUT")" "parent's mem: Permission denied
parent's environ: Permission denied
parent's stdout: Permission denied
parent's mem through /proc/self/..: Permission denied
truncate parent's stdout: Permission denied
mkdir in parent's cwd: Permission denied" "the monitor's /proc -n $n: every open denied"
	ok "$([ ! -e parentproc.made ]; echo $?)" "the monitor's /proc -n $n: nothing made in its cwd"
	rmdir parentproc.made 2>/dev/null
done
cd "$OLDPWD" || exit 1
# Descriptors passed over a socketpair are judged by the objects they name:
# the last replica's child passes stdin where its peers pass stdout
# (tests/progs/passwrong.c). A divergence at that sendmsg, and nothing
# written through what was passed. Before socketpairs were one object run
# by the monitor, each replica passed its own, unvoted: exit 0 at -n 3.
for n in 2 3; do
	rrun "passwrong.$n" -n $n -- "$PROGS/passwrong"
	is "$RC" 86 "a minority passes another descriptor -n $n: a divergence, exit 86" ||
		diag_file stderr "$ERR"
	like "$(cat "$ERR")" '^replicant: DIVERGENCE in peer group 1 at position 1: sendmsg$' \
		"a minority passes another descriptor -n $n: the report names sendmsg"
	is_empty "$OUT" "a minority passes another descriptor -n $n: nothing written through it"
done
# Class 7: the shared memory of sequential regions is untrusted input. A
# replica whose region header lies (stride 0, 2^32 - 1 domains) and that
# then stalls: the monitor reports the stall from its own copy of the
# geometry (it died of SIGFPE, 136, dividing by the lying stride).
for n in 2 3; do
	t0=$(date +%s%N)
	run_cmd "geometry.$n" "$REPLICANT" run -n $n --stall-timeout 1 -- "$PROGS/misbehave" geometry
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$RC" 86 "region header that lies -n $n: a stall, exit 86" || diag_file stderr "$ERR"
	like "$(cat "$ERR")" '^replicant: STALL' "region header that lies -n $n: the monitor reports it"
	ok "$([ "$ms" -lt 15000 ]; echo $?)" "region header that lies -n $n: over in $ms ms (a 1 s timeout)"
	# the watchdog read every slot the lying header claimed, and the
	# kernel allocated each page it read: 2.8 GB, 12 s
	kb=$("$PY" -c 'import resource, subprocess, sys
subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
		"$REPLICANT" run -n $n --stall-timeout 1 -- "$PROGS/misbehave" geometry)
	ok "$([ "$kb" -lt 102400 ]; echo $?)" "region header that lies -n $n: the monitor stays small ($kb KB)"
done

done_testing
