/* kill, tkill, tgkill within a replica: to its own threads and processes,
 * by their virtual ids. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/groups.h"
#include "model/peers.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/util.h"
#include "signals/signals.h"

/* The thread ids in tkill and tgkill may be real ones that the kernel
 * wrote into the program's memory (CLONE_PARENT_SETTID: glibc's
 * pthread_kill uses them); compared as virtual ids, they agree. */
static enum mode kill_classify(struct peer *p, struct call *c)
{
	int tid_arg = c->nr == SYS_tgkill ? 1 : 0;

	if (c->nr != SYS_kill)
		c->args[tid_arg] = (uint64_t)peer_vtid(p->rep, (pid_t)c->args[tid_arg]);
	/* pid_t: the upper half of the register is not the argument's */
	if ((pid_t)c->args[tid_arg] == -1 || (c->nr != SYS_kill && (pid_t)c->args[tid_arg] < 0)) {
		c->why = "a signal to every process (kill -1) is not supported";
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

/* The real id of the process group a replica means: a process of its own
 * leads it (a virtual id), or it is a group no replica's process leads
 * (replicant's own), whose id is the same in every replica. 0: the
 * caller's. */
static pid_t real_pgrp(struct peer *p, long vpgrp)
{
	pid_t real;

	if (vpgrp == 0)
		return getpgid(p->proc->pid);
	real = peer_real_tid(p->rep, (pid_t)vpgrp);
	return real > 0 ? real : (pid_t)vpgrp;
}

/* Sends sig to the replica's process with real id pid, as kill would. */
static int kill_one(struct entry *e, struct peer *p, pid_t pid, int sig)
{
	if (e && kill_positioned(e, p, pid, sig))
		return 0;
	return kill(pid, sig) < 0 ? -errno : 0;
}

/* The virtual ids of the replica's processes in real process group pgrp,
 * ending with 0. */
static pid_t *group_members(struct peer *p, pid_t pgrp)
{
	size_t n = 0, cap = 8;
	pid_t *v = xcalloc(cap, sizeof(*v));
	struct group *g;

	for (g = all_groups; g && pgrp > 0; g = g->next_all) {
		struct peer *q = g->member[p->rep->idx];

		if (!q || q->exited || q->tid != q->proc->pid || getpgid(q->tid) != pgrp)
			continue;
		if (n + 2 > cap)
			v = xrealloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = q->proc->vpid;
	}
	v[n] = 0;
	return v;
}

/* kill(0) and kill(-pgrp) (killpg: Apache's parent stopping its
 * children): every process of the caller's replica in that group, never a
 * process outside it (the group may be replicant's own, with the other
 * replicas and replicant in it). Which processes those are, and so the
 * result (ESRCH when none), is decided by the first replica to send and
 * kept in the entry: a lagging replica's child may not have joined its
 * group yet. Each gets the signal at one position; the caller last: its
 * own arrives before the call returns. */
static struct answer killpg_each(struct entry *e, struct peer *p, long vpgrp, int sig)
{
	pid_t *who = e && e->out[0] ? e->out[0] : group_members(p, real_pgrp(p, vpgrp));
	long ret = who[0] ? 0 : -ESRCH;
	bool self = false;
	int i;

	if (e)
		e->out[0] = who;	/* the first replica's, for the others */
	for (i = 0; who[i]; i++) {
		pid_t real = peer_real_tid(p->rep, who[i]);

		if (who[i] == p->proc->vpid)
			self = true;
		else if (real > 0)
			kill_one(e, p, real, sig);
	}
	if (self)
		kill_one(e, p, p->proc->pid, sig);
	if (!e)
		free(who);
	return ans_val(ret);
}

/* kill, tkill, tgkill aimed at the replica itself (raise, abort,
 * pthread_kill, a signal to a child): delivered to the replica's own
 * thread. */
static struct answer kill_each(struct entry *e, struct peer *p, struct call *c)
{
	long target = (pid_t)c->args[0];
	int sig = (int)c->args[c->nr == SYS_tgkill ? 2 : 1];
	pid_t real;

	if (c->nr == SYS_tgkill)
		target = (pid_t)c->args[1];
	else if (c->nr == SYS_kill && target <= 0)
		return killpg_each(e, p, -target, sig);
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
