/* poll and select. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "os/mem.h"
#include "os/util.h"

/* A wait that the replica makes itself, on no object of the world, whose
 * timeout only says when that replica goes on: not compared. The kernel
 * rewrites it (the time left) when a signal interrupts the call and it is
 * made again, at another moment in each replica (Apache's parent, reaping
 * its children with select as a sleep, diverged there). */
static void own_wait_timeout(struct call *c, int i)
{
	if (c->buf[i])
		memset(c->buf[i], 0, c->len[i]);
}

/* A poll on none but the replica's own descriptors (its /proc files, or
 * none at all: a sleep) is its own business: it runs there. With an
 * external one it is an input, run on the monitor's descriptors. */
static enum mode poll_classify(struct peer *p, struct call *c)
{
	struct pollfd *fds = c->buf[0];
	size_t i, n = fds ? c->len[0] / sizeof(*fds) : 0;

	/* revents is the kernel's to write: what a reused array held there
	 * from the last poll means nothing, and is not compared */
	for (i = 0; i < n; i++)
		fds[i].revents = 0;
	for (i = 0; i < n; i++) {
		struct fobj *o = fds[i].fd >= 0 ? proc_fobj(p->proc, fds[i].fd) : NULL;

		if (o && !o->private_)
			return M_INPUT;
	}
	if (c->nr == SYS_ppoll)
		own_wait_timeout(c, 2);
	return M_EACH;
}

/* poll, ppoll: run on the monitor's descriptors. */
static enum prep poll_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct pollfd *fds;
	size_t i, n;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	fds = e->out[0];
	n = c->len[0] / sizeof(*fds);
	for (i = 0; i < n; i++) {
		struct fobj *o;

		if (fds[i].fd < 0)
			continue;
		o = fdtab_get(&list_proc(e, e->agreed)->fds, fds[i].fd);
		if (o && o->private_) {
			e->ret = -EXDEV;
			return PREP_FAIL;
		}
		fds[i].fd = o ? o->mfd : INT_MAX; /* INT_MAX: POLLNVAL, as for a bad fd */
	}
	if (c->nr == SYS_ppoll)
		e->xargs[3] = 0; /* the monitor's signals stay blocked */
	return PREP_RUN;
}

static struct answer poll_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct pollfd *mine, *got = e->out[0];
	size_t i, n = c->len[0] / sizeof(*got);
	int err;

	if (e->ret >= 0) {
		/* a copy: the captured call stays as it came, for a late
		 * replica to be compared with */
		mine = xmemdup(c->buf[0], c->len[0]);
		for (i = 0; i < n; i++)
			mine[i].revents = got[i].revents;
		err = mem_write(p->tid, c->args[0], mine, c->len[0]);
		free(mine);
		if (err)
			return ans_val(err);
		if (c->nr == SYS_ppoll && c->args[2] && e->out[2])
			err = mem_write(p->tid, c->args[2], e->out[2], c->cap[2]);
		if (err)
			return ans_val(err);
	}
	return ans_val(e->ret);
}

const struct handler h_poll = {
	.classify = poll_classify,
	.prepare = poll_prepare,
	.deliver = poll_deliver,
	.may_block = true,
};

/* The bits of an fd_set at nfds and above mean nothing (the kernel reads
 * none of them): whatever the stack held there, they compare equal. */
static void clear_from(unsigned char *set, size_t len, int nfds)
{
	size_t byte = (size_t)nfds / 8;

	if (byte >= len)
		return;
	set[byte] &= (unsigned char)((1u << (nfds % 8)) - 1);
	memset(set + byte + 1, 0, len - byte - 1);
}

/* A select on none but the replica's own descriptors (its /proc files), or
 * on none at all (a sleep), is its own business: it runs there. On
 * external ones (pipes and socketpairs, make's jobserver among them) it is
 * an input the monitor runs as a ppoll on its descriptors; a mix cannot be run in
 * either place and is refused. */
static enum mode select_classify(struct peer *p, struct call *c)
{
	int nfds = (int)c->args[0], fd, i, kinds = 0;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return M_EACH; /* the kernel answers EINVAL */
	for (i = 1; i <= 3; i++) {
		unsigned char *set = c->buf[i];

		if (!c->args[i] || !set)
			continue;
		clear_from(set, c->len[i], nfds);
		for (fd = 0; fd < nfds && (size_t)fd / 8 < c->len[i]; fd++) {
			struct fobj *o;

			if (!(set[fd / 8] & (1u << (fd % 8))))
				continue;
			o = proc_fobj(p->proc, fd);
			if (!o)
				return M_EACH; /* the kernel answers EBADF */
			kinds |= o->private_ ? 1 : 2;
		}
	}
	if (kinds == 3)
		return M_REFUSE;
	if (kinds == 2)
		return M_INPUT;
	own_wait_timeout(c, 4);
	return M_EACH;
}

/* The pollfd array the monitor runs (e->out[0], unused by select's nfds):
 * n of them, then n more whose fd is the replica's number for each. */
static const short sel_events[4] = { 0, POLLIN, POLLOUT, POLLPRI };

static enum prep select_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct proc *pr = list_proc(e, e->agreed);
	int nfds = (int)c->args[0], fd, i, n = 0;
	struct pollfd *pf;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	pf = xcalloc(2 * (size_t)(nfds ? nfds : 1), sizeof(*pf));
	e->out[0] = pf;
	for (fd = 0; fd < nfds; fd++) {
		short ev = 0;

		for (i = 1; i <= 3; i++)
			if (e->out[i] && FD_ISSET(fd, (fd_set *)e->out[i]))
				ev |= sel_events[i];
		if (!ev)
			continue;
		pf[n] = (struct pollfd){ fdtab_get(&pr->fds, fd)->mfd, ev, 0 };
		pf[nfds + n++].fd = fd;
	}
	memmove(pf + n, pf + nfds, (size_t)n * sizeof(*pf));
	if (c->nr == SYS_select && e->out[4]) {
		/* a timeval becomes a timespec in place: both are 16 bytes */
		struct timeval tv = *(struct timeval *)e->out[4];

		*(struct timespec *)e->out[4] = (struct timespec){ tv.tv_sec, tv.tv_usec * 1000 };
	}
	e->xnr = SYS_ppoll;
	e->xargs[0] = (uint64_t)pf;
	e->xargs[1] = (uint64_t)n;
	e->xargs[2] = (uint64_t)e->out[4];
	e->xargs[3] = 0; /* the monitor's signals stay blocked */
	e->xargs[4] = 0;
	return PREP_RUN;
}

/* The sets as select gives them back, from the ppoll's revents (the
 * kernel's own mapping: POLLHUP and POLLERR make a descriptor readable,
 * POLLERR writable), and their count of bits. */
static long select_sets(struct entry *e, fd_set *set)
{
	struct pollfd *pf = e->out[0];
	long n = (long)e->xargs[1], k, bits = 0;
	int i;

	for (i = 1; i <= 3; i++)
		FD_ZERO(&set[i]);
	for (k = 0; k < n; k++) {
		short got = pf[k].revents, ev = pf[k].events;
		int fd = pf[n + k].fd;

		if (got & POLLNVAL)
			return -EBADF;
		if ((ev & POLLIN) && (got & (POLLIN | POLLHUP | POLLERR)))
			FD_SET(fd, &set[1]), bits++;
		if ((ev & POLLOUT) && (got & (POLLOUT | POLLERR)))
			FD_SET(fd, &set[2]), bits++;
		if ((ev & POLLPRI) && (got & POLLPRI))
			FD_SET(fd, &set[3]), bits++;
	}
	return bits;
}

static int select_copy_out(struct entry *e, struct peer *p, fd_set *set)
{
	struct call *c = e->call[p->rep->idx];
	struct timespec *left = e->out[4];
	int i, err = 0;

	for (i = 1; i <= 3 && !err; i++)
		if (c->args[i])
			err = mem_write(p->tid, c->args[i], &set[i], c->len[i]);
	if (err || !c->args[4] || !left)
		return err;
	if (c->nr == SYS_select) {
		struct timeval tv = { left->tv_sec, left->tv_nsec / 1000 };

		return mem_write(p->tid, c->args[4], &tv, sizeof(tv));
	}
	return mem_write(p->tid, c->args[4], left, sizeof(*left));
}

static struct answer select_deliver(struct entry *e, struct peer *p)
{
	fd_set set[4];
	long bits;
	int err;

	if (e->ret < 0)
		return ans_val(e->ret);
	bits = select_sets(e, set);
	if (bits < 0)
		return ans_val(bits);
	err = select_copy_out(e, p, set);
	return ans_val(err ? err : bits);
}

const struct handler h_select = {
	.classify = select_classify,
	.prepare = select_prepare,
	.deliver = select_deliver,
	.may_block = true,
	.refuse_why = "select on both private and external descriptors at once is not supported",
};

/* The external object behind pr's descriptor fd, or NULL (none, or the
 * replica's own). */
static const struct fobj *shared_obj(const struct proc *pr, long fd)
{
	const struct fobj *o = fd >= 0 ? proc_fobj((struct proc *)pr, (int)fd) : NULL;

	return o && !o->private_ ? o : NULL;
}

static bool pipe_obj(const struct fobj *o)
{
	return o->type == S_IFIFO || o->inner;
}

static bool inner_obj(const struct fobj *o)
{
	return o->inner;
}

static bool is_pipe(const struct proc *pr, long fd)
{
	const struct fobj *o = shared_obj(pr, fd);

	return o && pipe_obj(o);
}

/* Whether a descriptor argument of c names an external object test()
 * holds for. */
static bool names_obj(const struct peer *p, const struct call *c,
		      bool (*test)(const struct fobj *o))
{
	const struct fobj *o;
	int k;

	for (k = 0; c->se && k < c->se->nargs; k++) {
		if (c->se->args[k].kind != A_FD)
			continue;
		o = shared_obj(p->proc, (long)c->args[k]);
		if (o && test(o))
			return true;
	}
	return false;
}

/* A pipe is one object for every replica, and what a replica's own
 * process did to it just before (closed an end) must show in what the
 * call finds: such an input runs once every live replica has come to it
 * (arrive.c), as every one's earlier calls are then done. */
bool calls_on_pipe(struct peer *p, const struct call *c)
{
	const struct pollfd *pf = c->buf[0];
	size_t i, n;
	int fd, k;

	if (c->nr == SYS_poll || c->nr == SYS_ppoll) {
		n = pf ? c->len[0] / sizeof(*pf) : 0;
		for (i = 0; i < n; i++)
			if (is_pipe(p->proc, pf[i].fd))
				return true;
		return false;
	}
	if (c->nr == SYS_select || c->nr == SYS_pselect6) {
		for (k = 1; k <= 3; k++)
			for (fd = 0; c->buf[k] && fd < (int)c->args[0] && (size_t)fd / 8 < c->len[k]; fd++)
				if (FD_ISSET(fd, (fd_set *)c->buf[k]) && is_pipe(p->proc, fd))
					return true;
		return false;
	}
	return names_obj(p, c, pipe_obj);
}

/* A write to a pipe or socketpair the replicas made is one, decided once,
 * that every replica's reader then finds; it must not run before each
 * replica's own writer came to it, or the reader of a replica behind sees
 * what its own writer has yet to do (Apache's children read the stop byte
 * of the pipe of death before their parent wrote it, and the parent, which
 * then sees them stopping in shared memory, forks where its peers do not).
 * So it too runs once every live replica has come (arrive.c). */
bool calls_on_inner(struct peer *p, const struct call *c)
{
	return names_obj(p, c, inner_obj);
}
