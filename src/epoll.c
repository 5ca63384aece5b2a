/* epoll on external descriptors: one epoll instance in the monitor stands
 * for the replicas' own. The event data a program registers is usually a
 * pointer, different in every replica, so the monitor registers the watched
 * descriptor's number instead and gives each replica back its own data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "epoll.h"
#include "mem.h"
#include "util.h"

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
	struct fobj *ep = peer_fobj(p, (long)c->args[0]), *o = peer_fobj(p, (long)c->args[2]);
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

static int ctl_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	int err = exec_prepare(e);
	struct epoll_event ev;

	if (err)
		return err;
	/* the kernel gets a copy: replicas that arrive later are compared
	 * with the call as it was made */
	if (c->buf[3]) {
		memcpy(&ev, c->buf[3], EVENT_SIZE);
		ev.data.u64 = c->args[2];
		e->out[3] = xmemdup(&ev, EVENT_SIZE);
		e->xargs[3] = (uint64_t)e->out[3];
	}
	return 0;
}

static int ctl_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct fobj *ep = peer_fobj(p, (long)c->args[0]);

	if (e->ret == 0 && ep && (int)c->args[1] != EPOLL_CTL_DEL)
		*epdata_slot(ep, (int)c->args[2], p->rep->idx) = c->cap[3];
	return monitor_respond(p, e->ret, false);
}

/* A descriptor the monitor does not know. */
static int ctl_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	(void)e, (void)p, (void)c, (void)cont;
	*ret = -EBADF;
	return 0;
}

static enum mode wait_classify(struct peer *p, struct call *c)
{
	struct fobj *ep = peer_fobj(p, (long)c->args[0]);

	if (!ep)
		return M_EACH;
	return ep->private_ ? M_REFUSE : M_INPUT;
}

static int wait_prepare(struct entry *e)
{
	int err = exec_prepare(e);

	if (err)
		return err;
	if (e->xnr != SYS_epoll_wait)
		e->xargs[4] = 0; /* no signal mask: the monitor's signals stay blocked */
	return 0;
}

/* The events, with this replica's own data in place of the fd numbers. */
static int wait_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	struct fobj *ep = peer_fobj(p, (long)c->args[0]);
	struct epoll_event ev;
	char *events = e->out[1];
	long i;
	int err;

	for (i = 0; e->ret > 0 && i < e->ret && ep; i++) {
		memcpy(&ev, events + i * EVENT_SIZE, EVENT_SIZE);
		ev.data.u64 = *epdata_slot(ep, (int)ev.data.u64, p->rep->idx);
		err = mem_write(p->tid, c->args[1] + i * EVENT_SIZE, &ev, EVENT_SIZE);
		if (err)
			return err;
	}
	return monitor_respond(p, e->ret, false);
}

static int create_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	bool cloexec = c->nr == SYS_epoll_create1 && (c->args[0] & EPOLL_CLOEXEC);

	return handler_deliver_new_fd(e, p, cloexec);
}

const struct handler epoll_handlers[] = {
	{ SYS_epoll_create, NULL, NULL, handler_finish_new_fd, create_deliver, NULL, false, NULL },
	{ SYS_epoll_create1, NULL, NULL, handler_finish_new_fd, create_deliver, NULL, false, NULL },
	{ SYS_epoll_ctl, ctl_classify, ctl_prepare, NULL, ctl_deliver, ctl_each, false,
	  "epoll on a replica's private descriptor is not supported yet" },
	{ SYS_epoll_wait, wait_classify, wait_prepare, NULL, wait_deliver, ctl_each, true,
	  "epoll on a replica's private descriptor is not supported yet" },
	{ SYS_epoll_pwait, wait_classify, wait_prepare, NULL, wait_deliver, ctl_each, true,
	  "epoll on a replica's private descriptor is not supported yet" },
	{ 0, NULL, NULL, NULL, NULL, NULL, false, NULL },
};
