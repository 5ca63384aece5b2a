/* Paths: open, openat and creat, the files private to each replica, and
 * the working directory (chdir, fchdir, getcwd). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "list/execute.h"
#include "model/list.h"
#include "model/procs.h"
#include "os/creds.h"
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

/* The kernel's constant facts that libc reads lazily, from whichever
 * thread happens to need them first (malloc's arena limit reads the online
 * CPUs): read in each replica's own order, they would put the replicas'
 * syscall lists out of step. Each replica reads them itself, beneath these
 * (directories) or exactly these (files), for reading only. */
static const char *const fact_dirs[] = {
	"/sys/devices/system/cpu",
	"/proc/sys",
	"/sys/kernel/mm/transparent_hugepage",
};
static const char *const fact_files[] = { "/proc/stat", "/proc/cpuinfo" };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Where a private path's resolution starts, and the rest of it. */
struct own_path {
	char spelt[PATH_MAX + 32];	/* the path with a /dev link spelt out */
	char base[64];
	const char *rest;
	bool own_fd;		/* rest is fd/N, N one of the replica's own
				 * descriptors: its magic link stays inside */
};

/* rest is "fd/N" for a descriptor N private to p's process (a pipe of its
 * own, reopened through /proc/self/fd as shells do). */
static bool own_fd_link(const char *rest, const struct peer *p)
{
	char *end;
	long fd;
	struct fobj *o;

	if (strncmp(rest, "fd/", 3) || rest[3] < '0' || rest[3] > '9')
		return false;
	fd = strtol(rest + 3, &end, 10);
	o = *end ? NULL : proc_fobj(p->proc, fd);
	return o && o->private_;
}

/* Whether in may name something private to p's replica, and where it
 * would be resolved from: its own /proc/PID (or its thread's), or a fact.
 * Only the resolution decides (own_resolve). */
static bool own_path_of(const char *in, const struct peer *p, bool read_only, struct own_path *op)
{
	size_t i, n;

	in = generic_spell_proc(in, op->spelt, sizeof(op->spelt));
	n = generic_proc_prefix(in);

	if (n == 10)
		snprintf(op->base, sizeof(op->base), "/proc/%d", (int)p->proc->pid);
	else if (n == 17)
		snprintf(op->base, sizeof(op->base), "/proc/%d/task/%d", (int)p->proc->pid, (int)p->tid);
	for (i = 0; !n && read_only && i < ARRAY_LEN(fact_dirs); i++) {
		n = strlen(fact_dirs[i]);
		if (strncmp(in, fact_dirs[i], n) || in[n] != '/')
			n = 0;
		else
			snprintf(op->base, sizeof(op->base), "%s", fact_dirs[i]);
	}
	for (i = 0; !n && read_only && i < ARRAY_LEN(fact_files); i++)
		if (!strcmp(in, fact_files[i]))
			n = strlen(in), snprintf(op->base, sizeof(op->base), "%s", in);
	for (op->rest = in + n; *op->rest == '/'; op->rest++)
		;
	op->own_fd = generic_proc_prefix(in) == 10 && own_fd_link(op->rest, p);
	return n > 0;
}

/* Opens op as the kernel would for the replica, but only beneath its base
 * and through no magic link (cwd, root, exe, fd/N lead out of it) and no
 * "..": what it reaches is the replica's own. The descriptor, or -errno. */
static int own_resolve(const struct own_path *op, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = flags & (O_CREAT | O_TMPFILE) ? mode : 0,
		.resolve = op->own_fd ? 0 : RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int dfd = open(op->base, O_PATH | O_CLOEXEC), fd;

	if (dfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, dfd, op->rest[0] ? op->rest : ".", &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	close(dfd);
	return fd;
}

/* A path that resolution keeps inside the replica's own: opened by the
 * monitor as a probe (O_PATH, following the last component unless
 * nofollow). A path it cannot find there is the replica's to fail on; one
 * that leads out (EXDEV, ELOOP) is not its own. */
static bool own_object(const char *path, const struct peer *p, bool read_only, bool nofollow)
{
	struct own_path op;
	int fd;

	if (!own_path_of(path, p, read_only, &op))
		return false;
	fd = own_resolve(&op, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0);
	if (fd >= 0)
		close(fd);
	return fd >= 0 || (fd != -EXDEV && fd != -ELOOP);
}

bool open_own_proc(const struct peer *p, const char *path)
{
	char spelt[PATH_MAX + 32];

	return generic_proc_prefix(generic_spell_proc(path, spelt, sizeof(spelt))) &&
	       own_object(path, p, true, true);
}

/* An open for reading only, or one that creates or changes nothing. */
static bool reads_only(int flags)
{
	return (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC)) &&
	       (flags & O_TMPFILE) != O_TMPFILE;
}

bool open_is_private(const struct peer *p, const struct call *c)
{
	int fl = open_flags(c);

	return c->nr != SYS_creat && own_object(open_path(c), p, reads_only(fl), fl & O_NOFOLLOW);
}

bool open_names_path(const struct call *c)
{
	return (c->nr == SYS_open || c->nr == SYS_openat) && open_path(c);
}

static enum mode open_classify(struct peer *p, struct call *c)
{
	int fl = open_flags(c);

	/* the mode means something only for a file open creates: glibc
	 * passes whatever the register held (redis: O_RDONLY|O_CLOEXEC) */
	if (c->nr != SYS_creat && !(fl & O_CREAT) && (fl & O_TMPFILE) != O_TMPFILE)
		c->args[c->nr == SYS_openat ? 3 : 2] = 0;
	if (open_is_private(p, c))
		return M_EACH;
	return reads_only(fl) ? M_INPUT : M_OUTPUT;
}

/* Always openat, from the process's own working directory. */
static enum prep open_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	e->xnr = SYS_openat;
	e->xargs[0] = c->nr == SYS_openat ? e->xargs[0] : (uint64_t)list_proc(e, e->agreed)->cwd;
	e->xargs[1] = (uint64_t)generic_path(e, c->nr == SYS_openat ? 1 : 0);
	e->xargs[2] = (unsigned)open_flags(c) | O_CLOEXEC;
	e->xargs[3] = c->args[c->nr == SYS_openat ? 3 : (c->nr == SYS_open ? 2 : 1)];
	generic_resolve_open(e);
	return PREP_RUN;
}

/* An O_PATH descriptor cannot be passed with ADDFD (the kernel will not
 * take it from the monitor's table); the replicas get the same file opened
 * for reading instead (a directory, for the *at calls, as a rule), while
 * the monitor keeps the O_PATH one for what it does on their behalf. A
 * file that cannot be opened for reading (a symbolic link under
 * O_NOFOLLOW, as glibc's systemd name service opens /lib, or a file the
 * process may not read) is stood in for by /dev/null in the replica:
 * every call on the descriptor reaches the monitor, which uses its own. */
static void open_finish(struct entry *e)
{
	char path[64];
	int fl = open_flags(e->call[e->agreed]);
	bool as;

	calls_newfd_finish(e);
	if (!e->priv || !(fl & O_PATH))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", e->priv->mfd);
	as = execute_creds_enter(e);
	e->priv->instfd = open(path, O_RDONLY | O_CLOEXEC | (fl & O_DIRECTORY));
	if (as)
		creds_leave();
	if (e->priv->instfd >= 0)
		return;
	debugmsg("O_PATH open of %s: not readable (%s): the replicas get /dev/null in its place",
		 open_path(e->call[e->agreed]), strerror(errno));
	e->priv->instfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (e->priv->instfd < 0) {
		e->ret = -errno;
		warnmsg("O_PATH open of %s: /dev/null cannot stand in for it: %s",
			open_path(e->call[e->agreed]), strerror(errno));
		fobj_put(e->priv);
		e->priv = NULL;
	}
}

static struct answer open_deliver(struct entry *e, struct peer *p)
{
	return calls_newfd_deliver(e, p, open_flags(e->call[p->rep->idx]) & O_CLOEXEC);
}

/* A private file: the monitor opens the replica's own, resolved as it was
 * judged (own_object), and hands it over. */
static struct answer open_each(struct entry *e, struct peer *p, struct call *c)
{
	int fd, fl = open_flags(c), newfd;
	struct own_path op;

	own_path_of(open_path(c), p, reads_only(fl), &op);
	fd = own_resolve(&op, fl, (mode_t)c->args[c->nr == SYS_openat ? 3 : 2]);
	if (fd < 0)
		return ans_val(fd);
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
		/* from the working directory the walk starts at (os/resolve.c),
		 * not through the monitor's /proc/self/fd */
		e->xargs[1] = (uint64_t)generic_path(e, 0);
		e->xargs[0] = (uint64_t)list_proc(e, e->agreed)->cwd;
	} else {
		e->xargs[1] = (uint64_t)"."; /* the directory fd names itself */
	}
	e->xargs[2] = O_PATH | O_DIRECTORY | O_CLOEXEC;
	e->xargs[3] = 0;
	generic_resolve_open(e);
	return PREP_RUN;
}

static void chdir_finish(struct entry *e)
{
	bool as = e->ret >= 0 && execute_creds_enter(e);
	int err = 0;

	/* the directory must be searchable, as chdir requires: by the file
	 * system ids the thread took (AT_EACCESS), not by the real ones,
	 * which are the monitor's root and pass any directory */
	if (e->ret >= 0 && faccessat((int)e->ret, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		err = -errno;
	if (as)
		creds_leave();
	if (err) {
		close((int)e->ret);
		e->ret = err;
	}
	if (e->ret >= 0) {
		e->priv = fobj_new((int)e->ret, false);
		fobj_get(e->priv);
		e->ret = 0;
	}
}

/* Whether p's kernel, given chdir's path, would reach the directory the
 * call opened. A replica that comes late may find it removed, or
 * another in its place: its peers went on and rmdir'd it (mkdtemp, chdir,
 * ..., rmdir). */
static bool same_dir_by_path(const struct entry *e, const struct peer *p)
{
	const struct call *c = e->call[p->rep->idx];
	struct stat want, got;
	int fd;

	if (c->nr != SYS_chdir || !c->buf[0])
		return true;	/* fchdir: its own descriptor still names it */
	fd = openat(p->proc->cwd, c->buf[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &got) < 0 || fstat(e->priv->mfd, &want) < 0) {
		close(fd);
		return false;
	}
	close(fd);
	return got.st_dev == want.st_dev && got.st_ino == want.st_ino;
}

static struct answer chdir_deliver(struct entry *e, struct peer *p)
{
	struct proc *pr = p->proc;
	bool same;
	int fd;

	if (e->ret < 0)
		return ans_val(e->ret);
	same = same_dir_by_path(e, p);
	fd = fcntl(e->priv->mfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return ans_val(-errno);
	close(pr->cwd);
	pr->cwd = fd;
	/* gone by that path: the call succeeded, for this replica too; its
	 * kernel keeps the old directory, which only calls it resolves itself
	 * (execve) see, and those would fail in a removed one too */
	return same ? ans_cont() : ans_val(0);
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
