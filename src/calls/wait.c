/* wait4 and waitid. Which child a wait reaps is an input: the first
 * replica to wait decides by waiting (it leads), the others then wait for
 * that same child (they follow). The calls run in the replicas' own
 * kernels, stopped by ptrace at entry (SF_TRACED) and at exit, where the
 * ids are translated between real and virtual. */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "calls/calls.h"
#include "list/answer.h"
#include "list/arrive.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/ptrace.h"
#include "os/util.h"

/* The real id in replica r of the process with virtual id vpid. */
static pid_t real_pid(const struct replica *r, long vpid)
{
	if (vpid <= 0)
		return (pid_t)vpid; /* any child, or a process group: as it is */
	return peer_real_tid(r, (pid_t)vpid);
}

/* Skips the syscall; its result err is set at the exit stop. */
static void wait_fail(struct peer *p, long err)
{
	struct user_regs_struct regs;

	if (pt_getregs(p->tid, &regs) == 0) {
		regs.orig_rax = -1;
		pt_setregs(p->tid, &regs);
	}
	p->fix = FIX_RET;
	p->fix_val = err;
	pt_syscall(p->tid);
}

/* Points the wait in regs at real, blocking or as the program asked. */
static void wait_target(struct peer *p, struct user_regs_struct *regs, long vchild, pid_t real,
			bool block)
{
	if (p->fix_entry->call[p->rep->idx]->nr != SYS_waitid) {
		regs->rdi = (uint64_t)(long)real;
		if (block)
			regs->rdx &= ~(uint64_t)WNOHANG;
	} else if (vchild > 0 && block) {
		regs->rdi = P_PID;
		regs->rsi = real;
		regs->r10 &= ~(uint64_t)WNOHANG; /* waitid's options */
	} else if (regs->rdi == P_PID) {
		regs->rsi = real_pid(p->rep, (long)regs->rsi);
	}
}

/* Lets p's wait run for the child vchild, translated to p's replica. */
static void wait_run(struct peer *p, long vchild, enum exit_fix fix, bool block)
{
	struct user_regs_struct regs;
	pid_t real = real_pid(p->rep, vchild);

	if (pt_getregs(p->tid, &regs) < 0)
		return;
	p->wait_vchild = vchild;
	if (vchild > 0 && real < 0) {
		wait_fail(p, -ECHILD);
		return;
	}
	wait_target(p, &regs, vchild, real, block);
	if (pt_setregs(p->tid, &regs) < 0)
		return;
	p->fix = fix;
	pt_syscall(p->tid);
}

/* The child id a wait's arguments ask for (0: any). */
static long asked_child(const struct call *c)
{
	if (c->nr == SYS_waitid)
		return c->args[0] == P_PID ? (long)c->args[1] : 0;
	return (long)(int)c->args[0];
}

/* A follower's wait: the same child the leader's wait got. The entry is
 * answered for it at its exit stop, so it stays until then. */
static struct answer wait_follow(struct entry *e, struct peer *p)
{
	p->waiting = W_NONE;
	p->fix_entry = e;
	if (e->ret <= 0)
		wait_fail(p, e->ret);
	else
		wait_run(p, e->ret, FIX_WAIT_FOLLOW, true);
	return (struct answer){ ANS_LATER, 0 };
}

void wait_abandon(struct peer *p)
{
	struct entry *e = p->entry;

	p->waiting = W_NONE;
	p->fix_entry = e;
	wait_run(p, asked_child(e->call[p->rep->idx]), FIX_WAIT_FOLLOW, false);
}

void wait_resume(struct peer *p)
{
	/* its registers hold the translated id already */
	wait_run(p, p->wait_vchild, p->fix, p->fix == FIX_WAIT_FOLLOW);
}

static bool nohang(const struct call *c)
{
	return (c->nr == SYS_waitid ? c->args[3] : c->args[2]) & WNOHANG;
}

/* A child of p's thread that has ended in another live replica but not
 * yet in p's (0: none). Its SIGCHLD may have been given to the group
 * already (signals/peersig.c: the first replica's decides), and a WNOHANG
 * wait that led with "no child yet" would tell every replica so, and the
 * SIGCHLD of p's own child, when it comes, is merged into the one given:
 * `timeout 1 yes | ...` then waited forever in sigsuspend. The monitor
 * sees a child's end before its parent's kernel reports it (the tracer
 * reaps first), so `exited` is set by the time any SIGCHLD was given. */
static long owed_child(const struct peer *p, long asked)
{
	const struct group *g = p->grp;
	int i, j, me = p->rep->idx;

	for (i = 0; i < g->nkids; i++) {
		const struct group *k = g->kids[i];

		if (!k || k->is_thread || !k->member[me] || k->member[me]->exited ||
		    (asked > 0 && asked != k->vtid))
			continue;
		for (j = 0; j < opt.n; j++)
			if (j != me && replicas[j].alive && k->member[j] && k->member[j]->exited)
				return k->vtid;
	}
	return 0;
}

/* The entry stop: the wait takes its place in the list; the first replica
 * there leads. A WNOHANG leader whose child is owed waits for that child:
 * it is ending (it did in another replica). */
static void wait_traced(struct peer *p, struct user_regs_struct *regs)
{
	uint64_t args[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9 };
	struct call *c = xcalloc(1, sizeof(*c));
	struct entry *e;
	long owed;

	if (call_capture(c, p->tid, (long)regs->orig_rax, args, regs->rip) < 0) {
		call_free(c);
		free(c);
		wait_fail(p, -EFAULT);
		return;
	}
	debugmsg("replica %d group %d pos %llu: %s(%lld, ..., %#llx) at entry", p->rep->idx,
		 p->grp->id, (unsigned long long)p->pos, sysent_name(c->nr), (long long)(int)c->args[0],
		 (unsigned long long)c->args[2]);
	e = arrive_traced(p, c);
	if (!e)
		return;
	e->state = E_RUN;
	e->agreed = p->rep->idx;
	p->waiting = W_NONE;
	p->fix_entry = e;
	owed = nohang(c) ? owed_child(p, asked_child(c)) : 0;
	if (owed > 0)
		wait_run(p, owed, FIX_WAIT_LEAD, true);
	else
		wait_run(p, asked_child(c), FIX_WAIT_LEAD, false);
}

/* The child a wait got, from its result: wait4 returns it, waitid writes
 * it into the siginfo. Rewrites the real id to the virtual one. */
static long wait_result(struct peer *p, struct user_regs_struct *regs)
{
	const struct call *c = p->fix_entry->call[p->rep->idx];
	long ret = (long)regs->rax;
	siginfo_t si;

	if (c->nr == SYS_wait4) {
		if (ret > 0)
			regs->rax = peer_vtid(p->rep, (pid_t)ret);
		return (long)regs->rax;
	}
	if (ret < 0 || !c->args[2] || mem_read(p->tid, c->args[2], &si, sizeof(si)) < 0)
		return ret;
	if (si.si_pid <= 0)
		return 0;
	si.si_pid = peer_vtid(p->rep, si.si_pid);
	/* the kernel wrote it a moment ago: it fails only for a thread that
	 * died since, which needs no answer */
	(void)mem_write(p->tid, c->args[2], &si, sizeof(si));
	return si.si_pid;
}

void wait_on_exit(struct peer *p, struct user_regs_struct *regs)
{
	struct entry *e = p->fix_entry;
	int i;

	if (p->fix == FIX_WAIT_FOLLOW) {
		wait_result(p, regs);
		return;
	}
	/* the leader: its child is the answer of every follower */
	e->ret = wait_result(p, regs);
	e->state = E_DONE;
	for (i = 0; i < opt.n; i++) {
		struct peer *q = e->grp->member[i];

		if (q && q->waiting == W_WAIT && q->entry == e && !run_over)
			wait_follow(e, q);
	}
}

const struct handler h_wait = {
	.traced = wait_traced,
	.deliver = wait_follow,
};
