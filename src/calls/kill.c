/* kill, tkill, tgkill within a replica: to its own threads and processes,
 * by their virtual ids. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/peers.h"
#include "model/procs.h"
#include "signals/signals.h"

/* The thread ids in tkill and tgkill may be real ones that the kernel
 * wrote into the program's memory (CLONE_PARENT_SETTID: glibc's
 * pthread_kill uses them); compared as virtual ids, they agree. */
static enum mode kill_classify(struct peer *p, struct call *c)
{
	int tid_arg = c->nr == SYS_tgkill ? 1 : 0;

	if (c->nr != SYS_kill)
		c->args[tid_arg] = (uint64_t)peer_vtid(p->rep, (pid_t)c->args[tid_arg]);
	if ((long)c->args[tid_arg] < 0) {
		c->why = "signals to process groups are not supported yet";
		return M_REFUSE;
	}
	return M_EACH;
}

/* A signal for another thread or process of the replica: the first
 * replica to send it has it delivered to the target's peer group at one
 * position in every replica (signals/signals.c); the others' sends find
 * it on its way. A signal to the sender itself (raise, abort) must arrive
 * before the call returns: it goes at once. */
static bool kill_positioned(struct entry *e, struct peer *p, pid_t real, int sig)
{
	struct peer *t = peer_find(real);

	if (!t || t == p || sig == 0)
		return false;
	/* too many on their way: the kernel's moment */
	return e->agreed >= 0 || sig_group(t->grp, sig, false);
}

/* kill, tkill, tgkill aimed at the replica itself (raise, abort,
 * pthread_kill, a signal to a child): delivered to the replica's own
 * thread. */
static struct answer kill_each(struct entry *e, struct peer *p, struct call *c)
{
	long target = (long)c->args[0];
	int sig = (int)c->args[c->nr == SYS_tgkill ? 2 : 1];
	pid_t real;

	if (c->nr == SYS_tgkill)
		target = (long)c->args[1];
	else if (c->nr == SYS_kill && target == 0)
		target = p->proc->vpid; /* its process group: itself, as far as we know */
	/* a thread or process of the same replica, by its virtual id */
	real = peer_real_tid(p->rep, (pid_t)target);
	if (real < 0)
		return ans_val(-ESRCH);
	if (e && kill_positioned(e, p, real, sig))
		return ans_val(0);
	if (c->nr == SYS_kill)
		return ans_val(kill(real, sig) < 0 ? -errno : 0);
	return ans_val(syscall(SYS_tkill, real, sig) < 0 ? -errno : 0);
}

const struct handler h_kill = {
	.classify = kill_classify,
	.each = kill_each,
};

/* rt_sigtimedwait reaches the monitor only with a timeout (SF_UNTIMED):
 * whether the signal or the timeout comes first is timing. */
static enum mode sigtimedwait_classify(struct peer *p, struct call *c)
{
	(void)p;
	c->why = "rt_sigtimedwait with a timeout is not supported (sigwait, without one, is)";
	return M_REFUSE;
}

const struct handler h_sigtimedwait = {
	.classify = sigtimedwait_classify,
	.refuse_why = "rt_sigtimedwait with a timeout is not supported",
};
