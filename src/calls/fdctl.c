/* fcntl and ioctl: the commands programs commonly give, each with the
 * description of its third argument. */
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>

#include "calls/calls.h"
#include "model/procs.h"

#define FLOCK_SIZE 32 /* struct flock on x86_64 */
_Static_assert(sizeof(struct flock) == FLOCK_SIZE, "struct flock is 32 bytes");

static const struct sysent fcntl_getlk = {
	"fcntl", 3, SC_INPUT, 0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_INOUT, 0, -1, FLOCK_SIZE } } };
static const struct sysent fcntl_setlk = {
	"fcntl", 3, SC_OUTPUT, 0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, FLOCK_SIZE } } };

/* Commands without a third argument: whatever register value is there
 * is not compared. */
static const struct sysent fcntl_noarg = {
	"fcntl", 2, SC_INPUT, 0, 0, NULL, { { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 } } };

static bool fcntl_no_third(int cmd)
{
	return cmd == F_GETFD || cmd == F_GETFL || cmd == F_GETPIPE_SZ || cmd == F_GET_SEALS ||
	       cmd == F_GETOWN || cmd == F_GETSIG || cmd == F_GETLEASE;
}

/* struct flock means l_type, l_whence, l_start and l_len: its padding
 * (often stack garbage, an address under ASLR: sqlite) is cleared in the
 * captured copy, which is what is compared and what the monitor passes
 * on, and so is l_pid, which the kernel ignores, except for the OFD
 * commands, which require it to be 0 (a replica that passes another is
 * refused by the kernel alike). */
static void flock_meaning(struct call *c)
{
	int cmd = (int)c->args[1];
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct flock fl;

	if (!c->buf[2] || c->len[2] < sizeof(fl))
		return;
	memcpy(&fl, c->buf[2], sizeof(fl));
	memset(c->buf[2], 0, sizeof(fl));
	((struct flock *)c->buf[2])->l_type = fl.l_type;
	((struct flock *)c->buf[2])->l_whence = fl.l_whence;
	((struct flock *)c->buf[2])->l_start = fl.l_start;
	((struct flock *)c->buf[2])->l_len = fl.l_len;
	if (ofd)
		((struct flock *)c->buf[2])->l_pid = fl.l_pid;
}

/* The mode of a command on an external descriptor. */
static enum mode fcntl_external(struct peer *p, struct call *c)
{
	switch ((int)c->args[1]) {
	case F_GETFL:
	case F_GETPIPE_SZ:
		return M_INPUT;
	case F_SETFL:
	case F_SETPIPE_SZ:
		return M_OUTPUT;
	case F_GETLK:
	case F_OFD_GETLK:
		if (call_recapture(c, p->tid, &fcntl_getlk))
			return M_REFUSE;
		flock_meaning(c);
		return M_INPUT;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (call_recapture(c, p->tid, &fcntl_setlk))
			return M_REFUSE;
		flock_meaning(c);
		return M_OUTPUT;
	default:
		return M_REFUSE;
	}
}

/* Commands that make the kernel send signals to a process the call names
 * (SIGIO, or any with F_SETSIG): on any descriptor, a replica's own pipe
 * included, that process could be another replica's or the monitor. */
static bool fcntl_signals_someone(int cmd)
{
	return cmd == F_SETOWN || cmd == F_SETOWN_EX || cmd == F_SETSIG || cmd == F_SETLEASE ||
	       cmd == F_NOTIFY;
}

static enum mode fcntl_classify(struct peer *p, struct call *c)
{
	struct fobj *o = proc_fobj(p->proc, (long)c->args[0]);
	int cmd = (int)c->args[1];

	if (fcntl_signals_someone(cmd)) {
		c->why = "fcntl commands that direct signals to a process are not supported";
		return M_REFUSE;
	}
	if (fcntl_no_third(cmd))
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
	return fcntl_external(p, c);
}

static struct answer fcntl_each(struct entry *e, struct peer *p, struct call *c)
{
	int fd = (int)c->args[0], cmd = (int)c->args[1];

	if (!proc_fobj(p->proc, fd))
		return ans_val(-EBADF);
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((long)c->args[2] < 0)
			return ans_val(-EINVAL);
		return fd_install_copy(p, fd, proc_fd_number(e, p, 0, (int)c->args[2]),
				       cmd == F_DUPFD_CLOEXEC);
	case F_SETFD:
		fdtab_set_cloexec(&p->proc->fds, fd, c->args[2] & FD_CLOEXEC);
		return ans_cont();
	default:
		return ans_cont();
	}
}

const struct handler h_fcntl = {
	.classify = fcntl_classify,
	.each = fcntl_each,
	.refuse_why = "fcntl command not supported",
};

#define TERMIOS_SIZE sizeof(struct termios) /* the kernel's, not glibc's */

#define IOCTL_IN(req, sz) { "ioctl", 3, SC_OUTPUT, 0, (int)(req), NULL, \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, sz } } }
#define IOCTL_OUT(req, sz) { "ioctl", 3, SC_INPUT, 0, (int)(req), NULL, \
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
	{ "ioctl", 3, SC_OUTPUT, 0, (int)FICLONE, NULL,
	  { { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_FD, 0, -1, 0 } } },
};

/* Requests a replica may make on its own descriptors (its /proc files):
 * they touch nothing but the descriptor. Others could reach past it
 * (TIOCSTI injects input into a terminal). */
static bool ioctl_private_ok(unsigned req)
{
	return req == FIONBIO || req == FIOCLEX || req == FIONCLEX || req == FIONREAD ||
	       req == TCGETS || req == TIOCGWINSZ || req == TIOCGPGRP || req == FIOASYNC;
}

static enum mode ioctl_classify(struct peer *p, struct call *c)
{
	struct fobj *o = proc_fobj(p->proc, (long)c->args[0]);
	unsigned req = (unsigned)c->args[1];
	size_t i;

	if (o && o->private_ && !ioctl_private_ok(req)) {
		c->why = "this ioctl request on a replica's own descriptor is not supported";
		return M_REFUSE;
	}
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

static struct answer ioctl_each(struct entry *e, struct peer *p, struct call *c)
{
	unsigned req = (unsigned)c->args[1];

	(void)e;
	if (!proc_fobj(p->proc, (long)c->args[0]))
		return ans_val(-EBADF);
	if (req == FIOCLEX || req == FIONCLEX)
		fdtab_set_cloexec(&p->proc->fds, (int)c->args[0], req == FIOCLEX);
	return ans_cont();
}

const struct handler h_ioctl = {
	.classify = ioctl_classify,
	.each = ioctl_each,
	.refuse_why = "ioctl request not supported",
};
