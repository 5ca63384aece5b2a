#!/usr/bin/env bash
# make shsoak: the sh -c cases of tests/t/90 (dash pipelines, cd, subshell
# statuses, a fork+exec loop), SH_RUNS runs each (default 50) at -n 2 and
# -n 3, each compared with a plain run's stdout and status. Signal and
# fork-restart races show about once in a few hundred runs, more often on
# a loaded machine: SH_LOAD=1 keeps both cores busy with two loops of its
# own meanwhile (ended by their PIDs). Prints a table; exits 1 if any run
# differed.
set -uo pipefail
cd "$(dirname "$0")/.."
SH_RUNS=${SH_RUNS:-50}
R=${REPLICANT:-$PWD/build/replicant}	# another build to compare: REPLICANT=path
dir=$(mktemp -d)
loads=()
cleanup() {
	[ ${#loads[@]} -eq 0 ] || kill "${loads[@]}" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
if [ "${SH_LOAD:-0}" = 1 ]; then
	for i in 1 2; do
		(while :; do :; done) &
		loads+=($!)
	done
fi
cd "$dir" || exit 1
printf 'x\ny\n' >a.txt
mkdir sub
printf 'gamma\nalpha\n' >sub/c.txt
printf 'delta\nalpha\n' >sub/d.txt
cases=(
	'seq 1 20000 | sort -r | head -n 5 | tr 0-9 a-j; echo status $?'
	'cat a.txt | wc -l; ls | sort -r'
	'cat a.txt | wc -l; cd sub; ls | sort -r; cat c.txt d.txt | sort | uniq -c; cd ..; ls -F | sort'
	'(exit 5); echo sub $?; true | false; echo pipe $?; false | true; echo and $?; sh -c "exit 2"; echo nested sh $?'
	'i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i + 1)); done; echo $i'
)
failed=0
printf '%-4s %-2s %5s %6s  %s\n' case n runs differ command
for k in "${!cases[@]}"; do
	c=${cases[$k]}
	want=$(sh -c "$c"; echo "status $?")
	for n in 2 3; do
		differ=0
		for ((i = 1; i <= SH_RUNS; i++)); do
			got=$(timeout -k 5 60 "$R" run -n $n -- sh -c "$c" 2>"$dir/err"; echo "status $?")
			if [ "$got" != "$want" ]; then
				differ=$((differ + 1))
				[ $differ = 1 ] && sed 's/^/      /' "$dir/err" | head -n 4 >&2
			fi
		done
		[ $differ = 0 ] || failed=1
		printf '%-4s %-2s %5d %6d  %.60s\n' "$k" "$n" "$SH_RUNS" "$differ" "$c"
	done
done
exit $failed
