/* The generic execution path, driven by the syscall table: translate a
 * replica's call into one the monitor can run on its own descriptors and
 * buffers, run it once, and copy its results into each replica. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "os/creds.h"
#include "os/mem.h"
#include "os/util.h"

/* Translates one fd argument; private and unknown descriptors cannot be
 * used by the monitor. The working directory is the process's own. */
static int xlate_fd(struct entry *e, int i, uint64_t *out)
{
	const struct call *c = e->call[e->agreed];
	struct fobj *o;

	if (c->se->args[i].kind == A_DIRFD && (int)c->args[i] == AT_FDCWD) {
		*out = list_proc(e, e->agreed)->cwd;
		return 0;
	}
	o = list_fobj(e, e->agreed, i);
	if (!o)
		return -EBADF;
	if (o->private_)
		return -EXDEV; /* mixing private and external descriptors */
	*out = o->mfd;
	return 0;
}

/* Links into /proc/self/fd that programs name instead (bash's process
 * substitution passes /dev/fd/63). */
static const struct {
	const char *dev, *proc;
} dev_links[] = {
	{ "/dev/fd", "/proc/self/fd" }, { "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
};

const char *generic_spell_proc(const char *path, char *buf, size_t size)
{
	size_t i, n;

	for (i = 0; path && i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		n = strlen(dev_links[i].dev);
		if (!strncmp(path, dev_links[i].dev, n) && (path[n] == '/' || !path[n])) {
			snprintf(buf, size, "%s%s", dev_links[i].proc, path + n);
			return buf;
		}
	}
	return path;
}

/* /proc/self and /proc/thread-self, as a whole path component: the
 * length of the prefix, or 0. */
size_t generic_proc_prefix(const char *path)
{
	if (!strncmp(path, "/proc/self", 10) && (path[10] == '/' || !path[10]))
		return 10;
	if (!strncmp(path, "/proc/thread-self", 17) && (path[17] == '/' || !path[17]))
		return 17;
	return 0;
}

const char *generic_path(struct entry *e, int i)
{
	const struct peer *p = e->grp->member[e->agreed];
	char spelt[PATH_MAX + 32];
	const char *path = generic_spell_proc(e->call[e->agreed]->buf[i], spelt, sizeof(spelt));
	size_t n = path ? generic_proc_prefix(path) : 0, len;
	char *out;

	if (!n) /* (a /dev link is always spelt with a prefix: path is the replica's) */
		return e->call[e->agreed]->buf[i];
	len = strlen(path) + 48;
	out = xmalloc(len);
	if (n == 10)
		snprintf(out, len, "/proc/%d%s", (int)p->proc->pid, path + n);
	else
		snprintf(out, len, "/proc/%d/task/%d%s", (int)p->proc->pid, (int)p->tid, path + n);
	free(e->out[i]);
	e->out[i] = out;
	return out;
}

/* A relative path of a call with no directory argument is resolved from
 * the process's working directory: through /proc/self/fd, since the
 * monitor's threads serve many processes. The new string lives in
 * e->out[i], which paths do not otherwise use. */
static const char *cwd_path(struct entry *e, struct proc *pr, const struct call *c, int i)
{
	const char *path = c->buf[i];
	size_t n;

	if (path && path[0] == '/')
		return generic_path(e, i);
	if (!path || !path[0] || (i > 0 && c->se->args[i - 1].kind == A_DIRFD))
		return path;
	n = strlen(path) + 32;
	e->out[i] = xmalloc(n);
	snprintf(e->out[i], n, "/proc/self/fd/%d/%s", pr->cwd, path);
	return e->out[i];
}

/* A buffer longer than the monitor captures (CALL_MAX_IN, 16 MiB) was
 * cut down to that: so must the length the kernel is given, or a large
 * read would run past the monitor's buffer (and a write past the captured
 * bytes). The call becomes a short one, which the program handles. */
static void clamp_lengths(struct entry *e, const struct call *c)
{
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		const struct sc_arg *a = &c->se->args[i];
		uint64_t units, have;

		/* a NULL the replica passed stays NULL only where it may
		 * (AF_NULLOK); elsewhere the monitor's buffer stands in,
		 * and the length must not exceed it (a NULL buffer with a
		 * length of 2^46 overran the monitor's heap) */
		if (a->len_arg < 0 || (a->flags & AF_LEN_PTR) || (!c->args[i] && (a->flags & AF_NULLOK)))
			continue;
		if (a->kind == A_IN)
			have = c->len[i];
		else if (a->kind == A_OUT || a->kind == A_INOUT)
			have = c->cap[i];
		else
			continue;
		units = a->size ? have / a->size : have;
		if (e->xargs[a->len_arg] > units)
			e->xargs[a->len_arg] = units;
	}
}

/* Argument i of the agreed call c, as the monitor runs it; 0 or -errno. */
static int prepare_arg(struct entry *e, struct proc *pr, const struct call *c, int i)
{
	const struct sc_arg *a = &c->se->args[i];
	struct iovec *iov;

	if (i >= c->se->nargs)
		return 0;
	if ((a->flags & AF_NULLOK) && c->args[i] == 0 && a->kind != A_INT &&
	    a->kind != A_FD && a->kind != A_DIRFD)
		return 0;
	switch ((enum sc_arg_kind)a->kind) {
	case A_INT:
	case A_NONE:
	case A_OWN:	/* the agreed replica's own value */
		return 0;
	case A_FD:
	case A_DIRFD:
		return xlate_fd(e, i, &e->xargs[i]);
	case A_PATH:
		e->xargs[i] = (uint64_t)cwd_path(e, pr, c, i);
		e->xpaths |= 1u << i;
		return 0;
	case A_STR:
	case A_IN:
		e->xargs[i] = (uint64_t)c->buf[i];
		return 0;
	case A_INOUT:
		e->out[i] = xmemdup(c->buf[i], c->len[i]);
		e->xargs[i] = (uint64_t)e->out[i];
		return 0;
	case A_OUT:
		e->out[i] = xcalloc(1, c->cap[i]);
		e->xargs[i] = (uint64_t)e->out[i];
		return 0;
	case A_IOV_IN:
		iov = xmalloc(sizeof(*iov));
		*iov = (struct iovec){ c->buf[i], c->len[i] };
		e->out[i] = iov;
		e->xargs[i] = (uint64_t)iov;
		e->xargs[a->len_arg] = 1;
		return 0;
	case A_IOV_OUT:
		/* one iovec followed by the data it points to */
		iov = xcalloc(1, sizeof(*iov) + c->cap[i]);
		*iov = (struct iovec){ iov + 1, c->cap[i] };
		e->out[i] = iov;
		e->xargs[i] = (uint64_t)iov;
		e->xargs[a->len_arg] = 1;
		return 0;
	case A_PTR:
		e->xargs[i] = 0;
		return 0;
	default:
		return -ENOSYS;
	}
}

/* A descriptor opened with O_DIRECT (or given it by F_SETFL) takes reads
 * and writes only from memory aligned to the device's logical block size
 * (the kernel answers EINVAL otherwise), and the replica's buffer, which
 * the program aligned, is not the one the monitor runs the call with. A
 * page is a multiple of every logical block size up to 4096. */
#define DIRECT_ALIGN 4096

/* Whether c reads or writes data through a buffer (not a fixed-size
 * struct): only those care about O_DIRECT, and an fcntl(F_SETFL) must not
 * read the flags before it ran. */
static bool moves_data(const struct call *c)
{
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		const struct sc_arg *a = &c->se->args[i];

		if (a->kind == A_IOV_IN || a->kind == A_IOV_OUT ||
		    ((a->kind == A_IN || a->kind == A_OUT) && a->len_arg >= 0))
			return true;
	}
	return false;
}

static bool fd_is_direct(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	struct fobj *o;
	int fl;

	if (!(c->se->flags & SF_FD0) || c->se->args[0].kind != A_FD || !moves_data(c))
		return false;
	o = list_fobj(e, e->agreed, 0);
	if (!o || o->private_ || o->mfd < 0 || (!S_ISREG(o->type) && !S_ISBLK(o->type)))
		return false;
	if (o->direct < 0) {
		fl = fcntl(o->mfd, F_GETFL);
		o->direct = fl >= 0 ? !!(fl & O_DIRECT) : -1;
	}
	return o->direct > 0;
}

/* Argument i's buffer replaced by an aligned one (a copy of the captured
 * data for an in-buffer); a gathered or scattered one keeps its iovec in
 * the aligned block in front of the data, where copy_out finds it. */
static void align_arg(struct entry *e, const struct call *c, int i, bool in, bool iov)
{
	size_t len = in ? c->len[i] : c->cap[i], head = iov ? DIRECT_ALIGN : 0;
	char *block = xcalloc_aligned(DIRECT_ALIGN, head + len), *p = block + head;

	if (iov)
		*(struct iovec *)block = (struct iovec){ p, len };
	if (in)
		memcpy(p, c->buf[i], len);
	free(e->out[i]);
	e->out[i] = block;
	e->xargs[i] = (uint64_t)block;
}

/* The call's data buffers, as prepare_arg made them, moved to aligned
 * memory. */
static void align_direct(struct entry *e, const struct call *c)
{
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		const struct sc_arg *a = &c->se->args[i];

		if (!c->args[i] && (a->flags & AF_NULLOK))
			continue;
		switch (a->kind) {
		case A_IN:
		case A_OUT:
			if (a->len_arg >= 0) /* else a fixed-size struct, not data */
				align_arg(e, c, i, a->kind == A_IN, false);
			break;
		case A_IOV_IN:
		case A_IOV_OUT:
			align_arg(e, c, i, a->kind == A_IOV_IN, true);
			break;
		default:
			break;
		}
	}
}

/* Whom the monitor resolves the call's paths for (os/resolve.c): the
 * agreed process, not the monitor's own /proc/self. */
static void resolve_for_agreed(struct entry *e)
{
	const struct peer *p = e->grp->member[e->agreed];

	e->xas = (struct resolve_as){ p->proc->pid, p->tid, p->proc->cwd };
}

enum prep generic_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct proc *pr = list_proc(e, e->agreed);
	int i, err;

	e->xnr = c->nr;
	/* all first: an iovec argument rewrites its count argument (to the one
	 * gathered buffer), which may come after it */
	memcpy(e->xargs, c->args, sizeof(e->xargs));
	for (i = 0; i < 6; i++) {
		err = prepare_arg(e, pr, c, i);
		if (err) {
			e->ret = err;
			return PREP_FAIL;
		}
	}
	if (fd_is_direct(e))
		align_direct(e, c);
	clamp_lengths(e, c);
	if (e->xpaths)
		resolve_for_agreed(e);
	return PREP_RUN;
}

/* Tries a read or write on a descriptor that may block without blocking
 * (RWF_NOWAIT, MSG_DONTWAIT): when data or room is there, as it mostly is,
 * the call runs at once instead of a round trip through a worker thread.
 * False when it would have blocked or cannot be tried this way. */
bool generic_try_nowait(struct entry *e)
{
	struct iovec one;
	long r;

	switch (e->xnr) {
	case SYS_read:
	case SYS_write:
		one = (struct iovec){ (void *)e->xargs[1], e->xargs[2] };
		r = e->xnr == SYS_read ? preadv2((int)e->xargs[0], &one, 1, -1, RWF_NOWAIT)
				       : pwritev2((int)e->xargs[0], &one, 1, -1, RWF_NOWAIT);
		break;
	case SYS_readv:
	case SYS_writev:
		r = e->xnr == SYS_readv ?
			preadv2((int)e->xargs[0], (void *)e->xargs[1], (int)e->xargs[2], -1, RWF_NOWAIT) :
			pwritev2((int)e->xargs[0], (void *)e->xargs[1], (int)e->xargs[2], -1, RWF_NOWAIT);
		break;
	case SYS_poll:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		/* first with no timeout: an event loop mostly finds something */
		if (e->xnr == SYS_poll)
			r = syscall(SYS_poll, e->xargs[0], e->xargs[1], 0);
		else
			r = syscall(e->xnr, e->xargs[0], e->xargs[1], e->xargs[2], 0,
				    e->xargs[4], e->xargs[5]);
		if (r == 0 && (long)e->xargs[e->xnr == SYS_poll ? 2 : 3] != 0)
			return false;
		break;
	case SYS_fcntl:
		if ((int)e->xargs[1] != F_OFD_SETLKW)
			return false;
		r = syscall(SYS_fcntl, e->xargs[0], F_OFD_SETLK, e->xargs[2]);
		break;
	case SYS_recvfrom:
	case SYS_sendto:
		r = syscall(e->xnr, e->xargs[0], e->xargs[1], e->xargs[2], e->xargs[3] | MSG_DONTWAIT,
			    e->xargs[4], e->xargs[5]);
		break;
	default:
		return false;
	}
	if (r < 0)
		return false; /* EAGAIN, or RWF_NOWAIT not supported: the worker runs it */
	e->ret = r;
	return true;
}

/* Whether the call follows a symbolic link its path argument i ends in. */
static bool path_follows(const struct call *c, int i)
{
	switch (c->nr) {
	case SYS_lstat: case SYS_lchown: case SYS_lgetxattr: case SYS_lsetxattr:
	case SYS_llistxattr: case SYS_lremovexattr: case SYS_readlink: case SYS_readlinkat:
	case SYS_rename: case SYS_renameat: case SYS_renameat2: case SYS_mkdir: case SYS_mkdirat:
	case SYS_rmdir: case SYS_unlink: case SYS_unlinkat: case SYS_symlink: case SYS_symlinkat:
	case SYS_link:
		return false;
	case SYS_linkat:
		return i == 1 && (c->args[4] & AT_SYMLINK_FOLLOW);
	case SYS_newfstatat: case SYS_utimensat: case SYS_faccessat2:
		return !(c->args[3] & AT_SYMLINK_NOFOLLOW);
	case SYS_statx:
		return !(c->args[2] & AT_SYMLINK_NOFOLLOW);
	case SYS_fchownat:
		return !(c->args[4] & AT_SYMLINK_NOFOLLOW);
	default:
		return true;
	}
}

/* The call's paths, resolved for the agreed process just before it runs,
 * with its credentials (os/resolve.c). 0 or -errno. */
static int resolve_paths(struct entry *e, struct resolved r[6])
{
	const struct call *c = e->call[e->agreed];
	int i, err;

	for (i = 0; i < c->se->nargs; i++) {
		bool at = i > 0 && c->se->args[i - 1].kind == A_DIRFD;
		const char *path = (const char *)e->xargs[i];

		if (!(e->xpaths & (1u << i)) || !path)
			continue;
		if (!at && c->buf[i] && ((const char *)c->buf[i])[0] != '/')
			path = c->buf[i]; /* cwd_path spelt it from the working directory */
		err = resolve_path(&e->xas, at ? (int)e->xargs[i - 1] : e->xas.cwd, path,
				   path_follows(c, i), &r[i]);
		if (err)
			return err;
		if (r[i].hold >= 0)
			e->xargs[i] = (uint64_t)r[i].path;
	}
	return 0;
}

void generic_run(struct entry *e)
{
	struct resolved r[6];
	long ret;
	int i;

	if (e->xresolve) {
		e->ret = resolve_open(&e->xas, (int)e->xargs[0], (const char *)e->xargs[1],
				      (int)e->xargs[2], (mode_t)e->xargs[3]);
		return;
	}
	for (i = 0; i < 6; i++)
		r[i].hold = -1;
	e->ret = e->xpaths ? resolve_paths(e, r) : 0;
	if (e->ret == 0) {
		ret = syscall(e->xnr, e->xargs[0], e->xargs[1], e->xargs[2], e->xargs[3],
			      e->xargs[4], e->xargs[5]);
		e->ret = ret < 0 ? -errno : ret;
	}
	for (i = 0; i < 6; i++)
		if (r[i].hold >= 0)
			close(r[i].hold);
}

void generic_resolve_open(struct entry *e)
{
	resolve_for_agreed(e);
	e->xresolve = true;
}

static size_t out_len(const struct entry *e, const struct call *c, int i)
{
	const struct sc_arg *a = &c->se->args[i];
	size_t n = c->cap[i];

	if (a->flags & AF_LEN_RET)
		n = e->ret > 0 && (size_t)e->ret < n ? (size_t)e->ret : (e->ret > 0 ? n : 0);
	if ((a->flags & AF_LEN_PTR) && e->out[a->len_arg]) {
		uint32_t v;

		memcpy(&v, e->out[a->len_arg], sizeof(v));
		if (v < n)
			n = v;
	}
	return n;
}

/* Scatters len bytes into the replica's iovec array. */
static int scatter(pid_t pid, const struct call *c, int i, const char *data, size_t len)
{
	const struct iovec *iov = c->buf[i];
	size_t k, count = c->len[i] / sizeof(*iov);
	int err;

	for (k = 0; k < count && len > 0; k++) {
		size_t n = iov[k].iov_len < len ? iov[k].iov_len : len;

		err = mem_write(pid, (uint64_t)iov[k].iov_base, data, n);
		if (err)
			return err;
		data += n;
		len -= n;
	}
	return 0;
}

int generic_copy_out(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	int i, err = 0;

	if (e->ret < 0 || !c->se)
		return 0;
	for (i = 0; i < c->se->nargs && !err; i++) {
		const struct sc_arg *a = &c->se->args[i];

		if (!e->out[i] || !c->args[i])
			continue;
		switch (a->kind) {
		case A_OUT:
			err = mem_write(p->tid, c->args[i], e->out[i], out_len(e, c, i));
			break;
		case A_INOUT:
			err = mem_write(p->tid, c->args[i], e->out[i], c->cap[i]);
			break;
		case A_IOV_OUT:
			err = scatter(p->tid, c, i, ((struct iovec *)e->out[i])->iov_base,
				      e->ret > 0 ? (size_t)e->ret : 0);
			break;
		default:
			break;
		}
	}
	return err;
}

struct answer generic_deliver(struct entry *e, struct peer *p)
{
	int err = generic_copy_out(e, p);

	if (err)
		return ans_val(err);
	return e->cont ? ans_cont() : ans_val(e->ret);
}

/* Whether c names a path from one of the replica's own directory
 * descriptors and writes nothing into its memory: the monitor can run it
 * itself from what it captured. (A path into the replica's own /proc
 * without one, an input, stays with its kernel: the monitor's /proc/self
 * is not the replica's.) */
static bool own_path_call(const struct call *c)
{
	bool path = false, dirfd = false;
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		switch (c->se->args[i].kind) {
		case A_PATH:
			path = path || c->buf[i];
			break;
		case A_DIRFD:
			dirfd = dirfd || (int)c->args[i] != AT_FDCWD;
			break;
		case A_OUT:
		case A_INOUT:
		case A_IOV_OUT:
			return false;
		default:
			break;
		}
	}
	return path && dirfd;
}

/* A path call that is the replica's own (a private directory descriptor)
 * runs in the monitor, from the path it captured and judged, with the
 * process's credentials: let through, the replica's kernel would read the
 * path again, and another thread, or a process sharing that memory, could
 * have changed it to an absolute one in between (unlinkat of a file of the
 * world from /proc/self, unvoted). Its descriptors are the replica's own,
 * taken with pidfd_getfd. */
static struct answer own_path_run(struct peer *p, const struct call *c)
{
	uint64_t x[6];
	int fds[6], i;
	long ret = 0;
	bool as;

	for (i = 0; i < 6; i++) {
		x[i] = c->args[i];
		fds[i] = -1;
	}
	for (i = 0; i < c->se->nargs && !ret; i++) {
		enum sc_arg_kind k = c->se->args[i].kind;
		struct fobj *o;

		if (k == A_DIRFD && (int)c->args[i] == AT_FDCWD) {
			x[i] = (uint64_t)p->proc->cwd;	/* the process's, not ours */
			continue;
		}
		if (k != A_FD && k != A_DIRFD) {
			if (k == A_PATH || k == A_IN || k == A_STR)
				x[i] = (uint64_t)c->buf[i];
			continue;
		}
		o = proc_fobj(p->proc, (long)c->args[i]);
		fds[i] = o ? calls_object_fd(p, o, (int)c->args[i]) : -1;
		if (fds[i] < 0)
			ret = o ? -errno : -EBADF;
		x[i] = (uint64_t)fds[i];
	}
	if (!ret) {
		struct creds cr = *proc_creds(p->proc);

		/* access() checks with the real ids, as the kernel would */
		cr.real_ids = c->nr == SYS_access || c->nr == SYS_faccessat || c->nr == __NR_faccessat2;
		as = creds_enter(&cr);
		ret = syscall(c->nr, x[0], x[1], x[2], x[3], x[4], x[5]);
		if (ret < 0)
			ret = -errno;
		if (as)
			creds_leave();
	}
	for (i = 0; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ans_val(ret);
}

struct answer generic_each(struct peer *p, const struct call *c)
{
	if (c->each_err)
		return ans_val(c->each_err);
	if ((c->se->flags & SF_FD0) && !proc_fobj(p->proc, (long)c->args[0]))
		return ans_val(-EBADF);
	if (own_path_call(c))
		return own_path_run(p, c);
	return ans_cont();
}
