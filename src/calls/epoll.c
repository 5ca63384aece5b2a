/* epoll on external descriptors: one epoll instance in the monitor stands
 * for the replicas' own. The event data a program registers is usually a
 * pointer, different in every replica, so the monitor registers the watched
 * descriptor's number instead and gives each replica back its own data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/procs.h"
#include "os/mem.h"
#include "os/util.h"

#define EVENT_SIZE sizeof(struct epoll_event) /* 12: packed on x86_64 */

/* The data this replica registered for fd. */
static uint64_t *epdata_slot(struct fobj *ep, int fd, int replica)
{
	if (fd >= ep->epsize) {
		int n = ep->epsize ? ep->epsize : 64;

		while (n <= fd)
			n *= 2;
		ep->epdata = xrealloc(ep->epdata, (size_t)n * MAX_REPLICAS * sizeof(uint64_t));
		memset(ep->epdata + (size_t)ep->epsize * MAX_REPLICAS, 0,
		       (size_t)(n - ep->epsize) * MAX_REPLICAS * sizeof(uint64_t));
		ep->epsize = n;
	}
	return &ep->epdata[(size_t)fd * MAX_REPLICAS + replica];
}

/* Only the event mask is compared; the data goes to c->cap[3] (an A_IN
 * argument has no capacity of its own to keep there). */
static enum mode ctl_classify(struct peer *p, struct call *c)
{
	struct fobj *ep = proc_fobj(p->proc, (long)c->args[0]), *o = proc_fobj(p->proc, (long)c->args[2]);
	struct epoll_event ev;

	if (!ep || !o)
		return M_EACH; /* EBADF, from the kernel */
	if (ep->private_ || o->private_)
		return M_REFUSE;
	if (c->buf[3] && c->len[3] >= EVENT_SIZE) {
		memcpy(&ev, c->buf[3], EVENT_SIZE);
		c->cap[3] = ev.data.u64;
		ev.data.u64 = 0;
		memcpy(c->buf[3], &ev, EVENT_SIZE);
	}
	return M_OUTPUT;
}

static enum prep ctl_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct epoll_event ev;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	/* the kernel gets a copy: replicas that arrive later are compared
	 * with the call as it was made */
	if (c->buf[3]) {
		memcpy(&ev, c->buf[3], EVENT_SIZE);
		ev.data.u64 = c->args[2];
		e->out[3] = xmemdup(&ev, EVENT_SIZE);
		e->xargs[3] = (uint64_t)e->out[3];
	}
	return PREP_RUN;
}

static struct answer ctl_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct fobj *ep = proc_fobj(p->proc, (long)c->args[0]);

	if (e->ret == 0 && ep && (int)c->args[1] != EPOLL_CTL_DEL)
		*epdata_slot(ep, (int)c->args[2], p->rep->idx) = c->cap[3];
	return ans_val(e->ret);
}

/* A descriptor the monitor does not know. */
static struct answer ctl_each(struct entry *e, struct peer *p, struct call *c)
{
	(void)e, (void)p, (void)c;
	return ans_val(-EBADF);
}

static enum mode wait_classify(struct peer *p, struct call *c)
{
	struct fobj *ep = proc_fobj(p->proc, (long)c->args[0]);

	if (!ep)
		return M_EACH;
	return ep->private_ ? M_REFUSE : M_INPUT;
}

static enum prep wait_prepare(struct entry *e)
{
	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	if (e->xnr != SYS_epoll_wait)
		e->xargs[4] = 0; /* no signal mask: the monitor's signals stay blocked */
	return PREP_RUN;
}

/* The events, with this replica's own data in place of the fd numbers. */
static struct answer wait_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct fobj *ep = proc_fobj(p->proc, (long)c->args[0]);
	struct epoll_event ev;
	char *events = e->out[1];
	long i;
	int err;

	for (i = 0; e->ret > 0 && i < e->ret && ep; i++) {
		memcpy(&ev, events + i * EVENT_SIZE, EVENT_SIZE);
		ev.data.u64 = *epdata_slot(ep, (int)ev.data.u64, p->rep->idx);
		err = mem_write(p->tid, c->args[1] + i * EVENT_SIZE, &ev, EVENT_SIZE);
		if (err)
			return ans_val(err);
	}
	return ans_val(e->ret);
}

static struct answer create_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	bool cloexec = c->nr == SYS_epoll_create1 && (c->args[0] & EPOLL_CLOEXEC);

	return calls_newfd_deliver(e, p, cloexec);
}

#define PRIVATE_EPOLL "epoll on a replica's private descriptor is not supported yet"

const struct handler h_epoll_create = {
	.finish = calls_newfd_finish,
	.deliver = create_deliver,
};

const struct handler h_epoll_ctl = {
	.classify = ctl_classify,
	.each = ctl_each,
	.prepare = ctl_prepare,
	.deliver = ctl_deliver,
	.refuse_why = PRIVATE_EPOLL,
};

const struct handler h_epoll_wait = {
	.classify = wait_classify,
	.each = ctl_each,
	.prepare = wait_prepare,
	.deliver = wait_deliver,
	.may_block = true,
	.refuse_why = PRIVATE_EPOLL,
};
