/* Unit test of the syscall table (src/sysent.c); prints TAP.
 *
 * gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Isrc tests/unit/test_sysent.c \
 *	src/sysent.c -lseccomp -o /tmp/test_sysent && /tmp/test_sysent
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/syscall.h>

#include "sysent.h"

#define UNISTD_64 "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
#define NTESTS 12

static int test_no;
static int failures;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		failures++;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* (1) names agree with libseccomp wherever libseccomp knows the number */
static void check_names_libseccomp(void)
{
	int bad = 0, known = 0;
	long nr;

	for (nr = 0; nr < SYSENT_MAX; nr++) {
		const struct sysent *e = sysent_get(nr);
		char *lname = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64,
							       (int)nr);

		if (!e->name) {
			if (lname) {
				diag("%ld: libseccomp knows %s, table has no entry",
				     nr, lname);
				bad++;
			}
			free(lname);
			continue;
		}
		if (lname) {
			int back;

			known++;
			if (strcmp(lname, e->name) != 0) {
				diag("%ld: table %s, libseccomp %s", nr, e->name, lname);
				bad++;
			}
			back = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64,
								 e->name);
			if (back != nr) {
				diag("%s: libseccomp resolves to %d, table %ld",
				     e->name, back, nr);
				bad++;
			}
			free(lname);
		}
	}
	ok(bad == 0 && known > 300,
	   "names agree with libseccomp (%d numbers known to it)", known);
}

/* (2) every __NR_ in the installed headers up to 450 has a named entry */
static void check_header_numbers(void)
{
	FILE *f = fopen(UNISTD_64, "r");
	char line[256], name[128];
	long nr;
	int bad = 0, seen = 0;

	if (!f) {
		printf("ok %d # SKIP cannot open %s: %s\n", ++test_no, UNISTD_64,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		const struct sysent *e;

		if (sscanf(line, "#define __NR_%127s %ld", name, &nr) != 2)
			continue;
		if (nr < 0 || nr > 450)
			continue;
		seen++;
		e = sysent_get(nr);
		if (!e || !e->name || strcmp(e->name, name) != 0) {
			diag("__NR_%s %ld: table has %s", name, nr,
			     e && e->name ? e->name : "nothing");
			bad++;
		}
	}
	fclose(f);
	ok(bad == 0 && seen > 300, "all %d __NR_ of %s have entries", seen,
	   UNISTD_64);
}

/* (3) argument descriptions of non-refused entries are consistent */
static void check_args(void)
{
	int bad = 0;
	long nr;

	for (nr = 0; nr < SYSENT_MAX; nr++) {
		const struct sysent *e = &sysent_table[nr];
		int i;

		if (!e->name) {
			if (e->cls != SC_REFUSED || e->nargs || e->flags) {
				diag("%ld: hole with contents", nr);
				bad++;
			}
			continue;
		}
		if (e->nargs > 6) {
			diag("%s: nargs %d", e->name, e->nargs);
			bad++;
			continue;
		}
		if (e->cls == SC_REFUSED)
			continue;
		for (i = 0; i < 6; i++) {
			const struct sc_arg *a = &e->args[i];

			if ((a->kind == A_NONE) != (i >= e->nargs)) {
				diag("%s: arg %d kind %d with nargs %d", e->name, i,
				     a->kind, e->nargs);
				bad++;
			}
			if (a->kind == A_NONE)
				continue;
			if (a->kind > A_IOV_OUT) {
				diag("%s: arg %d bad kind %d", e->name, i, a->kind);
				bad++;
			}
			if (a->len_arg >= e->nargs || a->len_arg == i ||
			    a->len_arg < -1) {
				diag("%s: arg %d len_arg %d", e->name, i, a->len_arg);
				bad++;
			}
			if ((a->kind == A_IOV_IN || a->kind == A_IOV_OUT) &&
			    a->len_arg < 0) {
				diag("%s: arg %d iovec without count", e->name, i);
				bad++;
			}
			if ((a->kind == A_IN || a->kind == A_OUT ||
			     a->kind == A_INOUT) && a->len_arg < 0 && !a->size) {
				diag("%s: arg %d buffer without size", e->name, i);
				bad++;
			}
		}
		if ((e->flags & SF_FD0) && e->args[0].kind != A_FD) {
			diag("%s: SF_FD0 but arg 0 is not A_FD", e->name);
			bad++;
		}
	}
	ok(bad == 0, "argument descriptions are consistent");
}

static int arg_is(const struct sc_arg *a, int kind, int flags, int len_arg)
{
	return a->kind == kind && a->flags == flags && a->len_arg == len_arg;
}

static void spot_checks(void)
{
	const struct sysent *e;
	const char *s;

	e = sysent_get(__NR_read);
	ok(e && !strcmp(e->name, "read") && e->nargs == 3 &&
	   e->cls == SC_INPUT && e->flags == SF_FD0 &&
	   arg_is(&e->args[0], A_FD, 0, -1) &&
	   arg_is(&e->args[1], A_OUT, AF_LEN_RET, 2) &&
	   arg_is(&e->args[2], A_INT, 0, -1) && e->args[3].kind == A_NONE,
	   "read is SC_INPUT, SF_FD0, {FD, OUT len 2 ret, INT}");

	e = sysent_get(__NR_write);
	ok(e && !strcmp(e->name, "write") && e->nargs == 3 &&
	   e->cls == SC_OUTPUT && e->flags == SF_FD0 &&
	   arg_is(&e->args[0], A_FD, 0, -1) &&
	   arg_is(&e->args[1], A_IN, 0, 2) &&
	   arg_is(&e->args[2], A_INT, 0, -1),
	   "write is SC_OUTPUT, SF_FD0, {FD, IN len 2, INT}");

	e = sysent_get(__NR_rseq);
	ok(e && !strcmp(e->name, "rseq") && e->cls == SC_ERRNO &&
	   e->errno_val == ENOSYS, "rseq is SC_ERRNO ENOSYS");

	e = sysent_get(__NR_io_uring_setup);
	ok(e && !strcmp(e->name, "io_uring_setup") && e->cls == SC_REFUSED &&
	   e->nargs == 2, "io_uring_setup is SC_REFUSED");

	e = sysent_get(__NR_mmap);
	ok(e && e->cls == SC_LOCAL && (e->flags & SF_HANDLER) && e->nargs == 6 &&
	   e->args[4].kind == A_FD, "mmap is SC_LOCAL with a handler");

	e = sysent_get(__NR_getsockname);
	ok(e && e->cls == SC_INPUT &&
	   arg_is(&e->args[1], A_OUT, AF_LEN_PTR | AF_NULLOK, 2) &&
	   arg_is(&e->args[2], A_INOUT, AF_NULLOK, -1) &&
	   e->args[2].size == sizeof(unsigned int),
	   "getsockname addr is sized through arg 2");

	s = sysent_name(9999);
	ok(!strcmp(s, "syscall_9999"), "sysent_name(9999) is %s", s);

	ok(sysent_get(-1) == NULL && sysent_get(SYSENT_MAX) == NULL &&
	   sysent_get(0) == &sysent_table[0],
	   "sysent_get bounds");

	ok(!strcmp(sysent_name(__NR_openat), "openat") &&
	   !strcmp(sysent_name(400), "syscall_400") &&
	   !strcmp(sysent_name(-5), "syscall_-5") && !strcmp(sysent_name(520), "syscall_520"),
	   "sysent_name of entries, holes and x32 numbers");
}

int main(void)
{
	printf("1..%d\n", NTESTS);
	check_names_libseccomp();
	check_header_numbers();
	check_args();
	spot_checks();
	if (test_no != NTESTS) {
		int ran = test_no;

		printf("not ok %d - planned %d tests, ran %d\n", ++test_no,
		       NTESTS, ran);
		failures++;
	}
	return failures ? 1 : 0;
}
