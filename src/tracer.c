/* The ptrace side of the monitor: thread and process creation, exec,
 * exits, signal stops, the emulated rdtsc, and wait4/waitid, whose child
 * ids are translated at syscall entry and exit stops. All of it runs in
 * the main thread (the tracer), with mon_lock held. */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "monitor_int.h"
#include "seq.h"
#include "util.h"
#include "vdso.h"

/* The kernel's restart codes (include/linux/errno.h), not in the uapi. */
#define ERESTARTSYS_K 512
#define ERESTART_BLOCK_K 516

/* Ended threads leave the tid hash (their ids may be reused) but stay in
 * their groups: a child that has exited is still waited for by its id. */
pid_t monitor_vtid(const struct replica *r, pid_t tid)
{
	struct peer *p = peer_find(tid);
	struct group *g;

	if (p && p->rep == r)
		return p->grp->vtid;
	for (g = all_groups; g; g = g->next_all)
		if (g->member[r->idx] && g->member[r->idx]->tid == tid)
			return g->vtid;
	return tid;
}

pid_t monitor_real_tid(const struct replica *r, pid_t vtid)
{
	struct group *g;

	for (g = all_groups; g; g = g->next_all)
		if (g->vtid == vtid)
			return g->member[r->idx] ? g->member[r->idx]->tid : -1;
	return -1;
}

/* An rdtsc or rdtscp trapped (PR_TSC_SIGSEGV): the time stamp is an input. */
static bool trap_rdtsc(struct peer *p)
{
	struct user_regs_struct regs;
	unsigned char ins[3];
	struct call *c;
	long nr;

	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0 ||
	    mem_read(p->tid, regs.rip, ins, sizeof(ins)) < 0 || ins[0] != 0x0f)
		return false;
	if (ins[1] == 0x31)
		nr = RSYS_RDTSC;
	else if (ins[1] == 0x01 && ins[2] == 0xf9)
		nr = RSYS_RDTSCP;
	else
		return false;
	c = xcalloc(1, sizeof(*c));
	c->nr = nr;
	c->ip = regs.rip;
	p->waiting = W_PTRACE;
	arrive(p, c);
	return true;
}

/* The process of peer p died of a signal it did not get from us: that is an
 * event in its list, compared like a syscall. */
static void record_signal_death(struct peer *p, int sig)
{
	struct call *c = xcalloc(1, sizeof(*c));
	struct entry *e;

	c->nr = RSYS_SIGNALED;
	c->args[0] = sig;
	e = group_entry(p->grp, p->pos++);
	if (!e)
		die("internal error: no position for a signal death");
	if (entry_is_new(e)) {
		e->mode = M_OUTPUT;
		e->h = handler_find(RSYS_SIGNALED);
	}
	e->call[p->rep->idx] = c;
	e->answered |= 1u << p->rep->idx;
	examine(e);
	if (e->mode == M_OUTPUT && e->state == E_DONE && e->agreed >= 0 &&
	    e->call[e->agreed]->nr == RSYS_SIGNALED && run_end_code < 0 && !run_exit_agreed)
		run_end_code = 128 + sig;
}

/* Threads whose first stop came before their creator's clone event. */
static pid_t early_stops[256];
static int nearly;

static bool take_early_stop(pid_t tid)
{
	int i;

	for (i = 0; i < nearly; i++) {
		if (early_stops[i] == tid) {
			early_stops[i] = early_stops[--nearly];
			return true;
		}
	}
	return false;
}

/* Lets the group's new threads run once a majority of replicas created
 * theirs, so that a thread never runs ahead of a creation that its peers
 * have not confirmed. */
/* --perturb: a new thread of replica r starts up to perturb_max_us late,
 * in a sequence of its own, so that threads racing for a lock right after
 * they start take it in different orders in different replicas. */
#define MAX_DELAYED 256

static struct {
	pid_t tid;
	struct peer *p;
	uint64_t at;
} delayed[MAX_DELAYED];
static int ndelayed;

static uint64_t start_delay_ns(int r)
{
	static uint64_t rnd[MAX_REPLICAS];
	uint64_t x = rnd[r];

	if (!x)
		x = opt.perturb_seed ^ (0xd1b54a32d192ed03ull * (uint64_t)(r + 1)) ^ 1;
	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	rnd[r] = x;
	return (x & 1) ? ((x >> 8) % opt.perturb_max_us) * 1000 : 0;
}

static void start_thread(struct peer *p)
{
	uint64_t d = opt.perturb ? start_delay_ns(p->rep->idx) : 0;

	if (d && ndelayed < MAX_DELAYED) {
		delayed[ndelayed].tid = p->tid;
		delayed[ndelayed].p = p;
		delayed[ndelayed++].at = now_ns() + d;
		return;
	}
	ptrace(PTRACE_CONT, p->tid, 0, 0);
}

/* Starts the delayed threads that are due; returns the milliseconds until
 * the next one is (-1: none). A thread that died meanwhile is left. */
int tracer_start_delayed(void)
{
	uint64_t now = now_ns(), next = UINT64_MAX;
	int i = 0;

	while (i < ndelayed) {
		if (delayed[i].at <= now || run_over) {
			if (peer_find(delayed[i].tid) == delayed[i].p)
				ptrace(PTRACE_CONT, delayed[i].tid, 0, 0);
			delayed[i] = delayed[--ndelayed];
			continue;
		}
		if (delayed[i].at < next)
			next = delayed[i].at;
		i++;
	}
	return next == UINT64_MAX ? -1 : (int)((next - now) / 1000000 + 1);
}

static void group_release(struct group *g)
{
	int i, count = 0;

	for (i = 0; i < opt.n; i++)
		if (g->member[i])
			count++;
	if (count >= majority)
		g->released = true;
	if (!g->released)
		return;
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->held && p->stopped) {
			p->held = false;
			p->stopped = false;
			start_thread(p);
		}
	}
}

/* Virtual ids of threads and processes after the first lie above every
 * real id (pid_max), so that a real id can never be taken for one. */
static pid_t vtid_base(void)
{
	static pid_t base;
	FILE *f;

	if (base)
		return base;
	base = 4194304;
	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%d", &base) != 1 || base <= 0)
			base = 4194304;
		fclose(f);
	}
	return base;
}

/* The k-th thread that group g's members create forms g's k-th child
 * group, in every replica. */
static struct group *child_group(struct group *g, int k)
{
	struct group *c;

	if (k < g->nkids)
		return g->kids[k]; /* NULL once finished and freed */
	g->kids = xrealloc(g->kids, (k + 1) * sizeof(*g->kids));
	c = xcalloc(1, sizeof(*c));
	c->id = ngroups++;
	c->vtid = vtid_base() + c->id;
	c->next_all = all_groups;
	c->parent = g;
	c->index = g->nkids;
	all_groups = c;
	g->kids[g->nkids++] = c;
	return c;
}

/* A thread's group whose members have all ended and whose list is empty
 * is freed, so that a program that makes threads all day does not grow
 * the monitor. */
static void group_release_done(struct group *g)
{
	struct group **pp;
	int i;

	if (!g->is_thread || g->base_seq != g->next_seq)
		return;
	/* every thread reported its end (a replica's ending does not mean its
	 * threads' ends were reported yet), and no live replica has yet to
	 * create its own */
	for (i = 0; i < opt.n; i++) {
		if (g->member[i] ? !g->member[i]->exited : replicas[i].alive)
			return;
	}
	fwd_forget(g);
	timer_forget(g);
	for (pp = &all_groups; *pp && *pp != g; pp = &(*pp)->next_all)
		;
	if (*pp)
		*pp = g->next_all;
	if (g->parent && g->index < g->parent->nkids && g->parent->kids[g->index] == g)
		g->parent->kids[g->index] = NULL;
	for (i = 0; i < g->nkids; i++)
		if (g->kids[i])
			g->kids[i]->parent = NULL;
	for (i = 0; i < opt.n; i++)
		free(g->member[i]);
	free(g->kids);
	free(g->ring);
	free(g);
}

/* PTRACE_EVENT_CLONE, _FORK or _VFORK in p's thread: the kernel made a
 * thread or a process. */
static void on_clone_event(struct peer *p, bool process)
{
	unsigned long msg = 0;
	struct peer *np;
	struct group *g;
	int r = p->rep->idx;

	if (ptrace(PTRACE_GETEVENTMSG, p->tid, 0, &msg) < 0)
		die_errno("PTRACE_GETEVENTMSG");
	p->clone_sent = false; /* it made its child: a clone now is a new one */
	g = child_group(p->grp, p->grp->created[r]++);
	if (!g)
		die("internal error: replica %d created a thread of a finished peer group", r);
	g->is_thread = !process;
	p->rep->threads_made++;
	if (g->member[r])
		die("internal error: replica %d created thread %d of peer group %d twice", r,
		    g->id, p->grp->id);
	np = xcalloc(1, sizeof(*np));
	np->tid = (pid_t)msg;
	np->closing_fd = -1;
	np->rep = p->rep;
	np->proc = process ? proc_fork(p->proc, g->vtid) : p->proc;
	if (process) {
		np->proc->pid = np->tid;
		seq_proc_forked(np->proc, p->proc);
	}
	np->proc->refs++;
	np->grp = g;
	if (process) {
		/* fork returns the child's id: the virtual one */
		p->fix = FIX_RET;
		p->fix_val = g->vtid;
	}
	np->held = true;
	np->stopped = take_early_stop(np->tid);
	g->member[r] = np;
	peer_add(np);
	debugx("replica %d: peer group %d created peer group %d (thread %d)", r, p->grp->id, g->id,
	       np->tid);
	group_release(g);
}

/* The real id in replica r of the process with virtual id vpid. */
static pid_t real_pid(const struct replica *r, long vpid)
{
	if (vpid <= 0)
		return (pid_t)vpid; /* any child, or a process group: as it is */
	return monitor_real_tid(r, (pid_t)vpid);
}

static void wait_fail(struct peer *p, long err)
{
	struct user_regs_struct regs;

	/* skip the syscall; its result is set at the exit stop */
	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) == 0) {
		regs.orig_rax = -1;
		ptrace(PTRACE_SETREGS, p->tid, 0, &regs);
	}
	p->fix = FIX_RET;
	p->fix_val = err;
	ptrace(PTRACE_SYSCALL, p->tid, 0, 0);
}

/* Lets p's wait run for the child id arg, translated to p's replica. */
static void wait_run(struct peer *p, long vchild, enum exit_fix fix, bool block)
{
	struct user_regs_struct regs;
	pid_t real = real_pid(p->rep, vchild);
	bool waitid = p->fix_entry->call[p->rep->idx]->nr == SYS_waitid;

	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0)
		return;
	p->wait_vchild = vchild;
	if (vchild > 0 && real < 0) {
		wait_fail(p, -ECHILD);
		return;
	}
	if (waitid) {
		if (vchild > 0 && block) {
			regs.rdi = P_PID;
			regs.rsi = real;
			regs.rdx &= ~(uint64_t)WNOHANG;
		} else if (regs.rdi == P_PID) {
			regs.rsi = real_pid(p->rep, (long)regs.rsi);
		}
	} else {
		regs.rdi = (uint64_t)(long)real;
		if (block)
			regs.rdx &= ~(uint64_t)WNOHANG;
	}
	ptrace(PTRACE_SETREGS, p->tid, 0, &regs);
	p->fix = fix;
	ptrace(PTRACE_SYSCALL, p->tid, 0, 0);
}

/* A follower's wait: the same child the leader's wait got. The entry is
 * answered for it at its exit stop, so it stays until then. */
void wait_follow(struct entry *e, struct peer *p)
{
	p->waiting = W_NONE;
	p->fix_entry = e;
	if (e->ret <= 0) {
		wait_fail(p, e->ret);
		return;
	}
	wait_run(p, e->ret, FIX_WAIT_FOLLOW, true);
}

/* A wait held at its entry for a leader that will not decide (a signal
 * is on its way to it): it runs as the program asked. */
void wait_abandon(struct peer *p)
{
	struct entry *e = p->entry;
	const struct call *c = e->call[p->rep->idx];

	p->waiting = W_NONE;
	p->fix_entry = e;
	wait_run(p, c->nr == SYS_waitid ? (c->args[0] == P_PID ? (long)c->args[1] : 0) :
		 (long)(int)c->args[0], FIX_WAIT_FOLLOW, false);
}

/* wait4 or waitid stopped at its entry (SECCOMP_RET_TRACE). Which child a
 * wait reaps is an input: the first replica to wait decides by waiting,
 * the others then wait for that same child. */
static void on_wait_entry(struct peer *p)
{
	struct user_regs_struct regs;
	struct call *c;
	uint64_t args[6];
	struct entry *e;
	int r = p->rep->idx;

	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0)
		return;
	args[0] = regs.rdi, args[1] = regs.rsi, args[2] = regs.rdx;
	args[3] = regs.r10, args[4] = regs.r8, args[5] = regs.r9;
	c = xcalloc(1, sizeof(*c));
	if (call_capture(c, p->tid, (long)regs.orig_rax, args, regs.rip) < 0) {
		call_free(c);
		free(c);
		wait_fail(p, -EFAULT);
		return;
	}
	debugx("replica %d group %d pos %llu: %s(%lld, ..., %#llx) at entry", r, p->grp->id,
	       (unsigned long long)p->pos, call_name(c->nr), (long long)(int)c->args[0],
	       (unsigned long long)c->args[2]);
	e = group_entry(p->grp, p->pos++);
	if (entry_is_new(e))
		e->mode = M_INPUT;
	e->call[r] = c;
	p->entry = e;
	p->waiting = W_WAIT;
	if (fwd_targets(p->grp))
		fwd_check(); /* the wait may be a signal's position */
	examine(e);
	if (run_over || p->waiting != W_WAIT)
		return;
	if (e->state == E_WAIT) {
		e->state = E_RUN;
		e->agreed = r;
		p->waiting = W_NONE;
		p->fix_entry = e;
		wait_run(p, c->nr == SYS_waitid ? (regs.rdi == P_PID ? (long)regs.rsi : 0) :
			 (long)(int)regs.rdi, FIX_WAIT_LEAD, false);
	} else if (e->state == E_DONE) {
		wait_follow(e, p);
	}
	group_gc(p->grp);
}

/* setsid, setpgid, getpgid, getpgrp, getsid: the replica's own process
 * groups, made in the replica itself; process ids in their arguments are
 * virtual ones made real, and the id they return is made virtual. An id
 * that is no replica's (replicant's own process group) is the same in
 * every replica and passes as it is. */
static void on_pid_call(struct peer *p, struct user_regs_struct *regs)
{
	switch ((long)regs->orig_rax) {
	case SYS_setpgid:
		if ((long)regs->rsi > 0 && monitor_real_tid(p->rep, (pid_t)regs->rsi) > 0)
			regs->rsi = monitor_real_tid(p->rep, (pid_t)regs->rsi);
		/* fall through */
	case SYS_getpgid:
	case SYS_getsid:
		if ((long)regs->rdi > 0 && monitor_real_tid(p->rep, (pid_t)regs->rdi) > 0)
			regs->rdi = monitor_real_tid(p->rep, (pid_t)regs->rdi);
		break;
	default:
		break;
	}
	ptrace(PTRACE_SETREGS, p->tid, 0, regs);
	p->fix = FIX_VPID;
	ptrace(PTRACE_SYSCALL, p->tid, 0, 0);
}

/* The restart of a traced call that a signal interrupted: it goes on in
 * the role it had. */
static void resume_traced(struct peer *p, struct user_regs_struct *regs)
{
	p->restarting = false;
	switch (p->fix) {
	case FIX_WAIT_LEAD:
	case FIX_WAIT_FOLLOW:
		/* its registers hold the translated id already */
		wait_run(p, p->wait_vchild, p->fix, p->fix == FIX_WAIT_FOLLOW);
		break;
	case FIX_VPID:
		on_pid_call(p, regs);
		break;
	case FIX_RET:
	case FIX_NONE:
	default:
		ptrace(PTRACE_CONT, p->tid, 0, 0);
		break;
	}
}

/* A call the filter traces (SECCOMP_RET_TRACE), stopped at its entry. */
static void on_traced_entry(struct peer *p)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0)
		return;
	if (p->restarting) {
		resume_traced(p, &regs);
		return;
	}
	if ((long)regs.orig_rax == SYS_wait4 || (long)regs.orig_rax == SYS_waitid)
		on_wait_entry(p);
	else
		on_pid_call(p, &regs);
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
			regs->rax = monitor_vtid(p->rep, (pid_t)ret);
		return (long)regs->rax;
	}
	if (ret < 0 || !c->args[2] || mem_read(p->tid, c->args[2], &si, sizeof(si)) < 0)
		return ret;
	if (si.si_pid <= 0)
		return 0;
	si.si_pid = monitor_vtid(p->rep, si.si_pid);
	mem_write(p->tid, c->args[2], &si, sizeof(si));
	return si.si_pid;
}

/* Sends sig to p's thread; a SIGCHLD of ours is let through (chld_arrived). */
void peer_signal(struct peer *p, int sig)
{
	if (sig == SIGCHLD) {
		p->chld_given++;
		p->chld_inject = true;
	}
	syscall(SYS_tgkill, p->proc->pid, p->tid, sig);
}

static void send_exit_sigs(struct peer *p)
{
	int sig;

	while ((sig = sigmask_pop(&p->exit_sigs)))
		peer_signal(p, sig);
}

/* A syscall-exit stop that a fork or a wait asked for. */
static void on_syscall_exit(struct peer *p)
{
	struct user_regs_struct regs;
	struct entry *e = p->fix_entry;
	int i;

	if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0)
		return;
	debugx("replica %d group %d: syscall exit %lld, fix %d", p->rep->idx, p->grp->id,
	       (long long)regs.rax, p->fix);
	if ((long)regs.rax <= -ERESTARTSYS_K && (long)regs.rax >= -ERESTART_BLOCK_K &&
	    p->fix != FIX_RET) {
		/* a signal came (SIGCHLD, as a rule); the kernel restarts the
		 * call after it, and the call's entry stop continues it */
		p->restarting = true;
		ptrace(PTRACE_CONT, p->tid, 0, 0);
		return;
	}
	switch (p->fix) {
	case FIX_RET:
		regs.rax = (uint64_t)p->fix_val;
		break;
	case FIX_WAIT_LEAD:
		e->ret = wait_result(p, &regs);
		e->state = E_DONE;
		for (i = 0; i < opt.n; i++) {
			struct peer *q = e->grp->member[i];

			if (q && q->waiting == W_WAIT && q->entry == e && !run_over)
				wait_follow(e, q);
		}
		break;
	case FIX_WAIT_FOLLOW:
		wait_result(p, &regs);
		break;
	case FIX_VPID:
		if ((long)regs.rax > 0)
			regs.rax = monitor_vtid(p->rep, (pid_t)regs.rax);
		break;
	case FIX_NONE:
	default:
		break;
	}
	p->fix = FIX_NONE;
	p->fix_entry = NULL;
	ptrace(PTRACE_SETREGS, p->tid, 0, &regs);
	send_exit_sigs(p); /* pending: delivered as the call returns */
	ptrace(PTRACE_CONT, p->tid, 0, 0);
	if (e) {
		e->answered |= 1u << p->rep->idx;
		group_gc(e->grp);
	}
}

/* A signal that came while the thread waited for the monitor to receive
 * its call interrupted that call, which a plain run would not have
 * waited in: it would fail with EINTR (dash's SIGCHLD handler has no
 * SA_RESTART, and its stat() calls would fail). The signal is held back,
 * the call restarts, and the signal is sent again once the monitor has
 * received the call (on_notification), when it can no longer interrupt
 * it: it is delivered as the call returns. */
static bool defer_signal(struct peer *p, int sig)
{
	struct user_regs_struct regs;
	const struct sysent *se;

	if (sig == SIGKILL || sig == SIGSTOP || sig > 64 ||
	    ptrace(PTRACE_GETREGS, p->tid, 0, &regs) < 0)
		return false;
	se = sysent_get((long)regs.orig_rax);
	/* local calls and the traced ones (waits) block in the kernel as they
	 * would in a plain run: a signal interrupts them as it would there */
	if ((long)regs.rax != -ERESTARTSYS_K || !se || se->cls == SC_LOCAL || se->cls == SC_ERRNO ||
	    se->cls == SC_CONTROL)
		return false;
	sigmask_add(&p->deferred_sigs, sig);
	ptrace(PTRACE_CONT, p->tid, 0, 0);
	return true;
}

/* SIGCHLD tells a process that one of its children ended: when, depends
 * on each replica's scheduling, and a shell that reaps from its handler
 * (dash) then makes its calls in a different order in each replica. So
 * the kernel's SIGCHLD is held back, and the first replica to get one has
 * its peer group get one at one position (forward.c). A replica's own
 * SIGCHLD that comes after it was given one, or while one is on its way,
 * is the same event and is dropped: the kernel merges them too. Which
 * child the handler's wait reaps is decided by the waits (on_wait_entry). */
static bool chld_arrived(struct peer *p)
{
	if (p->chld_inject) {
		p->chld_inject = false;
		return false; /* ours: delivered */
	}
	p->chld_real++;
	if (p->chld_given < p->chld_real && !fwd_sending(p->grp, SIGCHLD) &&
	    !signal_group(p->grp, SIGCHLD, false))
		return false; /* too many signals on their way: as it comes */
	ptrace(PTRACE_CONT, p->tid, 0, 0);
	return true;
}

static void on_ptrace_stop(struct peer *p, int status)
{
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;

	switch (event) {
	case PTRACE_EVENT_EXEC: {
		int err = vdso_patch(p->tid);

		fdtab_exec(&p->proc->fds);
		seq_proc_gone(p->rep->idx, p->proc);
		if (err) {
			warnx("cannot neutralise the vDSO of replica %d: %s", p->rep->idx, strerror(-err));
			end_run(EXIT_REPLICANT_ERROR);
		}
		break;
	}
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		on_clone_event(p, event != PTRACE_EVENT_CLONE);
		if (p->fix != FIX_NONE) {
			ptrace(PTRACE_SYSCALL, p->tid, 0, 0);
			return;
		}
		break;
	case PTRACE_EVENT_SECCOMP:
		on_traced_entry(p);
		return;
	case PTRACE_EVENT_STOP:
		if (p->held) {
			p->stopped = true;
			group_release(p->grp);
			return;
		}
		break;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_exit(p);
			return;
		}
		if (sig == SIGSEGV && trap_rdtsc(p))
			return;
		if (sig == SIGCHLD && chld_arrived(p))
			return;
		if (defer_signal(p, sig))
			return;
		ptrace(PTRACE_CONT, p->tid, 0, sig);
		return;
	default:
		break;
	}
	ptrace(PTRACE_CONT, p->tid, 0, 0);
}

static void on_exit_status(struct peer *p, int status)
{
	struct replica *r = p->rep;
	bool was_alive = r->alive;

	p->exited = true;
	settle_close(p);
	if (p->tid == p->proc->pid)
		seq_proc_gone(r->idx, p->proc);
	if (p->tid != r->pid) {
		/* a thread: its tid may be reused, so it leaves the hash */
		peer_remove(p);
		group_gc(p->grp);
		group_release_done(p->grp);
		return;
	}
	r->reaped = true;
	r->wstatus = status;
	if (WIFSIGNALED(status) && was_alive && !run_over)
		record_signal_death(p, WTERMSIG(status));
	r->alive = false;
	if (was_alive)
		seq_replica_gone(r->idx);
	group_gc(p->grp);
}

void tracer_on_sigchld(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
		struct peer *p;

		if (pid <= 0)
			return;
		p = peer_find(pid);
		if (!p) {
			/* a new thread stopping before its creator's clone event */
			if (WIFSTOPPED(status) && nearly < (int)(sizeof(early_stops) / sizeof(early_stops[0])))
				early_stops[nearly++] = pid;
			continue;
		}
		if (WIFSTOPPED(status))
			on_ptrace_stop(p, status);
		else
			on_exit_status(p, status);
	}
}

