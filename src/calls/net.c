/* Sockets and eventfd: external objects every replica shares, whose reads
 * and writes go through the monitor. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/list.h"
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

/* sendmsg with descriptors (SCM_RIGHTS): the control data where the
 * address was, and once classified (rights_classify), the objects its
 * descriptors name in place of its bytes. */
static const struct sysent sendmsg_rights_sysent = {
	"sendmsg", 6, SC_OUTPUT, SF_FD0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_IOV_IN, 0, 2, 0 }, { A_INT, 0, -1, 0 }, { A_INT, 0, -1, 0 },
	  { A_IN, 0, 5, 0 }, { A_INT, 0, -1, 0 } } };

#define CONTROL_MAX 4096	/* control data a call may carry */
#define RIGHTS_MAX 253		/* descriptors in one message (the kernel's SCM_MAX_FD) */

/* sendmsg and recvmsg on an external socket, described as their msghdr
 * says: fd, iovec array, count, flags, and the address and its length,
 * or (ctl, for a call with control data) the control buffer and its
 * length. A call with both is refused (on a socketpair, where control
 * data passes, there is no address to give). ext is the mode on an
 * external socket. */
static enum mode msghdr_classify(struct peer *p, struct call *c, const struct sysent *se,
				 const struct sysent *ctl, enum mode ext)
{
	struct fobj *o = proc_fobj(p->proc, (long)c->args[0]);
	struct msghdr m;

	if (!o || o->private_)
		return M_EACH; /* the replica's own socket, or EBADF */
	if (mem_read(p->tid, c->args[1], &m, sizeof(m)))
		return M_REFUSE;
	if (m.msg_controllen && (m.msg_name || m.msg_controllen > CONTROL_MAX))
		return M_REFUSE;
	if (m.msg_controllen) {
		se = ctl;
		c->args[5] = m.msg_controllen;
		c->args[4] = (uint64_t)m.msg_control;
	} else {
		c->args[5] = m.msg_name ? m.msg_namelen : 0;
		c->args[4] = (uint64_t)m.msg_name;
	}
	c->args[3] = c->args[2];
	c->args[2] = m.msg_iovlen;
	c->args[1] = (uint64_t)m.msg_iov;
	return call_recapture(c, p->tid, se) ? M_REFUSE : ext;
}

/* The descriptors of sendmsg's control data (SCM_RIGHTS only), judged by
 * the objects they name, never their numbers: the list of objects
 * replaces the bytes (compared as such). The monitor passes its own
 * descriptors of them, so only external objects may go. Errors the
 * kernel would give (a bad descriptor, a malformed header) are each
 * replica's own. */
static enum mode rights_classify(struct peer *p, struct call *c)
{
	struct msghdr h = { .msg_control = c->buf[4], .msg_controllen = c->len[4] };
	struct fobj **objs = xcalloc(RIGHTS_MAX, sizeof(*objs)), *o;
	const char *end = (const char *)c->buf[4] + c->len[4];
	struct cmsghdr *cm;
	size_t n = 0, k, i;
	int fd;

	for (cm = CMSG_FIRSTHDR(&h); cm; cm = CMSG_NXTHDR(&h, cm)) {
		if (cm->cmsg_len < CMSG_LEN(0) || cm->cmsg_len > (size_t)(end - (char *)cm)) {
			c->each_err = -EINVAL;
			goto each;
		}
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
			c->why = "sendmsg with control data other than descriptors (SCM_RIGHTS) "
				 "is not supported";
			free(objs);
			return M_REFUSE;
		}
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			o = proc_fobj(p->proc, fd);
			if (!o || n == RIGHTS_MAX) {
				c->each_err = o ? -EINVAL : -EBADF;
				goto each;
			}
			if (o->private_) {
				c->why = "passing a descriptor of the replica's own object (its own "
					 "/proc file) is not supported";
				free(objs);
				return M_REFUSE;
			}
			objs[n++] = o;
		}
	}
	free(c->buf[4]);
	c->buf[4] = objs;
	c->len[4] = c->args[5] = n * sizeof(*objs);
	return M_OUTPUT;
each:
	free(objs);
	return M_EACH;
}

static enum mode sendmsg_classify(struct peer *p, struct call *c)
{
	enum mode m = msghdr_classify(p, c, &sendmsg_sysent, &sendmsg_rights_sysent, M_OUTPUT);

	if (m == M_OUTPUT && c->se == &sendmsg_rights_sysent)
		return rights_classify(p, c);
	return m;
}

/* sendmsg with the monitor's descriptors of the objects the agreed
 * replica passes, held by the entry until it is freed; an object its
 * process no longer has a descriptor of (closed by another thread since)
 * is EBADF. */
static enum prep rights_prepare(struct entry *e, const struct call *c)
{
	struct fobj **objs = c->buf[4];
	size_t n = c->len[4] / sizeof(*objs), i;
	const struct proc *pr = list_proc(e, e->agreed);
	struct msghdr *m;
	struct cmsghdr *cm;
	int fd;

	for (i = 0; i < n; i++) {
		if (!fdtab_holds(&pr->fds, objs[i])) {
			e->ret = -EBADF;
			return PREP_DONE;
		}
	}
	m = xcalloc(1, sizeof(*m) + CMSG_SPACE(n * sizeof(int)));
	m->msg_iov = e->out[1];
	m->msg_iovlen = 1;
	if (n) {
		m->msg_control = m + 1;
		m->msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	}
	for (i = 0; i < n; i++) {
		entry_hold(e, objs[i]);
		fd = objs[i]->instfd >= 0 ? objs[i]->instfd : objs[i]->mfd;
		memcpy(CMSG_DATA(cm) + i * sizeof(int), &fd, sizeof(fd));
	}
	e->out[4] = m;
	e->xnr = SYS_sendmsg;
	e->xargs[1] = (uint64_t)m;
	e->xargs[2] = c->args[3];
	return PREP_RUN;
}

/* Runs as sendto on the gathered bytes, or as sendmsg with descriptors. */
static enum prep sendmsg_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	if (c->se == &sendmsg_rights_sysent)
		return rights_prepare(e, c);
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
	.refuse_why = "sendmsg with control data and an address, or more than 4096 bytes of it, "
		      "is not supported",
};

/* recvmsg on an external socket: an input. The call after classify: fd,
 * the iovec array (scattered into), its count, flags, the address buffer
 * (filled below) and its length; the replica's struct msghdr, whose
 * msg_namelen and msg_flags the kernel writes, is at cap[5]. glibc's
 * netlink requests (getaddrinfo's AI_ADDRCONFIG, if_nameindex) come here. */
static const struct sysent recvmsg_sysent = {
	"recvmsg", 6, SC_INPUT, SF_FD0 | SF_NO_CREDS, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_IOV_OUT, AF_LEN_RET, 2, 0 }, { A_INT, 0, -1, 0 },
	  { A_INT, 0, -1, 0 }, { A_PTR, AF_NULLOK, -1, 0 }, { A_INT, 0, -1, 0 } } };

/* recvmsg with a control buffer (descriptors passed over a socketpair):
 * the same, with the control buffer and its length (compared) where the
 * address was. */
static const struct sysent recvmsg_ctl_sysent = {
	"recvmsg", 6, SC_INPUT, SF_FD0 | SF_NO_CREDS, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_IOV_OUT, AF_LEN_RET, 2, 0 }, { A_INT, 0, -1, 0 },
	  { A_INT, 0, -1, 0 }, { A_PTR, AF_NULLOK, -1, 0 }, { A_INT, 0, -1, 0 } } };

static enum mode recvmsg_classify(struct peer *p, struct call *c)
{
	uint64_t hdr = c->args[1];
	enum mode m = msghdr_classify(p, c, &recvmsg_sysent, &recvmsg_ctl_sysent, M_INPUT);

	if (m == M_INPUT)
		c->cap[5] = hdr;
	return m;
}

/* Runs as recvmsg into the monitor's one buffer and address, or control
 * buffer: descriptors it receives are the monitor's (close-on-exec). */
static enum prep recvmsg_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	bool ctl = c->se == &recvmsg_ctl_sysent;
	struct msghdr *m;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	m = xcalloc(1, sizeof(*m) + c->args[5]);
	m->msg_iov = e->out[1];
	m->msg_iovlen = 1;
	if (ctl) {
		m->msg_control = c->args[5] ? (char *)(m + 1) : NULL;
		m->msg_controllen = c->args[5];
	} else {
		m->msg_name = c->args[5] ? (char *)(m + 1) : NULL;
		m->msg_namelen = (socklen_t)c->args[5];
	}
	e->out[5] = m;
	e->xnr = SYS_recvmsg;
	e->xargs[1] = (uint64_t)m;
	e->xargs[2] = c->args[3] | (ctl ? MSG_CMSG_CLOEXEC : 0);
	return PREP_RUN;
}

/* The descriptors received become objects the entry holds, in order. */
static void recvmsg_finish(struct entry *e)
{
	struct msghdr *m = e->out[5];
	struct cmsghdr *cm;
	size_t k, i;
	int fd;

	if (e->ret < 0 || !m || !m->msg_controllen)
		return;
	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			entry_hold(e, fobj_new(fd, false));
		}
	}
}

/* The control data as replica p gets it: each descriptor received is
 * installed in p, at a number chosen once for every replica, and the
 * message names that number. */
static int control_out(struct entry *e, struct peer *p, const struct call *c,
		       const struct msghdr *m)
{
	bool cloexec = c->args[3] & MSG_CMSG_CLOEXEC;
	struct msghdr h = { .msg_controllen = m->msg_controllen };
	struct cmsghdr *cm;
	int fd, j = 0, err = 0;
	size_t k, i;

	if (h.msg_controllen)
		h.msg_control = xmemdup(m->msg_control, h.msg_controllen);
	for (cm = CMSG_FIRSTHDR(&h); cm && !err; cm = CMSG_NXTHDR(&h, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k && j < e->nheld && !err; i++, j++) {
			fd = calls_addfd(p, e->held[j]->mfd, proc_held_fd_number(e, p, j), cloexec);
			if (fd < 0) {
				err = fd;
				break;
			}
			fdtab_set(&p->proc->fds, fd, e->held[j], cloexec);
			memcpy(CMSG_DATA(cm) + i * sizeof(int), &fd, sizeof(fd));
		}
	}
	if (!err && h.msg_controllen)
		err = mem_write(p->tid, c->args[4], h.msg_control, h.msg_controllen);
	if (!err)
		err = mem_write(p->tid, c->cap[5] + offsetof(struct msghdr, msg_controllen),
				&h.msg_controllen, sizeof(h.msg_controllen));
	free(h.msg_control);
	return err;
}

/* The data, then what the kernel writes into the replica's msghdr: the
 * address (as much as its buffer holds) or the control data, their
 * lengths and the flags. */
static struct answer recvmsg_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	const struct msghdr *m = e->out[5];
	struct answer a = generic_deliver(e, p);
	socklen_t len;
	int err = 0, flags;

	if (e->ret < 0 || a.kind != ANS_VAL || a.val < 0 || !m)
		return a;
	if (c->se == &recvmsg_ctl_sysent) {
		err = control_out(e, p, c, m);
	} else {
		len = m->msg_namelen < c->args[5] ? m->msg_namelen : (socklen_t)c->args[5];
		if (c->args[4] && len)
			err = mem_write(p->tid, c->args[4], m->msg_name, len);
	}
	/* the kernel echoes MSG_CMSG_CLOEXEC, which the monitor asked for */
	flags = (m->msg_flags & ~MSG_CMSG_CLOEXEC) | ((int)c->args[3] & MSG_CMSG_CLOEXEC);
	if (!err)
		err = mem_write(p->tid, c->cap[5] + offsetof(struct msghdr, msg_namelen),
				&m->msg_namelen, sizeof(m->msg_namelen));
	if (!err)
		err = mem_write(p->tid, c->cap[5] + offsetof(struct msghdr, msg_flags), &flags,
				sizeof(flags));
	return err ? ans_val(err) : a;
}

const struct handler h_recvmsg = {
	.classify = recvmsg_classify,
	.prepare = recvmsg_prepare,
	.finish = recvmsg_finish,
	.deliver = recvmsg_deliver,
	.may_block = true,
	.refuse_why = "recvmsg with a control buffer and an address, or one over 4096 bytes, is "
		      "not supported",
};
