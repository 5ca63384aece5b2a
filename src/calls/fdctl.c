/* fcntl and ioctl: the commands programs commonly give, each with the
 * description of its third argument. */
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "calls/async.h"
#include "calls/calls.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/plocks.h"
#include "model/procs.h"
#include "os/mem.h"
#include "os/util.h"

#define FLOCK_SIZE 32 /* struct flock on x86_64 */
_Static_assert(sizeof(struct flock) == FLOCK_SIZE, "struct flock is 32 bytes");

static const struct sysent fcntl_getlk = {
	"fcntl", 3, SC_INPUT, 0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_INOUT, 0, -1, FLOCK_SIZE } } };
static const struct sysent fcntl_setlk = {
	"fcntl", 3, SC_OUTPUT, 0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, FLOCK_SIZE } } };

/* F_GETOWN_EX (glibc's F_GETOWN): a struct f_owner_ex out. */
static const struct sysent fcntl_getown_ex = {
	"fcntl", 3, SC_INPUT, 0, 0, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_OUT, 0, -1, sizeof(struct f_owner_ex) } } };

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

/* F_SETOWN: a process of the replica (by its virtual pid), or none; the
 * owner is the object's, kept by the monitor (async.c). */
static enum mode setown_classify(struct peer *p, struct call *c)
{
	pid_t pid = (pid_t)c->args[2];

	if (pid < 0) {
		c->why = "F_SETOWN to a process group is not supported";
		return M_REFUSE;
	}
	if (pid > 0 && peer_real_tid(p->rep, pid) < 0) {
		c->why = "F_SETOWN names a process outside the replica";
		return M_REFUSE;
	}
	return M_OUTPUT;
}

/* The mode of a command on an external descriptor. */
static enum mode fcntl_external(struct peer *p, struct call *c)
{
	switch ((int)c->args[1]) {
	case F_SETOWN:
		return setown_classify(p, c);
	case F_GETOWN_EX:
		return call_recapture(c, p->tid, &fcntl_getown_ex) ? M_REFUSE : M_INPUT;
	case F_GETOWN:
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
 * (SIGIO, or any with F_SETSIG): on any descriptor, a replica's own
 * included, that process could be another replica's or the monitor.
 * F_SETOWN on an external one is the monitor's to keep (async.c). */
static bool fcntl_signals_someone(int cmd)
{
	return cmd == F_SETOWN_EX || cmd == F_SETSIG || cmd == F_SETLEASE || cmd == F_NOTIFY;
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
	if (o && o->private_ && cmd == F_SETOWN) {
		c->why = "F_SETOWN on a replica's own descriptor is not supported";
		return M_REFUSE;
	}
	if (!o || o->private_)
		return M_EACH; /* unknown: EBADF; private: the replica's own */
	return fcntl_external(p, c);
}

/* The kernel's rule for the process's own descriptor: a read lock needs
 * it readable, a write lock writable, and an O_PATH one takes none. The
 * description the lock is taken on may be opened for both (plocks.c). */
static bool lock_mode_ok(struct entry *e, const struct fobj *o)
{
	const struct flock *fl = (const struct flock *)e->xargs[2];
	int fl_flags = fcntl(o->mfd, F_GETFL);

	if (fl_flags < 0 || (fl_flags & O_PATH))
		return false;
	if ((int)e->call[e->agreed]->args[1] == F_GETLK || !fl)
		return true;
	if (fl->l_type == F_RDLCK)
		return o->accmode != O_WRONLY;
	if (fl->l_type == F_WRLCK)
		return o->accmode != O_RDONLY;
	return true;
}

/* A POSIX record lock on a regular file is the process's: it runs as an
 * OFD lock on the description the process locks through (model/plocks.h).
 * Other files keep the monitor's lock on its own descriptor. */
static enum prep record_lock_prepare(struct entry *e, struct fobj *o)
{
	int cmd = (int)e->call[e->agreed]->args[1], fd;

	if (generic_prepare(e) != PREP_RUN)
		return PREP_FAIL;
	if (o->type != S_IFREG)
		return PREP_RUN;
	if (!lock_mode_ok(e, o)) {
		e->ret = -EBADF;
		return PREP_DONE;
	}
	fd = plock_fd(list_proc(e, e->agreed)->vpid, o);
	if (fd < 0) {
		e->ret = -errno;
		return PREP_DONE;
	}
	e->xargs[0] = (uint64_t)fd;
	e->xargs[1] = cmd == F_SETLK ? F_OFD_SETLK : cmd == F_SETLKW ? F_OFD_SETLKW : F_OFD_GETLK;
	return PREP_RUN;
}

/* F_GETLK names the holder of a conflicting lock: the kernel says -1 for
 * an OFD lock, which is a process of the run's when it is one of theirs. */
static void fcntl_finish(struct entry *e)
{
	struct flock *fl = e->out[2];
	struct fobj *o = list_fobj(e, e->agreed, 0);

	if ((int)e->call[e->agreed]->args[1] != F_GETLK || e->ret || !fl || !o ||
	    o->type != S_IFREG || fl->l_type == F_UNLCK || fl->l_pid != -1)
		return;
	fl->l_pid = plock_holder(list_proc(e, e->agreed)->vpid, o, fl->l_type, fl->l_start,
				 fl->l_len);
}

/* The owner and O_ASYNC are the object's, kept by the monitor: F_SETOWN
 * and F_GETOWN do not run, F_SETFL runs and sets O_ASYNC as asked. */
static enum prep fcntl_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct fobj *o = list_fobj(e, e->agreed, 0);

	if (!o)
		return generic_prepare(e);
	switch ((int)c->args[1]) {
	case F_SETOWN:
		o->owner = (pid_t)c->args[2];
		async_apply(o);
		e->ret = 0;
		return PREP_DONE;
	case F_GETOWN:
		e->ret = o->owner;
		return PREP_DONE;
	case F_GETOWN_EX:
		if (generic_prepare(e) != PREP_RUN)
			return PREP_FAIL;
		/* the kernel's: a process owner, or none ever set (a thread 0) */
		*(struct f_owner_ex *)e->out[2] = (struct f_owner_ex){
			.type = o->owner ? F_OWNER_PID : F_OWNER_TID, .pid = o->owner };
		e->ret = 0;
		return PREP_DONE;
	case F_SETFL:
		o->async = c->args[2] & O_ASYNC;
		async_apply(o);
		o->direct = -1;	/* read again once it ran */
		/* only O_NOATIME asks the kernel who the caller is (its
		 * owner may set it); a server's O_NONBLOCK on each
		 * connection does not (list/execute.c, as_monitor) */
		e->as_monitor = !(c->args[2] & O_NOATIME);
		break;
	case F_GETFL:
		e->as_monitor = true;
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_GETLK:
		return record_lock_prepare(e, o);
	default:
		break;
	}
	return generic_prepare(e);
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
	.prepare = fcntl_prepare,
	.finish = fcntl_finish,
	.each = fcntl_each,
	.refuse_why = "fcntl command not supported",
};

#define TERMIOS_SIZE sizeof(struct termios) /* the kernel's, not glibc's */

#define IOCTL_IN(req, sz) { "ioctl", 3, SC_OUTPUT, 0, (int)(req), NULL, \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_IN, 0, -1, sz } } }
#define IOCTL_OUT(req, sz) { "ioctl", 3, SC_INPUT, 0, (int)(req), NULL, \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_OUT, 0, -1, sz } } }
#define IOCTL_INOUT(req, sz) { "ioctl", 3, SC_INPUT, 0, (int)(req), NULL, \
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_INOUT, 0, -1, sz } } }

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
	IOCTL_IN(FIOASYNC, sizeof(int)),	/* not run: async.c */
	/* reads of the host's network state on a socket the monitor owns:
	 * an ARP table entry (Squid's EUI-48 lookup of each client) */
	IOCTL_INOUT(SIOCGARP, sizeof(struct arpreq)),
	/* an interface's hardware address by its name (MariaDB's my_gethwaddr,
	 * for its server UUID, after SIOCGIFCONF) */
	IOCTL_INOUT(SIOCGIFHWADDR, sizeof(struct ifreq)),
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

/* SIOCGIFCONF: struct ifconf holds the length of a buffer and a pointer
 * to it, which differs between replicas. The call is described as
 * ioctl(fd, SIOCGIFCONF, ifconf, ifc_len, ifc_buf, has_buf): the length
 * and whether there is a buffer (none asks for the length only) compared,
 * the two addresses each replica's own (never compared); the monitor runs
 * it into a buffer of its own and each replica gets the interfaces in its
 * ifc_buf and the length in its ifc_len (ioctl_deliver). */
static const struct sysent ioctl_ifconf = {
	"ioctl", 6, SC_INPUT, 0, (int)SIOCGIFCONF, NULL,
	{ { A_FD, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_PTR, 0, -1, 0 }, { A_INT, 0, -1, 0 },
	  { A_PTR, 0, -1, 0 }, { A_INT, 0, -1, 0 } } };
#define IFCONF_MAX (64 * 1024)

/* SIOCGARP reads the address, the flags and the device name up to its
 * end; the sockaddrs' padding and what follows the name are not meaning. */
static void arpreq_meaning(struct call *c)
{
	struct arpreq *r = c->buf[2], m;

	if (!r || c->len[2] < sizeof(*r))
		return;
	memset(&m, 0, sizeof(m));
	m.arp_pa.sa_family = r->arp_pa.sa_family;
	if (r->arp_pa.sa_family == AF_INET)
		((struct sockaddr_in *)&m.arp_pa)->sin_addr =
			((struct sockaddr_in *)&r->arp_pa)->sin_addr;
	else
		memcpy(m.arp_pa.sa_data, r->arp_pa.sa_data, sizeof(m.arp_pa.sa_data));
	m.arp_flags = r->arp_flags;
	strncpy(m.arp_dev, r->arp_dev, sizeof(m.arp_dev));
	*r = m;
}

/* SIOCGIFHWADDR reads only the interface name, up to its NUL (the kernel
 * ends it at IFNAMSIZ - 1): what follows the name and the union, which
 * the kernel fills, are not meaning (a name strcpy'd over stack garbage). */
static void ifreq_name_meaning(struct call *c)
{
	struct ifreq *r = c->buf[2], m;

	if (!r || c->len[2] < sizeof(*r))
		return;
	memset(&m, 0, sizeof(m));
	memcpy(m.ifr_name, r->ifr_name, strnlen(r->ifr_name, IFNAMSIZ - 1));
	*r = m;
}

static enum mode ifconf_classify(struct peer *p, struct call *c)
{
	struct ifconf ifc;

	if (mem_read(p->tid, c->args[2], &ifc, sizeof(ifc)) < 0 ||
	    call_recapture(c, p->tid, &ioctl_ifconf)) {
		c->each_err = -EFAULT;
		return M_EACH;
	}
	c->args[3] = ifc.ifc_len < 0 ? 0 : (uint64_t)(ifc.ifc_len > IFCONF_MAX ? IFCONF_MAX : ifc.ifc_len);
	c->args[4] = (uint64_t)ifc.ifc_buf;
	c->args[5] = ifc.ifc_buf != NULL;
	return M_INPUT;
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
	if (req == SIOCGIFCONF)
		return ifconf_classify(p, c);
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		if ((unsigned)ioctls[i].errno_val != req)
			continue;
		if (call_recapture(c, p->tid, &ioctls[i]))
			return M_REFUSE;
		if (req == SIOCGARP)
			arpreq_meaning(c);
		else if (req == SIOCGIFHWADDR)
			ifreq_name_meaning(c);
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

/* FIOASYNC is O_ASYNC (fcntl_prepare). */
static enum prep ioctl_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct fobj *o = list_fobj(e, e->agreed, 0);
	int on;

	if (c->se == &ioctl_ifconf) {
		struct ifconf *ifc;
		enum prep r = generic_prepare(e);

		if (r != PREP_RUN)
			return r;
		ifc = xcalloc(1, sizeof(*ifc));
		ifc->ifc_len = (int)c->args[3];
		if (c->args[5]) /* no buffer asks for the length only */
			ifc->ifc_buf = e->out[4] = xcalloc(1, c->args[3] ? c->args[3] : 1);
		e->out[2] = ifc;
		e->xargs[2] = (uint64_t)ifc;
		e->xargs[3] = e->xargs[4] = e->xargs[5] = 0;
		return PREP_RUN;
	}
	if ((unsigned)c->args[1] != FIOASYNC || !o || !c->buf[2] || c->len[2] < sizeof(on))
		return generic_prepare(e);
	memcpy(&on, c->buf[2], sizeof(on));
	o->async = on != 0;
	async_apply(o);
	e->ret = 0;
	return PREP_DONE;
}

static struct answer ioctl_deliver(struct entry *e, struct peer *p)
{
	const struct call *c = e->call[p->rep->idx];
	const struct ifconf *ifc = e->out[2];
	int err = 0;

	if (c->se != &ioctl_ifconf || e->ret < 0 || !ifc)
		return generic_deliver(e, p);
	/* the kernel fills no more than the length this replica gave, which
	 * was compared: the same in every replica */
	if (c->args[5] && ifc->ifc_len > 0)
		err = mem_write(p->tid, c->args[4], e->out[4], (size_t)ifc->ifc_len);
	if (!err)
		err = mem_write(p->tid, c->args[2] + offsetof(struct ifconf, ifc_len), &ifc->ifc_len,
				sizeof(ifc->ifc_len));
	return err ? ans_val(err) : ans_val(e->ret);
}

const struct handler h_ioctl = {
	.classify = ioctl_classify,
	.prepare = ioctl_prepare,
	.each = ioctl_each,
	.deliver = ioctl_deliver,
	.refuse_why = "ioctl request not supported",
};
