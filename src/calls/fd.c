/* Descriptors: close, dup, and the pipes and socketpairs a replica makes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "list/execute.h"
#include "model/procs.h"
#include "os/creds.h"
#include "os/mem.h"

/* The replica closes its own descriptor once answered; until its thread's
 * next call the number stays taken, or a descriptor installed there in
 * between would be the one closed. */
static struct answer close_each(struct entry *e, struct peer *p, struct call *c)
{
	(void)e;
	if (!proc_fobj(p->proc, (long)c->args[0]))
		return ans_val(-EBADF);
	fdtab_closing(&p->proc->fds, (int)c->args[0]);
	p->closing_fd = p->closing_hi = (int)c->args[0];
	return ans_cont();
}

const struct handler h_close = {
	.each = close_each,
};

/* close_range (subprocess's child before exec): the same for every
 * descriptor of the range the process has, or, with CLOSE_RANGE_CLOEXEC,
 * close-on-exec set. Its table is its own (no CLONE_FILES): UNSHARE
 * changes nothing. */
static struct answer close_range_each(struct entry *e, struct peer *p, struct call *c)
{
	unsigned lo = (unsigned)c->args[0], hi = (unsigned)c->args[1], fd;
	struct fdtab *t = &p->proc->fds;

	(void)e;
	if (lo > hi || (c->args[2] & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)))
		return ans_val(-EINVAL);
	if (hi >= (unsigned)t->size)
		hi = t->size ? (unsigned)t->size - 1 : 0;
	for (fd = lo; fd <= hi && lo < (unsigned)t->size; fd++) {
		if (!fdtab_get(t, fd))
			continue;
		if (c->args[2] & CLOSE_RANGE_CLOEXEC)
			fdtab_set_cloexec(t, (int)fd, true);
		else
			fdtab_closing(t, (int)fd);
	}
	if (!(c->args[2] & CLOSE_RANGE_CLOEXEC) && lo < (unsigned)t->size) {
		p->closing_fd = (int)lo;
		p->closing_hi = (int)hi;
	}
	return ans_cont();
}

const struct handler h_close_range = {
	.each = close_range_each,
};

int calls_object_fd(struct peer *p, struct fobj *o, int fd)
{
	int pidfd, got;

	if (!o->private_)
		return dup(o->mfd);
	pidfd = syscall(SYS_pidfd_open, p->proc->pid, 0);
	if (pidfd < 0)
		return -1;
	got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	return got;
}

struct answer fd_install_copy(struct peer *p, int old, int target, bool cloexec)
{
	struct fobj *o = proc_fobj(p->proc, old);
	int fd, mfd;

	if (!o || target >= 1 << 20)
		return ans_val(-EBADF);
	mfd = calls_object_fd(p, o, old);
	if (mfd < 0)
		return ans_val(-errno);
	fd = calls_addfd(p, mfd, target, cloexec);
	close(mfd);
	if (fd < 0)
		return ans_val(fd);
	fdtab_set(&p->proc->fds, fd, o, cloexec);
	return ans_val(fd);
}

static struct answer dup_each(struct entry *e, struct peer *p, struct call *c)
{
	int old = (int)c->args[0], target = (int)c->args[1];

	switch (c->nr) {
	case SYS_dup:
		return fd_install_copy(p, old, proc_fd_number(e, p, 0, 0), false);
	case SYS_dup2:
		if (old == target)
			return ans_val(proc_fobj(p->proc, old) ? target : -EBADF);
		return fd_install_copy(p, old, target, false);
	default:
		if (old == target || (c->args[2] & ~(uint64_t)O_CLOEXEC))
			return ans_val(-EINVAL);
		return fd_install_copy(p, old, target, c->args[2] & O_CLOEXEC);
	}
}

const struct handler h_dup = {
	.each = dup_each,
};

/* The pair the call asks for, made by the monitor. */
static int make_pair(const struct call *c, int fds[2])
{
	if (c->nr == SYS_socketpair)
		return socketpair((int)c->args[0], (int)c->args[1] | SOCK_CLOEXEC, (int)c->args[2],
				  fds) < 0 ? -errno : 0;
	return pipe2(fds, (c->nr == SYS_pipe2 ? (int)c->args[1] : 0) | O_CLOEXEC) < 0 ? -errno : 0;
}

/* Whether the replica wants its two numbers close-on-exec, and where. */
static bool pair_wish(const struct call *c, uint64_t *where)
{
	if (c->nr == SYS_socketpair) {
		*where = c->args[3];
		return c->args[1] & SOCK_CLOEXEC;
	}
	*where = c->args[0];
	return c->nr == SYS_pipe2 && (c->args[1] & O_CLOEXEC);
}

/* pipe, pipe2, socketpair: one pair, made once, that every replica's
 * processes hold and whose reads and writes the monitor runs once, like
 * any external object's. What timing decides in a pipe or a socketpair
 * (how much a read gets, when a write meets a reader that is gone, EPIPE
 * and its SIGPIPE, which end is ready for poll) is then decided once for
 * all replicas: with a pipe of its own, each replica's `seq | head -1`
 * stopped seq at its own point. Descriptors passed over a socketpair
 * (SCM_RIGHTS) are the monitor's to pass (net.c). */
static enum prep pair_prepare(struct entry *e)
{
	int fds[2], i;
	bool as = execute_creds_enter(e); /* a socketpair's ends record its ids */

	e->ret = make_pair(e->call[e->agreed], fds);
	if (as)
		creds_leave();
	if (e->ret < 0)
		return PREP_DONE;
	e->priv = fobj_new(fds[0], false);
	e->priv2 = fobj_new(fds[1], false);
	for (i = 0; i < 2; i++) {
		struct fobj *o = i ? e->priv2 : e->priv;

		fobj_get(o);	/* the entry's reference */
		o->inner = true;
	}
	return PREP_DONE;
}

static struct answer pair_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct fobj *end[2] = { e->priv, e->priv2 };
	uint64_t where;
	bool cloexec = pair_wish(c, &where);
	int got[2], i;

	if (e->ret < 0)
		return ans_val(e->ret);
	for (i = 0; i < 2; i++) {
		got[i] = calls_addfd(p, end[i]->mfd, proc_fd_number(e, p, i, 0), cloexec);
		if (got[i] < 0)
			return ans_val(got[i]);
		fdtab_set(&p->proc->fds, got[i], end[i], cloexec);
	}
	return ans_val(mem_write(p->tid, where, got, sizeof(got)));
}

const struct handler h_pair = {
	.prepare = pair_prepare,
	.deliver = pair_deliver,
};
