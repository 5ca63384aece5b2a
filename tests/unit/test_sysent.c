/* Unit test of the syscall table (src/table/sysent.c): consistent with
 * itself, with its handler column, with the kernel's numbers and with
 * libseccomp, and the filter built from it (src/table/filter.c) does what
 * each row says. Prints TAP. `make build/unit/test_sysent` builds it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/syscall.h>

#include "../lib/protocol.h"
#include "calls/calls.h"
#include "table/filter.h"
#include "table/sysent.h"
#include "tap.h"

#define UNISTD_64 "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
#define NTESTS 17

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
		char why[256];

		snprintf(why, sizeof(why), "cannot open it: %s", strerror(errno));
		skip(why, "all __NR_ of %s have entries", UNISTD_64);
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
			if (e->cls != SC_REFUSED || e->nargs || e->flags || e->h) {
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
			if (a->kind > A_OWN) {
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
	   e->cls == SC_INPUT && e->flags == (SF_FD0 | SF_NO_CREDS) &&
	   arg_is(&e->args[0], A_FD, 0, -1) &&
	   arg_is(&e->args[1], A_OUT, AF_LEN_RET, 2) &&
	   arg_is(&e->args[2], A_INT, 0, -1) && e->args[3].kind == A_NONE,
	   "read is SC_INPUT, SF_FD0 | SF_NO_CREDS, {FD, OUT len 2 ret, INT}");

	e = sysent_get(__NR_write);
	ok(e && !strcmp(e->name, "write") && e->nargs == 3 &&
	   e->cls == SC_OUTPUT && e->flags == (SF_FD0 | SF_NO_CREDS) &&
	   arg_is(&e->args[0], A_FD, 0, -1) &&
	   arg_is(&e->args[1], A_IN, 0, 2) &&
	   arg_is(&e->args[2], A_INT, 0, -1),
	   "write is SC_OUTPUT, SF_FD0 | SF_NO_CREDS, {FD, IN len 2, INT}");

	e = sysent_get(__NR_rseq);
	ok(e && !strcmp(e->name, "rseq") && e->cls == SC_ERRNO &&
	   e->errno_val == ENOSYS, "rseq is SC_ERRNO ENOSYS");

	e = sysent_get(__NR_clone3);
	ok(e && e->cls == SC_ERRNO && e->errno_val == ENOSYS && !e->h,
	   "clone3 is SC_ERRNO ENOSYS (its flags in memory would be read again)");

	e = sysent_get(__NR_io_uring_setup);
	ok(e && !strcmp(e->name, "io_uring_setup") && e->cls == SC_ERRNO &&
	   e->errno_val == ENOSYS && e->nargs == 2,
	   "io_uring_setup is SC_ERRNO ENOSYS (a kernel without io_uring)");

	e = sysent_get(__NR_io_setup);
	ok(e && !strcmp(e->name, "io_setup") && e->cls == SC_ERRNO &&
	   e->errno_val == ENOSYS && e->nargs == 2,
	   "io_setup is SC_ERRNO ENOSYS (a kernel without native AIO)");

	e = sysent_get(__NR_mmap);
	ok(e && e->cls == SC_LOCAL && (e->flags & SF_SHARED_MAP) && e->h == &h_mmap &&
	   e->nargs == 6 && e->args[4].kind == A_FD, "mmap is SC_LOCAL but for shared maps, h_mmap");

	e = sysent_get(__NR_getsockname);
	ok(e && e->cls == SC_INPUT &&
	   arg_is(&e->args[1], A_OUT, AF_LEN_PTR | AF_NULLOK, 2) &&
	   arg_is(&e->args[2], A_INOUT, AF_NULLOK, -1) &&
	   e->args[2].size == sizeof(unsigned int),
	   "getsockname addr is sized through arg 2");

	s = sysent_name(9999);
	ok(!strcmp(s, "syscall_9999"), "sysent_name(9999) is %s", s);

	ok(sysent_get(-1) == NULL && sysent_get(SYSENT_ROWS) == NULL &&
	   sysent_get(REPLICANT_SYS_BLOCKED + 1) == NULL && sysent_get(0) == &sysent_table[0] &&
	   sysent_get(REPLICANT_SYS_HELLO)->h == &h_hello && sysent_get(RSYS_RDTSC)->h == &h_rdtsc &&
	   sysent_get(REPLICANT_SYS_BLOCKED)->h == &h_blocked,
	   "sysent_get bounds, events and libreplicant's calls");

	ok(!strcmp(sysent_name(__NR_openat), "openat") &&
	   !strcmp(sysent_name(400), "syscall_400") &&
	   !strcmp(sysent_name(-5), "syscall_-5") && !strcmp(sysent_name(520), "syscall_520"),
	   "sysent_name of entries, holes and x32 numbers");
}

/* (4) the handler column agrees with the classes and flags */
static int check_row_handler(const struct sysent *e)
{
	const struct handler *h = e->h;
	int bad = 0;

	if (((e->flags & SF_TRACED) != 0) != (h && h->traced)) {
		diag("%s: SF_TRACED without a traced handler, or the reverse", e->name);
		bad++;
	}
	if ((e->flags & SF_TRACED) && e->cls != SC_CONTROL) {
		diag("%s: traced but not SC_CONTROL", e->name);
		bad++;
	}
	if ((e->flags & SF_SHARED_MAP) && (e->cls != SC_LOCAL || !h || !h->each)) {
		diag("%s: SF_SHARED_MAP needs SC_LOCAL and a handler's each", e->name);
		bad++;
	}
	if (h && (e->cls == SC_REFUSED || e->cls == SC_ERRNO ||
		  (e->cls == SC_LOCAL && !(e->flags & SF_SOME_LOCAL)))) {
		diag("%s: a handler on a call that never reaches the monitor", e->name);
		bad++;
	}
	if (h && h->traced && (h->classify || h->each || h->prepare)) {
		diag("%s: a traced call is never notified: no classify, each or prepare", e->name);
		bad++;
	}
	if (h && h->refuse_why && !h->classify) {
		diag("%s: refuse_why without a classify (only classify refuses)", e->name);
		bad++;
	}
	return bad;
}

static void check_handlers(void)
{
	int bad = 0, rows = 0;
	long nr;

	for (nr = 0; nr < SYSENT_ROWS; nr++) {
		if (!sysent_table[nr].name)
			continue;
		rows += sysent_table[nr].h != NULL;
		bad += check_row_handler(&sysent_table[nr]);
	}
	ok(bad == 0 && rows > 60, "the handler column agrees with classes and flags (%d rows)", rows);
	ok(sysent_is_event(RSYS_RDTSC) && sysent_is_event(RSYS_SIGNALED) &&
	   !sysent_is_event(__NR_read) && !sysent_is_event(REPLICANT_SYS_HELLO) &&
	   sysent_get(RSYS_SIGNALED)->cls == SC_OUTPUT,
	   "events are rows no replica's syscall can name");
}

/* The action libseccomp's filter gives number nr, from its pseudo code
 * (seccomp_export_pfc): "" when it has no rule (the default, NOTIFY); a
 * leading '?' when the rule has conditions. */
static void pfc_actions(scmp_filter_ctx ctx, char (*act)[32])
{
	FILE *f = tmpfile();
	char line[256];
	long nr = -1;
	int depth = 0;

	if (!f || seccomp_export_pfc(ctx, fileno(f)) < 0) {
		diag("seccomp_export_pfc failed");
		return;
	}
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");
		long n;

		if (sscanf(p, "if ($syscall == %ld)", &n) == 1) {
			nr = n, depth = 0;
		} else if (nr >= 0 && nr < SYSENT_MAX && !strncmp(p, "if (", 4)) {
			depth++;
		} else if (nr >= 0 && nr < SYSENT_MAX && !strncmp(p, "action ", 7) && !act[nr][0]) {
			snprintf(act[nr], sizeof(act[nr]), "%s%.*s", depth ? "?" : "",
				 (int)strcspn(p + 7, ";\n"), p + 7);
		} else if (!strncmp(p, "# default action", 16)) {
			nr = -1;
		}
	}
	fclose(f);
}

/* (5) the filter generated from the table does what each row says */
static void check_filter(void)
{
	static char act[SYSENT_MAX][32];
	scmp_filter_ctx ctx = filter_build();
	int bad = 0, nr;

	pfc_actions(ctx, act);
	for (nr = 0; nr < SYSENT_MAX; nr++) {
		const struct sysent *e = &sysent_table[nr];
		char want[32] = "";

		if (e->name && e->cls == SC_LOCAL)
			snprintf(want, sizeof(want), "%sALLOW", e->flags & SF_SOME_LOCAL ? "?" : "");
		else if (e->name && e->cls == SC_ERRNO)
			snprintf(want, sizeof(want), "ERRNO(%d)", e->errno_val);
		else if (e->flags & SF_TRACED)
			snprintf(want, sizeof(want), "TRACE(1)");
		if (strcmp(want, act[nr])) {
			diag("%d %s: filter '%s', table wants '%s'", nr, e->name ? e->name : "-",
			     act[nr], want[0] ? want : "(notify)");
			bad++;
		}
	}
	seccomp_release(ctx);
	ok(bad == 0, "the filter allows, fails, traces or notifies each number as its row says");
}

int main(void)
{
	plan(NTESTS);
	check_names_libseccomp();
	check_header_numbers();
	check_args();
	spot_checks();
	check_handlers();
	check_filter();
	return tap_exit();
}
