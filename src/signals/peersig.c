/* The signals each peer is owed, and the one way they reach its thread. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/procfs.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "signals/signals.h"
#include "table/sysent.h"

/* The kernel's restart codes (include/linux/errno.h), not in the uapi. */
#define ERESTARTSYS_K 512
#define ERESTARTNOHAND_K 514

static uint64_t last_sent[65];	/* by signal number: when it last went out */

uint64_t sig_last_sent(int sig)
{
	return sig >= 1 && sig <= 64 ? last_sent[sig] : 0;
}

/* A thread that ended meanwhile (ESRCH) gets nothing, as in a plain run. */
void sig_send(struct peer *p, int sig)
{
	if (sig >= 1 && sig <= 64) {
		p->rep->sigs_sent |= 1ull << (sig - 1);
		last_sent[sig] = now_ns();
	}
	if (sig == SIGCHLD) {
		p->sigs.chld_given++;
		p->sigs.chld_inject = true;
	}
	if (syscall(SYS_tgkill, p->proc->pid, p->tid, sig) < 0 && errno != ESRCH)
		warnmsg("sending signal %d to thread %d: %s", sig, (int)p->tid, strerror(errno));
}

void sig_at_exit(struct peer *p, int sig)
{
	sigmask_add(&p->sigs.at_exit, sig);
}

void sig_exit_stop(struct peer *p)
{
	int sig;

	while ((sig = sigmask_pop(&p->sigs.at_exit)))
		sig_send(p, sig);
}

void sig_send_deferred(struct peer *p)
{
	int sig;

	p->sigs.restart_answered = false; /* a new call came */
	while ((sig = sigmask_pop(&p->sigs.deferred)))
		sig_send(p, sig);
}

/* A signal that came while the thread waited for the monitor to receive
 * its call interrupted that call, which a plain run would not have
 * waited in: it would fail with EINTR (dash's SIGCHLD handler has no
 * SA_RESTART, and its stat() calls would fail). The signal is held back,
 * the call restarts, and the signal is sent again once the monitor has
 * received the call (list/arrive.c), when it can no longer interrupt it:
 * it is delivered as the call returns. */
static bool defer(struct peer *p, int sig)
{
	struct user_regs_struct regs;
	const struct sysent *se;

	if (p->sigs.restart_answered) {
		p->sigs.restart_answered = false;
		return false; /* its ERESTARTSYS is ours: the signal goes in */
	}
	if (sig == SIGKILL || sig == SIGSTOP || sig > 64 || pt_getregs(p->tid, &regs) < 0)
		return false;
	se = sysent_get((long)regs.orig_rax);
	/* local calls and the traced ones (waits) block in the kernel as they
	 * would in a plain run: a signal interrupts them as it would there */
	if ((long)regs.rax != -ERESTARTSYS_K || !se || se->cls == SC_LOCAL || se->cls == SC_ERRNO ||
	    se->cls == SC_CONTROL)
		return false;
	sigmask_add(&p->sigs.deferred, sig);
	pt_cont(p->tid, 0);
	return true;
}

/* The thread is inside a call the monitor let it run itself. */
static bool in_own_call(const struct peer *p)
{
	return p->waiting == W_NONE && p->continued;
}

/* A signal held back from a thread inside a call the monitor let it run
 * itself (a sleep: select, poll and their kin): no handler runs, so the
 * kernel makes the call again, and the monitor hears of it again. The
 * same call, not a new one (list/arrive.c): how many signals came during
 * a sleep differs by replica. Only ERESTARTNOHAND: a thread stopped in the
 * wait for the monitor to take its next call has ERESTARTSYS, and that
 * call, which the monitor has not seen, is a new one. */
static void mark_own_restart(struct peer *p)
{
	struct user_regs_struct regs;

	if (!in_own_call(p) || pt_getregs(p->tid, &regs) < 0 || (long)regs.rax != -ERESTARTNOHAND_K)
		return;
	p->own_restart = true;
	p->own_nr = (long)regs.orig_rax;
	p->own_ip = regs.rip;
}

static void held_back(struct peer *p)
{
	mark_own_restart(p);
	pt_cont(p->tid, 0);
}

/* A signal the thread gets, inside such a call, that no handler of its
 * catches (a SIGCHLD the monitor gave it at a position, which a server's
 * parent leaves at its default): the kernel makes the call again, as for
 * one held back, and it is the same call too. A caught one ends the call
 * (EINTR) and nothing is made again. Apache prefork's parent, its SIGCHLD
 * given in its select, made the select again in one replica only. */
void sig_passes(struct peer *p, int sig)
{
	uint64_t blocked, caught, pending, ignored;

	/* most signals come outside such a call: no need to read /proc */
	if (!in_own_call(p) || sig < 1 || sig > 64 ||
	    procfs_task_sigmasks(p->proc->pid, p->tid, &blocked, &caught, &pending, &ignored) < 0 ||
	    (caught & (1ull << (sig - 1))))
		return;
	mark_own_restart(p);
}

/* SIGCHLD tells a process that one of its children ended: when, depends
 * on each replica's scheduling, and a shell that reaps from its handler
 * (dash) then makes its calls in a different order in each replica. So
 * the kernel's SIGCHLD is held back, and the first replica to get one has
 * its peer group get one at one position. A replica's own SIGCHLD that
 * comes after it was given one, or while one is on its way, is the same
 * event and is dropped: the kernel merges them too. Which child the
 * handler's wait reaps is decided by the waits (calls/wait.c). */
static bool chld_arrived(struct peer *p)
{
	if (p->sigs.chld_inject) {
		p->sigs.chld_inject = false;
		/* the kernel's own, counted already, merged into ours */
		(void)sig_chld_was_unseen(p);
		return false; /* ours: delivered */
	}
	if (sig_chld_was_unseen(p)) {
		held_back(p); /* counted when its child ended */
		return true;
	}
	p->sigs.chld_real++;
	if (p->sigs.chld_given < p->sigs.chld_real && !sig_sending(p->grp, SIGCHLD) &&
	    !sig_group(p->grp, SIGCHLD, false))
		return false; /* too many signals on their way: as it comes */
	held_back(p);
	return true;
}

bool sig_stopped(struct peer *p, int sig)
{
	if (sig == SIGCHLD && chld_arrived(p))
		return true;
	return defer(p, sig);
}
