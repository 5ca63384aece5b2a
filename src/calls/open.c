/* Paths: open, openat and creat, the files private to each replica, and
 * the working directory (chdir, fchdir, getcwd). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "os/util.h"

static int open_flags(const struct call *c)
{
	switch (c->nr) {
	case SYS_open:
		return (int)c->args[1];
	case SYS_openat:
		return (int)c->args[2];
	default:
		return O_CREAT | O_WRONLY | O_TRUNC;
	}
}

static const char *open_path(const struct call *c)
{
	return c->buf[c->nr == SYS_openat ? 1 : 0];
}

/* /proc/self and /proc/thread-self, as a whole path component. */
static size_t own_proc_prefix(const char *path)
{
	if (!strncmp(path, "/proc/self", 10) && (path[10] == '/' || !path[10]))
		return 10;
	if (!strncmp(path, "/proc/thread-self", 17) && (path[17] == '/' || !path[17]))
		return 17;
	return 0;
}

bool open_own_proc(const char *path)
{
	return own_proc_prefix(path) > 0;
}

/* Files private to each replica, opened by the monitor for it alone:
 * /proc/self and /proc/thread-self (its own process), and the kernel's
 * constant facts that libc reads lazily, from whichever thread happens to
 * need them first (malloc's arena limit reads the online CPUs): read in
 * each replica's own order, they would put the replicas' syscall lists out
 * of step. Fills path with what to open. */
static const char *const system_facts[] = {
	"/sys/devices/system/cpu/",
	"/proc/sys/",
	"/sys/kernel/mm/transparent_hugepage/",
	"/proc/stat",
	"/proc/cpuinfo",
};

static bool private_path(const char *in, const struct peer *p, char *path, size_t size)
{
	size_t i, n = own_proc_prefix(in);

	if (n == 10) {
		snprintf(path, size, "/proc/%d%s", (int)p->proc->pid, in + n);
		return true;
	}
	if (n == 17) {
		snprintf(path, size, "/proc/%d/task/%d%s", (int)p->proc->pid, (int)p->tid, in + n);
		return true;
	}
	for (i = 0; i < sizeof(system_facts) / sizeof(system_facts[0]); i++) {
		if (!strncmp(in, system_facts[i], strlen(system_facts[i]))) {
			snprintf(path, size, "%s", in);
			return true;
		}
	}
	return false;
}

bool open_names_path(const struct call *c)
{
	return (c->nr == SYS_open || c->nr == SYS_openat) && open_path(c);
}

bool open_is_private(const struct peer *p, const struct call *c)
{
	char path[PATH_MAX];

	return private_path(open_path(c), p, path, sizeof(path));
}

static enum mode open_classify(struct peer *p, struct call *c)
{
	int fl = open_flags(c);
	char path[PATH_MAX];

	if (c->nr != SYS_creat && private_path(open_path(c), p, path, sizeof(path)))
		return M_EACH;
	if ((fl & (O_CREAT | O_TRUNC)) || (fl & O_TMPFILE) == O_TMPFILE || (fl & O_ACCMODE) != O_RDONLY)
		return M_OUTPUT;
	return M_INPUT;
}

/* Always openat, from the process's own working directory. */
static enum prep open_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	e->xnr = SYS_openat;
	e->xargs[0] = c->nr == SYS_openat ? e->xargs[0] : (uint64_t)list_proc(e, e->agreed)->cwd;
	e->xargs[1] = (uint64_t)open_path(c);
	e->xargs[2] = (unsigned)open_flags(c) | O_CLOEXEC;
	e->xargs[3] = c->args[c->nr == SYS_openat ? 3 : (c->nr == SYS_open ? 2 : 1)];
	return PREP_RUN;
}

/* An O_PATH descriptor cannot be passed with ADDFD (the kernel will not
 * take it from the monitor's table); the replicas get the same file opened
 * for reading instead (a directory, for the *at calls, as a rule), while
 * the monitor keeps the O_PATH one for what it does on their behalf. */
static void open_finish(struct entry *e)
{
	char path[64];
	int fl = open_flags(e->call[e->agreed]);

	calls_newfd_finish(e);
	if (!e->priv || !(fl & O_PATH))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", e->priv->mfd);
	e->priv->instfd = open(path, O_RDONLY | O_CLOEXEC | (fl & O_DIRECTORY));
	if (e->priv->instfd < 0) {
		e->ret = -errno;
		warnmsg("O_PATH open of %s: the monitor cannot pass it on unless it is readable",
			open_path(e->call[e->agreed]));
		fobj_put(e->priv);
		e->priv = NULL;
	}
}

static struct answer open_deliver(struct entry *e, struct peer *p)
{
	return calls_newfd_deliver(e, p, open_flags(e->call[p->rep->idx]) & O_CLOEXEC);
}

/* A private file: the monitor opens the replica's own and hands it over. */
static struct answer open_each(struct entry *e, struct peer *p, struct call *c)
{
	char path[PATH_MAX];
	int fd, fl = open_flags(c), newfd;

	private_path(open_path(c), p, path, sizeof(path));
	fd = openat(AT_FDCWD, path, fl | O_CLOEXEC, (mode_t)c->args[c->nr == SYS_openat ? 3 : 2]);
	if (fd < 0)
		return ans_val(-errno);
	newfd = calls_addfd_send(p, fd, proc_fd_number(e, p, 0, 0), fl & O_CLOEXEC);
	close(fd);
	if (newfd < 0)
		return ans_val(newfd);
	fdtab_set(&p->proc->fds, newfd, fobj_new(-1, true), fl & O_CLOEXEC);
	return ans_sent();
}

const struct handler h_open = {
	.classify = open_classify,
	.each = open_each,
	.prepare = open_prepare,
	.finish = open_finish,
	.deliver = open_deliver,
};

/* chdir, fchdir: the monitor opens the new directory (O_PATH) as the
 * process's working directory, in every replica's copy of it, and each
 * replica changes its own as well, for what it resolves itself (execve). */
static enum prep chdir_prepare(struct entry *e)
{
	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	e->xnr = SYS_openat;
	if (e->call[e->agreed]->nr == SYS_chdir) {
		e->xargs[1] = e->xargs[0];
		e->xargs[0] = (uint64_t)list_proc(e, e->agreed)->cwd;
	} else {
		e->xargs[1] = (uint64_t)"."; /* the directory fd names itself */
	}
	e->xargs[2] = O_PATH | O_DIRECTORY | O_CLOEXEC;
	e->xargs[3] = 0;
	return PREP_RUN;
}

static void chdir_finish(struct entry *e)
{
	/* the directory must be searchable, as chdir requires */
	if (e->ret >= 0 && faccessat((int)e->ret, "", X_OK, AT_EMPTY_PATH) < 0) {
		close((int)e->ret);
		e->ret = -errno;
	}
	if (e->ret >= 0) {
		e->priv = fobj_new((int)e->ret, false);
		fobj_get(e->priv);
		e->ret = 0;
	}
}

static struct answer chdir_deliver(struct entry *e, struct peer *p)
{
	struct proc *pr = p->proc;
	int fd;

	if (e->ret < 0)
		return ans_val(e->ret);
	fd = fcntl(e->priv->mfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return ans_val(-errno);
	close(pr->cwd);
	pr->cwd = fd;
	return ans_cont();
}

const struct handler h_chdir = {
	.prepare = chdir_prepare,
	.finish = chdir_finish,
	.deliver = chdir_deliver,
};

/* getcwd: the process's working directory as the monitor holds it. */
static enum prep getcwd_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", list_proc(e, e->agreed)->cwd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0) {
		e->ret = -errno;
		return PREP_FAIL;
	}
	path[n] = 0;
	if ((size_t)n + 1 > c->cap[0]) {
		e->ret = -ERANGE;
		return PREP_DONE;
	}
	e->out[0] = xcalloc(1, c->cap[0]);
	memcpy(e->out[0], path, n + 1);
	e->ret = n + 1;
	return PREP_DONE;
}

const struct handler h_getcwd = {
	.prepare = getcwd_prepare,
};
