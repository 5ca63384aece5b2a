#!/usr/bin/env bash
# make check, libreplicant as it is installed: the shared object exports the
# API and nothing else, under its soname; `make install` puts it where
# pkg-config finds it; an annotated program (lib/example/counter.c) builds
# with `pkg-config --cflags --libs replicant` and runs outside replicant, in
# pass-through mode and in REPLICANT_SEQ_CHECK mode.
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
failed=0
check() {
	local what=$1; shift
	if "$@"; then
		echo "lib-check: ok - $what"
	else
		echo "lib-check: FAILED - $what"
		failed=1
	fi
}

so=build/lib/libreplicant.so.0.1
exports=$(nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" { print $3 }' |
	sort | tr '\n' ' ')
# the API, and the rp_ calls libreplicant-pthread.so uses (replicant_int.h)
check "exports exactly the API ($exports)" \
	test "$exports" = "alias_dom begin_seq destroy_dom end_seq init_dom rp_begin_seq rp_decide rp_destroy_dom rp_dom_gen rp_dom_peek rp_dom_shared rp_end_seq rp_forget_dom_shared rp_init_dom rp_init_dom_shared rp_on_sleep rp_replicated rp_shared_zero rp_try_begin_seq rp_turn_whom rp_vtid "
pt=build/lib/libreplicant-pthread.so
# the stdio calls that take a FILE's lock (lib/pthread/stdio.c, wstdio.c,
# errmsg.c)
pt_stdio="__fgets_chk __fgetws_chk __fprintf_chk __fread_chk __fwprintf_chk __isoc99_fscanf __isoc99_fwscanf __isoc99_scanf __isoc99_vfscanf __isoc99_vfwscanf __isoc99_vscanf __isoc99_vwscanf __isoc99_wscanf __vfwprintf_chk __vwprintf_chk __wprintf_chk err errx fgetwc fgetws fputwc fputws fwprintf getwc getwchar perror putwc putwchar ungetwc verr verrx vfwprintf vwarn vwarnx vwprintf warn warnx wprintf __printf_chk __vfprintf_chk __vprintf_chk fclose fdopen fflush fgetc fgets flockfile fmemopen fopen fopen64 fprintf fputc fputs fread ftrylockfile funlockfile fwrite getc getchar getdelim getline open_memstream pclose popen printf putc putchar puts tmpfile ungetc vfprintf vprintf"
# C11's mtx_, cnd_ and call_once (lib/pthread/c11.c)
pt_c11="call_once cnd_broadcast cnd_destroy cnd_init cnd_signal cnd_timedwait cnd_wait mtx_destroy mtx_init mtx_lock mtx_timedlock mtx_trylock mtx_unlock"
# and the calls that make a second thread (lib/pthread/solo.c)
pt_threads="clone thrd_create"
# and the calls a thread blocks in (lib/pthread/block.c)
pt_block="accept accept4 clock_nanosleep connect epoll_pwait epoll_wait nanosleep pause poll ppoll pselect read readv recv recvfrom recvmsg select send sigsuspend sigtimedwait sigwait sigwaitinfo sleep usleep wait waitid waitpid write writev"
pt_want=$(printf '%s\n' $pt_stdio $pt_c11 $pt_threads $pt_block | LC_ALL=C sort | tr '\n' ' ')
pt_other=$(nm -D --defined-only "$pt" | awk '$2 == "T" || $2 == "D" || $2 == "B" { print $3 }' |
	grep -Ev '^(pthread_|sem_)' | LC_ALL=C sort | tr '\n' ' ')
check "libreplicant-pthread.so exports pthread_ and sem_ calls, the stdio calls that lock a FILE, C11's mtx_/cnd_, the thread makers and the blocking calls only ($pt_other)" \
	test "$pt_other" = "$pt_want"
check "libreplicant-pthread.so needs libreplicant.so.0, found beside it" \
	sh -c "readelf -d $pt | grep -q 'NEEDED.*\[libreplicant.so.0\]' &&
	       readelf -d $pt | grep -q 'RUNPATH.*\[\\\$ORIGIN\]'"
check "soname libreplicant.so.0" \
	sh -c "readelf -d $so | grep -q 'SONAME.*\[libreplicant.so.0\]'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
check "make install-lib PREFIX=..." \
	sh -c "$MAKE -s install-lib PREFIX='$prefix' >'$tmp/install.log' 2>&1"
check "installed header, library links and pkg-config file" \
	test -f "$prefix/include/replicant.h" -a -L "$prefix/lib/libreplicant.so" \
	-a "$(readlink "$prefix/lib/libreplicant.so.0")" = libreplicant.so.0.1 \
	-a -f "$prefix/lib/pkgconfig/replicant.pc" -a -f "$prefix/lib/libreplicant-pthread.so"
flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs replicant)
check "cc counter.c \$(pkg-config --cflags --libs replicant)" \
	cc -std=c11 -Wall -Wextra -Werror lib/example/counter.c $flags -lpthread \
	-o "$tmp/counter"
check "it runs outside replicant (pass-through)" \
	sh -c "'$tmp/counter' >'$tmp/out' && grep -qx 'total 10, 0 errors' '$tmp/out'"
check "it runs with REPLICANT_SEQ_CHECK=1 (its own order log)" \
	sh -c "REPLICANT_SEQ_CHECK=1 '$tmp/counter' >'$tmp/out' &&
	       grep -qx 'total 10, 0 errors' '$tmp/out'"
exit $failed
