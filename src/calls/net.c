/* Sockets and eventfd: external objects every replica shares, whose reads
 * and writes go through the monitor. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/procs.h"
#include "os/mem.h"
#include "os/util.h"

static struct answer socket_deliver(struct entry *e, struct peer *p)
{
	return calls_newfd_deliver(e, p, e->call[p->rep->idx]->args[1] & SOCK_CLOEXEC);
}

const struct handler h_socket = {
	.finish = calls_newfd_finish,
	.deliver = socket_deliver,
};

static struct answer accept_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];

	return calls_newfd_deliver(e, p, c->nr == SYS_accept4 && (c->args[3] & SOCK_CLOEXEC));
}

const struct handler h_accept = {
	.finish = calls_newfd_finish,
	.deliver = accept_deliver,
	.may_block = true,
};

/* eventfd: threads signal each other with it, often in the same epoll set
 * as their sockets. */
static struct answer eventfd_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];

	return calls_newfd_deliver(e, p, c->nr == SYS_eventfd2 && (c->args[1] & EFD_CLOEXEC));
}

const struct handler h_eventfd = {
	.finish = calls_newfd_finish,
	.deliver = eventfd_deliver,
};

/* sendmsg as sendto, when it carries no control data. The call after
 * classify: fd, the iovec array (gathered and compared), its count, flags,
 * the address (compared) and its length. */
static const struct sysent sendmsg_sysent = {
	"sendmsg", 6, SC_OUTPUT, SF_FD0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_IOV_IN, 0, 2, 0 }, { A_INT, 0, -1, 0 }, { A_INT, 0, -1, 0 },
	  { A_IN, AF_SOCKADDR | AF_NULLOK, 5, 0 }, { A_INT, 0, -1, 0 } } };

/* sendmsg and recvmsg on an external socket, described as their msghdr
 * says (se): fd, iovec array, count, flags, address, address length.
 * Control data (descriptors passed with SCM_RIGHTS, credentials) would
 * need translating both ways: refused. ext is the mode on an external
 * socket. */
static enum mode msghdr_classify(struct peer *p, struct call *c, const struct sysent *se,
				 enum mode ext)
{
	struct fobj *o = proc_fobj(p->proc, (long)c->args[0]);
	struct msghdr m;

	if (!o || o->private_)
		return M_EACH; /* the replica's own socket, or EBADF */
	if (mem_read(p->tid, c->args[1], &m, sizeof(m)) || m.msg_controllen)
		return M_REFUSE;
	c->args[5] = m.msg_name ? m.msg_namelen : 0;
	c->args[4] = (uint64_t)m.msg_name;
	c->args[3] = c->args[2];
	c->args[2] = m.msg_iovlen;
	c->args[1] = (uint64_t)m.msg_iov;
	return call_recapture(c, p->tid, se) ? M_REFUSE : ext;
}

static enum mode sendmsg_classify(struct peer *p, struct call *c)
{
	return msghdr_classify(p, c, &sendmsg_sysent, M_OUTPUT);
}

/* Runs as sendto on the gathered bytes. */
static enum prep sendmsg_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	e->xnr = SYS_sendto;
	e->xargs[1] = (uint64_t)c->buf[1];
	e->xargs[2] = c->len[1];
	e->xargs[3] = c->args[3];
	return PREP_RUN;
}

const struct handler h_sendmsg = {
	.classify = sendmsg_classify,
	.prepare = sendmsg_prepare,
	.may_block = true,
	.refuse_why = "sendmsg with control data (descriptors, credentials) is not supported",
};

/* recvmsg on an external socket with no control buffer (glibc's netlink
 * requests for getaddrinfo's AI_ADDRCONFIG and if_nameindex): an input.
 * The call after classify: fd, the iovec array (scattered into), its
 * count, flags, the address buffer (filled below) and its length; the
 * replica's struct msghdr, whose msg_namelen and msg_flags the kernel
 * writes, is at cap[5]. */
static const struct sysent recvmsg_sysent = {
	"recvmsg", 6, SC_INPUT, SF_FD0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_IOV_OUT, AF_LEN_RET, 2, 0 }, { A_INT, 0, -1, 0 },
	  { A_INT, 0, -1, 0 }, { A_PTR, AF_NULLOK, -1, 0 }, { A_INT, 0, -1, 0 } } };

static enum mode recvmsg_classify(struct peer *p, struct call *c)
{
	uint64_t hdr = c->args[1];
	enum mode m = msghdr_classify(p, c, &recvmsg_sysent, M_INPUT);

	if (m == M_INPUT)
		c->cap[5] = hdr;
	return m;
}

/* Runs as recvmsg into the monitor's one buffer and address. */
static enum prep recvmsg_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct msghdr *m;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	m = xcalloc(1, sizeof(*m) + c->args[5]);
	m->msg_iov = e->out[1];
	m->msg_iovlen = 1;
	m->msg_name = c->args[5] ? (char *)(m + 1) : NULL;
	m->msg_namelen = (socklen_t)c->args[5];
	e->out[5] = m;
	e->xnr = SYS_recvmsg;
	e->xargs[1] = (uint64_t)m;
	e->xargs[2] = c->args[3];
	return PREP_RUN;
}

/* The data, then what the kernel writes into the replica's msghdr: the
 * address (as much as its buffer holds), its length and the flags. */
static struct answer recvmsg_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	const struct msghdr *m = e->out[5];
	struct answer a = generic_deliver(e, p);
	socklen_t len;
	int err = 0;

	if (e->ret < 0 || a.kind != ANS_VAL || a.val < 0 || !m)
		return a;
	len = m->msg_namelen < c->args[5] ? m->msg_namelen : (socklen_t)c->args[5];
	if (c->args[4] && len)
		err = mem_write(p->tid, c->args[4], m->msg_name, len);
	if (!err)
		err = mem_write(p->tid, c->cap[5] + offsetof(struct msghdr, msg_namelen),
				&m->msg_namelen, sizeof(m->msg_namelen));
	if (!err)
		err = mem_write(p->tid, c->cap[5] + offsetof(struct msghdr, msg_flags),
				&m->msg_flags, sizeof(m->msg_flags));
	return err ? ans_val(err) : a;
}

const struct handler h_recvmsg = {
	.classify = recvmsg_classify,
	.prepare = recvmsg_prepare,
	.deliver = recvmsg_deliver,
	.may_block = true,
	.refuse_why = "recvmsg with a control buffer (descriptors, credentials) is not supported",
};
