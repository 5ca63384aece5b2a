#include "loop/tracer.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "calls/calls.h"
#include "list/answer.h"
#include "list/arrive.h"
#include "list/decide.h"
#include "list/excuse.h"
#include "loop/threads.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/procfs.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "os/vdso.h"
#include "seq/seq.h"
#include "signals/signals.h"

/* The kernel's restart codes (include/linux/errno.h), not in the uapi. */
#define ERESTARTSYS_K 512
#define ERESTART_BLOCK_K 516

static struct call *event_call(long nr)
{
	struct call *c = xcalloc(1, sizeof(*c));

	c->nr = nr;
	c->se = sysent_get(nr);
	return c;
}

/* An rdtsc or rdtscp trapped (PR_TSC_SIGSEGV): the time stamp is an input. */
static bool trap_rdtsc(struct peer *p)
{
	struct user_regs_struct regs;
	unsigned char ins[3];
	struct call *c;
	long nr;

	if (pt_getregs(p->tid, &regs) < 0 ||
	    mem_read(p->tid, regs.rip, ins, sizeof(ins)) < 0 || ins[0] != 0x0f)
		return false;
	if (ins[1] == 0x31)
		nr = RSYS_RDTSC;
	else if (ins[1] == 0x01 && ins[2] == 0xf9)
		nr = RSYS_RDTSCP;
	else
		return false;
	c = event_call(nr);
	c->ip = regs.rip;
	p->waiting = W_PTRACE;
	arrive(p, c);
	return true;
}

/* The process of peer p died of a signal it did not get from us: that is an
 * event in its list, compared like a syscall. */
static void record_signal_death(struct peer *p, int sig)
{
	struct call *c = event_call(RSYS_SIGNALED);
	struct entry *e;

	c->args[0] = sig;
	e = list_take(p, c, M_OUTPUT, c->se->h);
	e->answered |= 1u << p->rep->idx;
	decide_examine(e);
	if (e->mode == M_OUTPUT && e->state == E_DONE && e->agreed >= 0 &&
	    e->call[e->agreed]->nr == RSYS_SIGNALED && run_end_code < 0 && !run_exit_agreed)
		run_end_code = 128 + sig;
}

/* A call the filter traces (SF_TRACED), stopped at its entry: its handler
 * lets it run; the restart of one a signal interrupted goes on in the role
 * it had. */
static void on_traced_entry(struct peer *p)
{
	struct user_regs_struct regs;
	const struct sysent *se;

	if (pt_getregs(p->tid, &regs) < 0)
		return;
	se = sysent_get((long)regs.orig_rax);
	if (p->restarting) {
		p->restarting = false;
		if (p->fix == FIX_WAIT_LEAD || p->fix == FIX_WAIT_FOLLOW) {
			wait_resume(p);
			return;
		}
		if (p->fix != FIX_VPID) {
			pt_cont(p->tid, 0);
			return;
		}
	}
	if (se && se->h && se->h->traced)
		se->h->traced(p, &regs);
	else
		pt_cont(p->tid, 0);
}

/* A syscall-exit stop that a fork, a wait or a pid call asked for. */
static void on_syscall_exit(struct peer *p)
{
	struct user_regs_struct regs;
	struct entry *e = p->fix_entry;

	if (pt_getregs(p->tid, &regs) < 0)
		return;
	debugmsg("replica %d group %d: syscall exit %lld, fix %d", p->rep->idx, p->grp->id,
		 (long long)regs.rax, p->fix);
	if ((long)regs.rax <= -ERESTARTSYS_K && (long)regs.rax >= -ERESTART_BLOCK_K &&
	    p->fix != FIX_RET) {
		/* a signal came (SIGCHLD, as a rule); the kernel restarts the
		 * call after it, and the call's entry stop continues it */
		p->restarting = true;
		pt_cont(p->tid, 0);
		return;
	}
	if (p->fix == FIX_RET)
		regs.rax = (uint64_t)p->fix_val;
	else if (p->fix == FIX_WAIT_LEAD || p->fix == FIX_WAIT_FOLLOW)
		wait_on_exit(p, &regs);
	else if (p->fix == FIX_VPID && (long)regs.rax > 0)
		regs.rax = peer_vtid(p->rep, (pid_t)regs.rax);
	p->fix = FIX_NONE;
	p->fix_entry = NULL;
	pt_setregs(p->tid, &regs);
	sig_exit_stop(p); /* positioned here: delivered as the call returns */
	pt_cont(p->tid, 0);
	if (e) {
		e->answered |= 1u << p->rep->idx;
		answer_gc(e->grp);
	}
}

/* What a voted execve gave the new program, read in its exec stop before
 * it runs an instruction: the replica's kernel read the path, argv and
 * environment after the vote (and resolved the path from the working
 * directory it keeps), so this is the execve the peers compare. */
static void record_exec(struct peer *p)
{
	struct call *c = event_call(RSYS_EXECED);
	dev_t dev[2] = { 0, 0 };
	ino_t ino[2] = { 0, 0 };
	int err;

	err = procfs_link_id(p->tid, "exe", &dev[0], &ino[0]);
	if (!err)
		err = procfs_link_id(p->tid, "cwd", &dev[1], &ino[1]);
	if (!err)
		err = procfs_read_all(p->tid, "cmdline", CALL_MAX_IN, (char **)&c->buf[4], &c->len[4]);
	if (!err)
		err = procfs_read_all(p->tid, "environ", CALL_MAX_IN, (char **)&c->buf[5], &c->len[5]);
	if (err) /* compared as it is: a peer that could be read differs */
		warnmsg("replica %d: reading what its execve gave: %s", p->rep->idx, strerror(-err));
	c->args[0] = dev[0], c->args[1] = ino[0];
	c->args[2] = dev[1], c->args[3] = ino[1];
	c->args[4] = c->buf[4] ? 1 : 0, c->args[5] = c->buf[5] ? 1 : 0;
	p->waiting = W_PTRACE;
	arrive(p, c);
}

/* The exec stop; false when the peer waits for its answer there. */
static bool on_exec(struct peer *p)
{
	int err = vdso_patch(p->tid);

	fdtab_exec(&p->proc->fds);
	/* a set-user-id program or one with file capabilities (Squid's
	 * pinger: cap_net_raw) has other credentials than its caller had,
	 * and any program loses the capabilities it may not keep: the
	 * monitor reads them again before it next acts for the process */
	p->proc->creds_known = false;
	seq_proc_gone(p->rep->idx, p->proc);
	if (err) {
		warnmsg("cannot neutralise the vDSO of replica %d: %s", p->rep->idx, strerror(-err));
		run_end(EXIT_REPLICANT_ERROR);
		return true;
	}
	if (!p->proc->exec_voted)
		return true; /* replicant's own exec of the program */
	p->proc->exec_voted = false;
	record_exec(p);
	return false;
}

/* A signal stop: ours to emulate (rdtsc), to hold back (signals/), or the
 * program's to get. */
static void on_signal_stop(struct peer *p, int sig)
{
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_exit(p);
		return;
	}
	if (sig == SIGSEGV && trap_rdtsc(p))
		return;
	if (sig_stopped(p, sig))
		return;
	sig_passes(p, sig);
	pt_cont(p->tid, sig);
}

static void on_ptrace_stop(struct peer *p, int status)
{
	int event = (unsigned)status >> 16;

	switch (event) {
	case 0:
		on_signal_stop(p, WSTOPSIG(status));
		return;
	case PTRACE_EVENT_EXEC:
		if (!on_exec(p))
			return;
		break;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		threads_on_clone(p, event != PTRACE_EVENT_CLONE);
		if (p->fix != FIX_NONE) {
			pt_syscall(p->tid);
			return;
		}
		break;
	case PTRACE_EVENT_SECCOMP:
		on_traced_entry(p);
		return;
	case PTRACE_EVENT_STOP:
		if (p->held) {
			threads_first_stop(p);
			return;
		}
		break;
	default:
		break;
	}
	pt_cont(p->tid, 0);
}

/* A thread's group whose members have all ended and whose list is empty
 * is freed, so that a program that makes threads all day does not grow
 * the monitor. */
static void free_if_finished(struct group *g)
{
	if (!group_finished(g))
		return;
	sig_forget(g);
	timer_forget(g);
	group_free(g);
}

static void on_exit_status(struct peer *p, int status)
{
	struct replica *r = p->rep;
	bool was_alive = r->alive;

	p->exited = true;
	proc_settle(p);
	if (p->tid == p->proc->pid) {
		/* the process is gone (its leader's status comes last): its
		 * descriptors close, as they did in its kernel; the monitor's
		 * copy of an object no process holds any more closes too (a
		 * socket's peer sees its end) */
		seq_proc_gone(r->idx, p->proc);
		fdtab_clear(&p->proc->fds);
		if (p->grp->parent && p->grp->parent->member[r->idx])
			sig_chld_unseen(p->grp->parent->member[r->idx]);
	}
	if (p->tid != r->pid) {
		/* a thread: its tid may be reused, so it leaves the hash */
		peer_remove(p);
		answer_gc(p->grp);
		free_if_finished(p->grp);
		return;
	}
	r->reaped = true;
	r->wstatus = status;
	if (WIFSIGNALED(status) && was_alive && !run_over)
		record_signal_death(p, WTERMSIG(status));
	r->alive = false;
	if (was_alive) {
		if (WIFSIGNALED(status) && !run_over)
			excuse_death(r, WTERMSIG(status));
		seq_replica_gone(r->idx);
		decide_waiting();
	}
	answer_gc(p->grp);
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
			if (WIFSTOPPED(status))
				threads_early_stop(pid);
			continue;
		}
		if (WIFSTOPPED(status))
			on_ptrace_stop(p, status);
		else
			on_exit_status(p, status);
	}
}
