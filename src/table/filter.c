#include "table/filter.h"

#include <errno.h>
#include <string.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/util.h"
#include "table/sysent.h"

static void add(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n,
		const struct scmp_arg_cmp *cmp)
{
	int err = seccomp_rule_add_array(ctx, action, nr, n, cmp);

	if (err)
		die("seccomp rule for %s: %s", sysent_name(nr), strerror(-err));
}

/* mmap is local unless it maps a file shared: such a mapping could write to
 * an external file behind the monitor's back, so the monitor checks it. */
static void add_mmap(scmp_filter_ctx ctx, int nr)
{
	struct scmp_arg_cmp priv = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_SHARED, 0);
	struct scmp_arg_cmp anon = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS);
	struct scmp_arg_cmp nofd = SCMP_A4(SCMP_CMP_MASKED_EQ, 0xffffffffu, 0xffffffffu);

	add(ctx, SCMP_ACT_ALLOW, nr, 1, &priv);
	add(ctx, SCMP_ACT_ALLOW, nr, 1, &anon);
	add(ctx, SCMP_ACT_ALLOW, nr, 1, &nofd);
}

/* sigwait is local: it waits in the replica's own kernel for a signal of
 * its own process. A timeout would make its outcome timing, so the
 * monitor sees (and refuses) those. */
static void add_untimed(scmp_filter_ctx ctx, int nr)
{
	struct scmp_arg_cmp none = SCMP_A2(SCMP_CMP_EQ, 0);

	add(ctx, SCMP_ACT_ALLOW, nr, 1, &none);
}

scmp_filter_ctx filter_build(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_NOTIFY);
	int nr;

	if (!ctx)
		die("seccomp_init failed");
	for (nr = 0; nr < SYSENT_MAX; nr++) {
		const struct sysent *se = &sysent_table[nr];

		if (!se->name)
			continue;
		switch ((enum sc_class)se->cls) {
		case SC_LOCAL:
			if (se->flags & SF_SHARED_MAP)
				add_mmap(ctx, nr);
			else if (se->flags & SF_UNTIMED)
				add_untimed(ctx, nr);
			else
				add(ctx, SCMP_ACT_ALLOW, nr, 0, NULL);
			break;
		case SC_ERRNO:
			add(ctx, SCMP_ACT_ERRNO(se->errno_val), nr, 0, NULL);
			break;
		case SC_CONTROL:
			if (se->flags & SF_TRACED)
				add(ctx, SCMP_ACT_TRACE(1), nr, 0, NULL);
			break;
		case SC_REFUSED:
		case SC_INPUT:
		case SC_OUTPUT:
			break;
		default:
			die("syscall %s has an unknown class %d", se->name, se->cls);
		}
	}
	return ctx;
}

void filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	int fd = memfd_create("replicant-filter", MFD_CLOEXEC), err;
	struct stat st;
	void *code;

	if (fd < 0)
		die_errno("memfd_create");
	err = seccomp_export_bpf(ctx, fd);
	if (err)
		die("seccomp_export_bpf: %s", strerror(-err));
	if (fstat(fd, &st) < 0)
		die_errno("fstat of the filter");
	code = xmalloc(st.st_size);
	if (pread(fd, code, st.st_size, 0) != st.st_size)
		die_errno("reading the filter back");
	close(fd);
	prog->len = st.st_size / sizeof(struct sock_filter);
	prog->filter = code;
}

bool filter_notifies(long nr)
{
	const struct sysent *se = nr >= 0 && nr < SYSENT_MAX ? &sysent_table[nr] : NULL;

	if (!se || !se->name)
		return true; /* the filter's default */
	switch ((enum sc_class)se->cls) {
	case SC_LOCAL:
		return se->flags & SF_SOME_LOCAL; /* some mmaps, timed sigwaits */
	case SC_ERRNO:
		return false;
	case SC_CONTROL:
		return !(se->flags & SF_TRACED);
	case SC_REFUSED:
	case SC_INPUT:
	case SC_OUTPUT:
	default:
		return true;
	}
}
