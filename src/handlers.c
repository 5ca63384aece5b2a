/* Handlers for the irregular syscalls: those that create, copy or close
 * descriptors, the virtual process ids, exits, and the commands of ioctl and
 * fcntl. Everything the table can describe takes the generic path. */
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <linux/fs.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <x86intrin.h>

#include "../lib/protocol.h"
#include "epoll.h"
#include "mem.h"
#include "monitor_int.h"
#include "seq.h"
#include "timer.h"
#include "util.h"

void monitor_exit_agreed(int status);
extern pid_t monitor_pid;

static int addfd(struct peer *p, int mfd, int target, bool cloexec, bool send)
{
	struct seccomp_notif_addfd a = {
		.id = p->notif_id,
		.srcfd = mfd,
		.newfd = target >= 0 ? target : 0,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
		.flags = (target >= 0 ? SECCOMP_ADDFD_FLAG_SETFD : 0) |
			 (send ? SECCOMP_ADDFD_FLAG_SEND : 0),
	};
	int fd = ioctl(p->rep->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	if (fd < 0)
		return -errno;
	if (send)
		p->waiting = W_NONE; /* the ioctl answered the call */
	return fd;
}

int peer_addfd_send(struct peer *p, int mfd, int target, bool cloexec)
{
	return addfd(p, mfd, target, cloexec, true);
}

int peer_addfd(struct peer *p, int mfd, int target, bool cloexec)
{
	return addfd(p, mfd, target, cloexec, false);
}

/* Gives a new external object to p as the call's result. */
int handler_deliver_new_fd(struct entry *e, struct peer *p, bool cloexec)
{
	int fd, err;

	if (e->ret < 0 || !e->priv)
		return monitor_respond(p, e->ret, false);
	err = exec_copy_out(e, p);
	if (err)
		return err;
	fd = peer_addfd_send(p, e->priv->instfd >= 0 ? e->priv->instfd : e->priv->mfd,
			     monitor_fd_number(e, p, 0, 0), cloexec);
	if (fd < 0)
		return fd;
	fdtab_set(&p->proc->fds, fd, e->priv, cloexec);
	return 0;
}

void handler_finish_new_fd(struct entry *e)
{
	if (e->ret >= 0) {
		e->priv = fobj_new((int)e->ret, false);
		fobj_get(e->priv); /* the entry's reference */
	}
}

/* ---- open, openat, creat ---- */

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
	size_t i;

	if (!strncmp(in, "/proc/self", 10) && (in[10] == '/' || !in[10])) {
		snprintf(path, size, "/proc/%d%s", (int)p->proc->pid, in + 10);
		return true;
	}
	if (!strncmp(in, "/proc/thread-self", 17) && (in[17] == '/' || !in[17])) {
		snprintf(path, size, "/proc/%d/task/%d%s", (int)p->proc->pid, (int)p->tid, in + 17);
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

static bool is_open(long nr)
{
	return nr == SYS_open || nr == SYS_openat;
}

/* The descriptor argument that decides whether a call is private. */
static int fd_arg(const struct call *c)
{
	if (c->nr == SYS_mmap)
		return 4;
	if (c->nr == SYS_close || c->nr == SYS_fcntl || c->nr == SYS_ioctl ||
	    (c->se && (c->se->flags & SF_FD0)))
		return 0;
	return -1;
}

/* An M_EACH call that takes no place in the peer group's list: once the
 * program has threads, a call that touches only the replica's own objects
 * may come from whichever thread gets there first (libc reading a system
 * fact for malloc), so the replicas make it in different orders and
 * threads. Before that, the replicas are in step, and such calls keep
 * their place (their descriptor numbers are chosen alike). */
/* glibc's temporary names (tempname.c) mix the clock with a stack address
 * and, when that value falls in a range it rejects (about 1 in 22 under
 * ASLR, so in some replicas and not others), draw 8 bytes with
 * getrandom(GRND_NONBLOCK). That exact draw is the replica's own, outside
 * its list: the name it yields differs anyway, and tempname.c aligns it.
 * Any other getrandom is an input like the rest. */
static bool tempname_draw(const struct call *c)
{
	return c->nr == SYS_getrandom && c->args[1] == 8 && c->args[2] == GRND_NONBLOCK;
}

static enum mode getrandom_classify(struct peer *p, struct call *c)
{
	(void)p;
	return tempname_draw(c) ? M_EACH : M_INPUT;
}

bool handler_unordered(struct peer *p, struct call *c)
{
	char path[PATH_MAX];
	int i = fd_arg(c);
	struct fobj *o;

	if (tempname_draw(c))
		return true;
	if (!p->rep->threads_made)
		return false;
	if (is_open(c->nr) && open_path(c))
		return private_path(open_path(c), p, path, sizeof(path));
	if (i < 0)
		return false;
	o = peer_fobj(p, (long)c->args[i]);
	return !o || o->private_;
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

static int open_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	int err = exec_prepare(e);

	if (err)
		return err;
	/* always openat, from the process's own working directory */
	e->xnr = SYS_openat;
	e->xargs[0] = c->nr == SYS_openat ? e->xargs[0] : (uint64_t)entry_proc(e, e->agreed)->cwd;
	e->xargs[1] = (uint64_t)open_path(c);
	e->xargs[2] = (unsigned)open_flags(c) | O_CLOEXEC;
	e->xargs[3] = c->args[c->nr == SYS_openat ? 3 : (c->nr == SYS_open ? 2 : 1)];
	return 0;
}

/* An O_PATH descriptor cannot be passed with ADDFD (the kernel will not
 * take it from the monitor's table); the replicas get the same file opened
 * for reading instead (a directory, for the *at calls, as a rule), while
 * the monitor keeps the O_PATH one for what it does on their behalf. */
static void open_finish(struct entry *e)
{
	char path[64];
	int fl = open_flags(e->call[e->agreed]);

	handler_finish_new_fd(e);
	if (!e->priv || !(fl & O_PATH))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", e->priv->mfd);
	e->priv->instfd = open(path, O_RDONLY | O_CLOEXEC | (fl & O_DIRECTORY));
	if (e->priv->instfd < 0) {
		e->ret = -errno;
		warnx("O_PATH open of %s: the monitor cannot pass it on unless it is readable",
		      open_path(e->call[e->agreed]));
		fobj_put(e->priv);
		e->priv = NULL;
	}
}

static int open_deliver(struct entry *e, struct peer *p)
{
	return handler_deliver_new_fd(e, p, open_flags(e->call[p->rep->idx]) & O_CLOEXEC);
}

/* A private /proc file: the monitor opens the replica's own and hands it over. */
static int open_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	char path[PATH_MAX];
	int fd, fl = open_flags(c), newfd;
	struct fobj *o;

	(void)cont;
	private_path(open_path(c), p, path, sizeof(path));
	fd = openat(AT_FDCWD, path, fl | O_CLOEXEC, (mode_t)c->args[c->nr == SYS_openat ? 3 : 2]);
	if (fd < 0) {
		*ret = -errno;
		return 0;
	}
	newfd = peer_addfd_send(p, fd, monitor_fd_number(e, p, 0, 0), fl & O_CLOEXEC);
	close(fd);
	if (newfd < 0)
		return newfd;
	o = fobj_new(-1, true);
	fdtab_set(&p->proc->fds, newfd, o, fl & O_CLOEXEC);
	return 0;
}

/* ---- close, dup, dup2, dup3 ---- */

static int close_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	(void)e;
	if (!peer_fobj(p, (long)c->args[0])) {
		*ret = -EBADF;
		return 0;
	}
	/* The replica closes its own descriptor once answered; until its
	 * thread's next call the number stays taken, or a descriptor installed
	 * there in between would be the one closed. */
	fdtab_closing(&p->proc->fds, (int)c->args[0]);
	p->closing_fd = (int)c->args[0];
	*cont = true;
	return 0;
}

/* The monitor's own copy of o as replica p holds it: for a private
 * object, taken from the replica (pidfd_getfd). -1 with errno. */
static int object_fd(struct peer *p, struct fobj *o, int fd)
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

/* Copies descriptor old to target in p's replica, as dup2 would. */
static int install_copy(struct peer *p, int old, int target, bool cloexec, long *ret)
{
	struct fobj *o = peer_fobj(p, old);
	int fd, mfd;

	if (!o) {
		*ret = -EBADF;
		return 0;
	}
	if (target >= 1 << 20) {
		*ret = -EBADF;
		return 0;
	}
	mfd = object_fd(p, o, old);
	if (mfd < 0)
		return -errno;
	fd = peer_addfd(p, mfd, target, cloexec);
	close(mfd);
	if (fd < 0)
		return fd;
	fdtab_set(&p->proc->fds, fd, o, cloexec);
	*ret = fd;
	return 0;
}

static int dup_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	int old = (int)c->args[0], target = (int)c->args[1];

	(void)cont;
	switch (c->nr) {
	case SYS_dup:
		return install_copy(p, old, monitor_fd_number(e, p, 0, 0), false, ret);
	case SYS_dup2:
		if (old == target) {
			*ret = peer_fobj(p, old) ? target : -EBADF;
			return 0;
		}
		return install_copy(p, old, target, false, ret);
	default:
		if (old == target || (c->args[2] & ~(uint64_t)O_CLOEXEC)) {
			*ret = -EINVAL;
			return 0;
		}
		return install_copy(p, old, target, c->args[2] & O_CLOEXEC, ret);
	}
}

/* ---- fcntl ---- */

#define FLOCK_SIZE 32 /* struct flock on x86_64 */

static const struct sysent fcntl_getlk = {
	"fcntl", 3, SC_INPUT, 0, 0,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_INOUT, 0, -1, FLOCK_SIZE } } };
static const struct sysent fcntl_setlk = {
	"fcntl", 3, SC_OUTPUT, 0, 0,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, FLOCK_SIZE } } };

/* Commands without a third argument: whatever register value is there
 * is not compared. */
static const struct sysent fcntl_noarg = {
	"fcntl", 2, SC_INPUT, 0, 0, { { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 } } };

static enum mode fcntl_classify(struct peer *p, struct call *c)
{
	struct fobj *o = peer_fobj(p, (long)c->args[0]);
	int cmd = (int)c->args[1];

	if (cmd == F_GETFD || cmd == F_GETFL || cmd == F_GETPIPE_SZ || cmd == F_GET_SEALS ||
	    cmd == F_GETOWN || cmd == F_GETSIG || cmd == F_GETLEASE)
		c->se = &fcntl_noarg;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_GETFD:
	case F_SETFD:
		return M_EACH;
	default:
		break;
	}
	if (!o || o->private_)
		return M_EACH; /* unknown: EBADF; private: the replica's own */
	switch ((int)c->args[1]) {
	case F_GETFL:
	case F_GETPIPE_SZ:
		return M_INPUT;
	case F_SETFL:
	case F_SETPIPE_SZ:
		return M_OUTPUT;
	case F_GETLK:
	case F_OFD_GETLK:
		return call_recapture(c, p->tid, &fcntl_getlk) ? M_REFUSE : M_INPUT;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return call_recapture(c, p->tid, &fcntl_setlk) ? M_REFUSE : M_OUTPUT;
	default:
		return M_REFUSE;
	}
}

static int fcntl_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	int fd = (int)c->args[0], cmd = (int)c->args[1];

	if (!peer_fobj(p, fd)) {
		*ret = -EBADF;
		return 0;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((long)c->args[2] < 0) {
			*ret = -EINVAL;
			return 0;
		}
		return install_copy(p, fd, monitor_fd_number(e, p, 0, (int)c->args[2]),
				    cmd == F_DUPFD_CLOEXEC, ret);
	case F_SETFD:
		fdtab_set_cloexec(&p->proc->fds, fd, c->args[2] & FD_CLOEXEC);
		*cont = true;
		return 0;
	default:
		*cont = true;
		return 0;
	}
}

/* ---- ioctl: the terminal and socket requests programs commonly make ---- */

#define TERMIOS_SIZE sizeof(struct termios) /* the kernel's, not glibc's */

#define IOCTL_IN(req, sz) { "ioctl", 3, SC_OUTPUT, 0, (int)(req), \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, sz } } }
#define IOCTL_OUT(req, sz) { "ioctl", 3, SC_INPUT, 0, (int)(req), \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_OUT, 0, -1, sz } } }

/* errno_val holds the request: these are private descriptions, never in
 * the table, so the field is free. */
static const struct sysent ioctls[] = {
	IOCTL_OUT(TCGETS, TERMIOS_SIZE),
	IOCTL_IN(TCSETS, TERMIOS_SIZE),
	IOCTL_IN(TCSETSW, TERMIOS_SIZE),
	IOCTL_IN(TCSETSF, TERMIOS_SIZE),
	IOCTL_OUT(TIOCGWINSZ, sizeof(struct winsize)),
	IOCTL_OUT(TIOCGPGRP, sizeof(int)),
	IOCTL_OUT(FIONREAD, sizeof(int)),
	IOCTL_IN(FIONBIO, sizeof(int)),
	/* reflink copy (cp): data from one external file into another */
	{ "ioctl", 3, SC_OUTPUT, 0, (int)FICLONE,
	  { { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_FD, 0, -1, 0 } } },
};

static enum mode ioctl_classify(struct peer *p, struct call *c)
{
	struct fobj *o = peer_fobj(p, (long)c->args[0]);
	unsigned req = (unsigned)c->args[1];
	size_t i;

	if (!o || o->private_ || req == FIOCLEX || req == FIONCLEX)
		return M_EACH;
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		if ((unsigned)ioctls[i].errno_val != req)
			continue;
		if (call_recapture(c, p->tid, &ioctls[i]))
			return M_REFUSE;
		return ioctls[i].cls == SC_INPUT ? M_INPUT : M_OUTPUT;
	}
	return M_REFUSE;
}

static int ioctl_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	(void)e;
	unsigned req = (unsigned)c->args[1];

	if (!peer_fobj(p, (long)c->args[0])) {
		*ret = -EBADF;
		return 0;
	}
	if (req == FIOCLEX || req == FIONCLEX)
		fdtab_set_cloexec(&p->proc->fds, (int)c->args[0], req == FIOCLEX);
	*cont = true;
	return 0;
}

/* ---- pipe, pipe2, socketpair: private to the replica ---- */

static int private_pair_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	int fds[2], got[2] = { -1, -1 }, i, err = 0, flags;
	uint64_t where;

	(void)cont;
	if (c->nr == SYS_socketpair) {
		flags = (int)c->args[1] & SOCK_CLOEXEC ? O_CLOEXEC : 0;
		where = c->args[3];
		if (socketpair((int)c->args[0], (int)c->args[1], (int)c->args[2], fds) < 0)
			goto out_errno;
	} else {
		flags = c->nr == SYS_pipe2 ? (int)c->args[1] : 0;
		where = c->args[0];
		if (pipe2(fds, flags | O_CLOEXEC) < 0)
			goto out_errno;
	}
	for (i = 0; i < 2 && !err; i++) {
		got[i] = peer_addfd(p, fds[i], monitor_fd_number(e, p, i, 0), flags & O_CLOEXEC);
		if (got[i] < 0)
			err = got[i];
	}
	close(fds[0]);
	close(fds[1]);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		struct fobj *o = fobj_new(-1, true);

		o->type = c->nr == SYS_socketpair ? S_IFSOCK : S_IFIFO;
		fdtab_set(&p->proc->fds, got[i], o, flags & O_CLOEXEC);
	}
	*ret = mem_write(p->tid, where, got, sizeof(got));
	return 0;
out_errno:
	*ret = -errno;
	return 0;
}

/* ---- socket, accept ---- */

static int socket_deliver(struct entry *e, struct peer *p)
{
	return handler_deliver_new_fd(e, p, e->call[p->rep->idx]->args[1] & SOCK_CLOEXEC);
}

/* ---- sendmsg: as sendto, when it carries no control data ---- */

/* The call after classify: fd, the iovec array (gathered and compared),
 * its count, flags, the address (compared) and its length. */
static const struct sysent sendmsg_sysent = {
	"sendmsg", 6, SC_OUTPUT, SF_FD0, 0,
	{ { A_FD, 0, -1, 0 }, { A_IOV_IN, 0, 2, 0 }, { A_INT, 0, -1, 0 }, { A_INT, 0, -1, 0 },
	  { A_IN, AF_SOCKADDR | AF_NULLOK, 5, 0 }, { A_INT, 0, -1, 0 } } };

/* Descriptors passed in control data (SCM_RIGHTS) would need translating
 * both ways: refused. */
static enum mode sendmsg_classify(struct peer *p, struct call *c)
{
	struct fobj *o = peer_fobj(p, (long)c->args[0]);
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
	if (call_recapture(c, p->tid, &sendmsg_sysent))
		return M_REFUSE;
	return M_OUTPUT;
}

/* Runs as sendto on the gathered bytes. */
static int sendmsg_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	int err = exec_prepare(e);

	if (err)
		return err;
	e->xnr = SYS_sendto;
	e->xargs[1] = (uint64_t)c->buf[1];
	e->xargs[2] = c->len[1];
	e->xargs[3] = c->args[3];
	return 0;
}

/* eventfd: an external object like a socket, which every replica shares
 * and whose reads and writes go through the monitor (threads signal each
 * other with it, often in the same epoll set as their sockets). */
static int eventfd_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];

	return handler_deliver_new_fd(e, p, c->nr == SYS_eventfd2 && (c->args[1] & EFD_CLOEXEC));
}

static int accept_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];

	return handler_deliver_new_fd(e, p, c->nr == SYS_accept4 && (c->args[3] & SOCK_CLOEXEC));
}

/* ---- virtual process ids: replica 0's, the same in every replica ---- */

static int vpid_prepare(struct entry *e)
{
	struct proc *pr = entry_proc(e, e->agreed);

	switch (e->call[e->agreed]->nr) {
	case SYS_getppid:
		e->ret = pr->vppid;
		break;
	case SYS_gettid:
		e->ret = e->grp->vtid;
		break;
	default:
		e->ret = pr->vpid;
		break;
	}
	return 1;
}

/* The thread ids in tkill and tgkill may be real ones that the kernel
 * wrote into the program's memory (CLONE_PARENT_SETTID: glibc's
 * pthread_kill uses them); compared as virtual ids, they agree. */
static enum mode kill_classify(struct peer *p, struct call *c)
{
	int tid_arg = c->nr == SYS_tgkill ? 1 : 0;

	if (c->nr != SYS_kill)
		c->args[tid_arg] = (uint64_t)monitor_vtid(p->rep, (pid_t)c->args[tid_arg]);
	return M_EACH;
}

/* A signal for another thread or process of the replica: the first
 * replica to send it has it delivered to the target's peer group at one
 * position in every replica (forward.c); the others' sends find it on its
 * way. A signal to the sender itself (raise, abort) must arrive before the
 * call returns: it goes at once. */
static int kill_positioned(struct entry *e, struct peer *p, pid_t real, int sig, long *ret)
{
	struct peer *t = peer_find(real);

	if (!t || t == p || sig == 0)
		return 0;
	if (e->agreed < 0 && !signal_group(t->grp, sig, false))
		return 0; /* too many on their way: the kernel's moment */
	*ret = 0;
	return 1;
}

/* kill, tkill, tgkill aimed at the replica itself (raise, abort,
 * pthread_kill, a signal to a child): delivered to the replica's own
 * thread. */
static int kill_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	long target = (long)c->args[0];
	int sig = (int)c->args[c->nr == SYS_tgkill ? 2 : 1];
	pid_t real;

	(void)e, (void)cont;
	if (c->nr == SYS_tgkill)
		target = (long)c->args[1];
	else if (c->nr == SYS_kill && target == 0)
		target = p->proc->vpid; /* its process group: itself, as far as we know */
	if (target < 0) {
		monitor_refuse(p, c, "signals to process groups are not supported yet");
		*ret = -EPERM;
		return 0;
	}
	/* a thread or process of the same replica, by its virtual id */
	real = monitor_real_tid(p->rep, (pid_t)target);
	if (real < 0)
		*ret = -ESRCH;
	else if (e && kill_positioned(e, p, real, sig, ret))
		return 0;
	else if (c->nr == SYS_kill)
		*ret = kill(real, sig) < 0 ? -errno : 0;
	else
		*ret = syscall(SYS_tkill, real, sig) < 0 ? -errno : 0;
	return 0;
}

/* ---- exit, exit_group, execve ---- */

static int exit_prepare(struct entry *e)
{
	/* the run's status is the initial process's */
	if (entry_proc(e, e->agreed) == replicas[e->agreed].proc0)
		monitor_exit_agreed((int)e->call[e->agreed]->args[0]);
	e->cont = true;
	return 1;
}

/* A call the replica makes itself, after comparison, that touches nothing
 * outside it:
 * - a thread's exit keeps its place in the list, but does not wait for its
 *   peers, who may be blocked on a lock this thread's replica-mates hold
 *   (pigz joins its threads in whatever order they end);
 * - credentials the process changes for itself: with no_new_privs it can
 *   only give privileges up (posix_spawn with POSIX_SPAWN_RESETIDS);
 * - the prctl options in prctl_own. */
static int own_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	(void)e, (void)p, (void)c, (void)ret;
	*cont = true;
	return 0;
}

static int cont_prepare(struct entry *e)
{
	e->cont = true;
	return 1;
}

/* chdir, fchdir: the monitor opens the new directory (O_PATH) as the
 * process's working directory, in every replica's copy of it, and each
 * replica changes its own as well, for what it resolves itself (execve). */
static int chdir_prepare(struct entry *e)
{
	int err = exec_prepare(e);

	if (err)
		return err;
	e->xnr = SYS_openat;
	if (e->call[e->agreed]->nr == SYS_chdir) {
		e->xargs[1] = e->xargs[0];
		e->xargs[0] = (uint64_t)entry_proc(e, e->agreed)->cwd;
	} else {
		e->xargs[1] = (uint64_t)"."; /* the directory fd names itself */
	}
	e->xargs[2] = O_PATH | O_DIRECTORY | O_CLOEXEC;
	e->xargs[3] = 0;
	return 0;
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

static int chdir_deliver(struct entry *e, struct peer *p)
{
	struct proc *pr = p->proc;
	int fd;

	if (e->ret < 0)
		return monitor_respond(p, e->ret, false);
	fd = fcntl(e->priv->mfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	close(pr->cwd);
	pr->cwd = fd;
	return monitor_respond(p, 0, true);
}

/* getcwd: the process's working directory as the monitor holds it. */
static int getcwd_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", entry_proc(e, e->agreed)->cwd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return -errno;
	path[n] = 0;
	if ((size_t)n + 1 > c->cap[0]) {
		e->ret = -ERANGE;
		return 1;
	}
	e->out[0] = xcalloc(1, c->cap[0]);
	memcpy(e->out[0], path, n + 1);
	e->ret = n + 1;
	return 1;
}

/* mmap reaches the monitor only for shared mappings of a descriptor. */
static int mmap_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	struct fobj *o = peer_fobj(p, (long)c->args[4]);

	(void)e;
	if (!o) {
		*ret = -EBADF;
		return 0;
	}
	if (o->private_ || o->accmode == O_RDONLY) {
		*cont = true;
		return 0;
	}
	monitor_refuse(p, c, "a shared mapping of a file open for writing would bypass the vote");
	*ret = -EACCES;
	return 0;
}

/* ---- poll, ppoll: run on the monitor's descriptors ---- */

static int poll_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct pollfd *fds;
	size_t i, n;
	int err = exec_prepare(e);

	if (err)
		return err;
	fds = e->out[0];
	n = c->len[0] / sizeof(*fds);
	for (i = 0; i < n; i++) {
		struct fobj *o;

		if (fds[i].fd < 0)
			continue;
		o = fdtab_get(&entry_proc(e, e->agreed)->fds, fds[i].fd);
		if (o && o->private_)
			return -EXDEV;
		fds[i].fd = o ? o->mfd : INT_MAX; /* INT_MAX: POLLNVAL, as for a bad fd */
	}
	if (c->nr == SYS_ppoll)
		e->xargs[3] = 0; /* the monitor's signals stay blocked */
	return 0;
}

static int poll_deliver(struct entry *e, struct peer *p)
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
			return err;
		if (c->nr == SYS_ppoll && c->args[2] && e->out[2])
			mem_write(p->tid, c->args[2], e->out[2], c->cap[2]);
	}
	return monitor_respond(p, e->ret, false);
}

/* ---- select, pselect6: on the replica's own descriptors only ---- */

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
		const unsigned char *set = c->buf[i];

		if (!c->args[i] || !set)
			continue;
		for (fd = 0; fd < nfds && (size_t)fd / 8 < c->len[i]; fd++) {
			struct fobj *o;

			if (!(set[fd / 8] & (1u << (fd % 8))))
				continue;
			o = peer_fobj(p, fd);
			if (!o || !o->private_)
				return M_REFUSE;
		}
	}
	return M_EACH;
}

/* ---- prctl: what a program may do to itself ---- */

/* Options that change only the calling process, harmless to the monitor.
 * Not among them: PR_SET_DUMPABLE (would end the monitor's access to the
 * replica's memory), PR_SET_TSC, PR_SET_SECCOMP, PR_SET_PTRACER. */
static const int prctl_own[] = {
	PR_SET_NAME, PR_GET_NAME, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE,
	PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_CAPBSET_READ, PR_GET_KEEPCAPS,
	PR_SET_KEEPCAPS, PR_GET_TIMERSLACK, PR_SET_TIMERSLACK, PR_GET_SECUREBITS,
	PR_SET_THP_DISABLE, PR_GET_THP_DISABLE, PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER,
	PR_MCE_KILL, PR_MCE_KILL_GET, PR_GET_TSC, PR_SET_VMA,
};

static enum mode prctl_classify(struct peer *p, struct call *c)
{
	size_t i;

	(void)p;
	for (i = 0; i < sizeof(prctl_own) / sizeof(prctl_own[0]); i++)
		if ((int)c->args[0] == prctl_own[i])
			return M_EACH;
	return M_REFUSE;
}

/* ---- events that are not syscalls ---- */

/* The monitor itself runs with rdtsc disabled (see monitor_tsc_off), so
 * it lifts that for the one read. */
static int rdtsc_prepare(struct entry *e)
{
	if (prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0) < 0)
		return -errno;
	e->ret = (long)__rdtsc();
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_TSC)");
	return 1;
}

static int signaled_prepare(struct entry *e)
{
	(void)e;
	return 1; /* the process is gone: nothing to run or answer */
}

/* ---- clone, clone3: threads ---- */

#define CLONE3_MIN 64 /* CLONE_ARGS_SIZE_VER0 */

/* Only threads for now: new processes need peer groups of processes. The
 * stack, tls and tid pointers differ under ASLR and are not compared; for
 * clone3 its struct is cut down to flags, exit signal and stack size. */
static enum mode clone_classify(struct peer *p, struct call *c)
{
	uint64_t flags = c->args[0];

	(void)p;
	if (c->nr == SYS_clone3) {
		uint64_t *a = c->buf[0], norm[3];

		if (!a || c->len[0] < CLONE3_MIN)
			return M_REFUSE;
		flags = a[0];
		norm[0] = a[0], norm[1] = a[4], norm[2] = a[6];
		memcpy(c->buf[0], norm, sizeof(norm));
		c->len[0] = sizeof(norm);
	}
	if (flags & CLONE_THREAD)
		return flags & CLONE_VM ? M_OUTPUT : M_REFUSE;
	/* a process: its descriptors and working directory are its own
	 * (shared ones would need shared tables in the monitor) */
	if (flags & (CLONE_FILES | CLONE_FS | CLONE_PARENT | CLONE_NEWNS | CLONE_NEWPID |
		     CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP))
		return M_REFUSE;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return M_REFUSE;
	return M_OUTPUT;
}

static enum mode fork_classify(struct peer *p, struct call *c)
{
	(void)p, (void)c;
	return M_OUTPUT;
}

#define THREADS_LATER "this kind of clone (shared descriptor table, namespaces, ...) is not supported"

static const struct handler handlers[] = {
	{ SYS_open, open_classify, open_prepare, open_finish, open_deliver, open_each, false, NULL },
	{ SYS_openat, open_classify, open_prepare, open_finish, open_deliver, open_each, false, NULL },
	{ SYS_creat, open_classify, open_prepare, open_finish, open_deliver, open_each, false, NULL },
	{ SYS_close, NULL, NULL, NULL, NULL, close_each, false, NULL },
	{ SYS_dup, NULL, NULL, NULL, NULL, dup_each, false, NULL },
	{ SYS_dup2, NULL, NULL, NULL, NULL, dup_each, false, NULL },
	{ SYS_dup3, NULL, NULL, NULL, NULL, dup_each, false, NULL },
	{ SYS_fcntl, fcntl_classify, NULL, NULL, NULL, fcntl_each, false, "fcntl command not supported" },
	{ SYS_ioctl, ioctl_classify, NULL, NULL, NULL, ioctl_each, false, "ioctl request not supported" },
	{ SYS_pipe, NULL, NULL, NULL, NULL, private_pair_each, false, NULL },
	{ SYS_pipe2, NULL, NULL, NULL, NULL, private_pair_each, false, NULL },
	{ SYS_socketpair, NULL, NULL, NULL, NULL, private_pair_each, false, NULL },
	{ SYS_socket, NULL, NULL, handler_finish_new_fd, socket_deliver, NULL, false, NULL },
	{ SYS_sendmsg, sendmsg_classify, sendmsg_prepare, NULL, NULL, NULL, true,
	  "sendmsg with control data (descriptors, credentials) is not supported" },
	{ SYS_eventfd, NULL, NULL, handler_finish_new_fd, eventfd_deliver, NULL, false, NULL },
	{ SYS_eventfd2, NULL, NULL, handler_finish_new_fd, eventfd_deliver, NULL, false, NULL },
	{ SYS_accept, NULL, NULL, handler_finish_new_fd, accept_deliver, NULL, true, NULL },
	{ SYS_accept4, NULL, NULL, handler_finish_new_fd, accept_deliver, NULL, true, NULL },
	{ SYS_getpid, NULL, vpid_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_getppid, NULL, vpid_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_gettid, NULL, vpid_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_kill, kill_classify, NULL, NULL, NULL, kill_each, false, NULL },
	{ SYS_tkill, kill_classify, NULL, NULL, NULL, kill_each, false, NULL },
	{ SYS_tgkill, kill_classify, NULL, NULL, NULL, kill_each, false, NULL },
	{ SYS_exit, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_exit_group, NULL, exit_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_execve, NULL, cont_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_chdir, NULL, chdir_prepare, chdir_finish, chdir_deliver, NULL, false, NULL },
	{ SYS_fchdir, NULL, chdir_prepare, chdir_finish, chdir_deliver, NULL, false, NULL },
	{ SYS_getcwd, NULL, getcwd_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_mmap, NULL, NULL, NULL, NULL, mmap_each, false, NULL },
	{ SYS_setuid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setgid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setreuid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setregid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setresuid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setresgid, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_setgroups, NULL, NULL, NULL, NULL, own_each, false, NULL },
	{ SYS_prctl, prctl_classify, NULL, NULL, NULL, own_each, false, "this prctl option is not supported" },
	{ SYS_getrandom, getrandom_classify, NULL, NULL, NULL, NULL, false, NULL },
	{ SYS_select, select_classify, NULL, NULL, NULL, NULL, false,
	  "select on external descriptors is not supported (poll is)" },
	{ SYS_pselect6, select_classify, NULL, NULL, NULL, NULL, false,
	  "select on external descriptors is not supported (poll is)" },
	{ SYS_poll, NULL, poll_prepare, NULL, poll_deliver, NULL, true, NULL },
	{ SYS_ppoll, NULL, poll_prepare, NULL, poll_deliver, NULL, true, NULL },
	{ SYS_alarm, timer_classify, timer_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_setitimer, timer_classify, timer_prepare, NULL, NULL, NULL, false,
	  "only ITIMER_REAL timers are supported" },
	{ SYS_getitimer, timer_classify, timer_prepare, NULL, NULL, NULL, false,
	  "only ITIMER_REAL timers are supported" },
	{ REPLICANT_SYS_HELLO, seq_hello_classify, NULL, NULL, NULL, seq_hello_each, false, NULL },
	{ REPLICANT_SYS_DECIDE, seq_decide_classify, seq_decide_prepare, NULL, NULL, NULL, false, NULL },
	{ REPLICANT_SYS_MISUSE, seq_misuse_classify, seq_misuse_prepare, NULL, NULL, NULL, false, NULL },
	{ RSYS_RDTSC, NULL, rdtsc_prepare, NULL, NULL, NULL, false, NULL },
	{ RSYS_RDTSCP, NULL, rdtsc_prepare, NULL, NULL, NULL, false, NULL },
	{ RSYS_SIGNALED, NULL, signaled_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_clone, clone_classify, cont_prepare, NULL, NULL, NULL, false, THREADS_LATER },
	{ SYS_clone3, clone_classify, cont_prepare, NULL, NULL, NULL, false, THREADS_LATER },
	{ SYS_fork, fork_classify, cont_prepare, NULL, NULL, NULL, false, NULL },
	{ SYS_vfork, fork_classify, cont_prepare, NULL, NULL, NULL, false, NULL },
};

const struct handler *handler_find(long nr)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].nr == nr)
			return &handlers[i];
	for (i = 0; epoll_handlers[i].nr; i++)
		if (epoll_handlers[i].nr == nr)
			return &epoll_handlers[i];
	return NULL;
}
