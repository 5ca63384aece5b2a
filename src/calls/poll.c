/* poll and select. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "os/mem.h"

/* A poll on none but the replica's own descriptors (its pipes, or none
 * at all: a sleep) is its own business: it runs there. With an external
 * one it is an input, run on the monitor's descriptors. */
static enum mode poll_classify(struct peer *p, struct call *c)
{
	const struct pollfd *fds = c->buf[0];
	size_t i, n = fds ? c->len[0] / sizeof(*fds) : 0;

	for (i = 0; i < n; i++) {
		struct fobj *o = fds[i].fd >= 0 ? proc_fobj(p->proc, fds[i].fd) : NULL;

		if (o && !o->private_)
			return M_INPUT;
	}
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
	struct pollfd *mine = c->buf[0], *got = e->out[0];
	size_t i, n = c->len[0] / sizeof(*mine);
	int err;

	if (e->ret >= 0) {
		for (i = 0; i < n; i++)
			mine[i].revents = got[i].revents;
		err = mem_write(p->tid, c->args[0], mine, c->len[0]);
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

/* A select on a replica's private pipes and sockets (make's jobserver),
 * or on none (a sleep), is the replica's own business: it runs there. On
 * external descriptors it would need its fd_sets translated: refused
 * (programs that select on sockets mostly have poll too). */
static enum mode select_classify(struct peer *p, struct call *c)
{
	int nfds = (int)c->args[0], fd, i;

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
			if (!o || !o->private_)
				return M_REFUSE;
		}
	}
	return M_EACH;
}

const struct handler h_select = {
	.classify = select_classify,
	.refuse_why = "select on external descriptors is not supported (poll is)",
};
