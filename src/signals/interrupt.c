/* A signal for a thread whose call the monitor runs for it in a worker (a
 * read of a pipe or socket, a poll, a select) interrupts that call, as it
 * would have in the thread's own kernel: make waits for its children in a
 * pselect on its jobserver pipe that only a SIGCHLD ends. The thread waits
 * for the monitor after its call was received, which no signal but a
 * fatal one ends (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): without this
 * the signal waited for the call, and the call for the signal.
 *
 * Whether it interrupts is decided once, by the first replica the signal
 * is sent to at the call, with that thread's handlers and mask: the call
 * runs once, so its one result (EINTR, or what it did before the signal)
 * is every replica's. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "list/pool.h"
#include "os/mem.h"
#include "os/procfs.h"
#include "signals/signals.h"

/* The kernel's restart code (include/linux/errno.h), not in the uapi. */
#define ERESTARTSYS_K 512

/* The mask a ppoll or pselect6 asks for while it waits, which is the one
 * that counts, in place of the thread's (0: it asks for none). */
static int call_mask(struct peer *p, const struct call *c, uint64_t *mask)
{
	struct { uint64_t ss, len; } arg6;
	uint64_t at = 0;

	if (c->nr == SYS_ppoll)
		at = c->args[3];
	else if (c->nr == SYS_pselect6 && c->args[5]) {
		if (mem_read(p->tid, c->args[5], &arg6, sizeof(arg6)) < 0)
			return -EFAULT;
		at = arg6.ss;
	}
	return at ? mem_read(p->tid, at, mask, sizeof(*mask)) : 0;
}

/* The signals whose default action is to do nothing, or to stop. */
static const uint64_t DEFAULT_HARMLESS =
	1ull << (SIGCHLD - 1) | 1ull << (SIGURG - 1) | 1ull << (SIGWINCH - 1) |
	1ull << (SIGCONT - 1) | 1ull << (SIGSTOP - 1) | 1ull << (SIGTSTP - 1) |
	1ull << (SIGTTIN - 1) | 1ull << (SIGTTOU - 1);

/* sig, not blocked for the call, has a handler in p's process, or ends it
 * by default. A traced thread's wait for the monitor ends for SIGKILL
 * alone: a SIGTERM it does not catch would wait for the call to return. */
static bool interrupts(struct peer *p, const struct call *c, int sig)
{
	uint64_t blocked, caught, pending, ignored, bit = 1ull << (sig - 1);

	if (sig <= 0 || sig > 64 || !c ||
	    procfs_task_sigmasks(p->proc->pid, p->tid, &blocked, &caught, &pending, &ignored) < 0)
		return false;
	if ((ignored & bit) || (!(caught & bit) && (DEFAULT_HARMLESS & bit)))
		return false;
	if (call_mask(p, c, &blocked) < 0)
		return false;
	return !(blocked & bit);
}

void sig_interrupt_call(struct peer *p, int sig)
{
	struct entry *e = p->waiting == W_NOTIF ? p->entry : NULL;
	uint32_t me = 1u << p->rep->idx;

	if (!e)
		return;
	if (e->cancel) {
		if (e->intr_sig == sig)
			e->intr_sent |= me;
		return;
	}
	if (!e->pooled || e->state != E_RUN || !interrupts(p, e->call[p->rep->idx], sig))
		return;
	e->intr_sig = sig;
	e->intr_sent |= me;
	pool_interrupt(e);
}

/* The tracer saw a child of p's process end (loop/tracer.c). Its SIGCHLD
 * to p's thread stays pending in p's kernel, unseen, while the thread waits
 * in a call a worker runs: it is counted as arrived now (peersig.c's
 * rules), so that it can be given at a position, and interrupt the call. */
void sig_chld_unseen(struct peer *p)
{
	struct entry *e = p->waiting == W_NOTIF ? p->entry : NULL;

	if (!e || !e->pooled || e->state != E_RUN || e->cancel ||
	    !interrupts(p, e->call[p->rep->idx], SIGCHLD))
		return;
	p->sigs.chld_real++;
	p->sigs.chld_unseen++;
	if (p->sigs.chld_given < p->sigs.chld_real && !sig_sending(p->grp, SIGCHLD))
		sig_group(p->grp, SIGCHLD, false);
}

/* A SIGCHLD stop of p's, with one counted before it came: true when it is
 * that one (no other is pending behind it). */
bool sig_chld_was_unseen(struct peer *p)
{
	uint64_t blocked, caught, pending, ignored;

	if (!p->sigs.chld_unseen)
		return false;
	if (procfs_task_sigmasks(p->proc->pid, p->tid, &blocked, &caught, &pending, &ignored) == 0 &&
	    (pending & (1ull << (SIGCHLD - 1))))
		return false; /* another one comes after it */
	p->sigs.chld_unseen--;
	return true;
}

/* How the thread's own kernel ends a call a signal interrupted: poll,
 * select and epoll_wait fail with EINTR once a handler runs; the others
 * restart when the handler has SA_RESTART (ERESTARTSYS, which the kernel
 * turns into EINTR otherwise, as the signal is delivered). */
static long interrupted_result(const struct entry *e)
{
	switch (e->call[e->agreed]->nr) {
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		return -EINTR;
	default:
		return -ERESTARTSYS_K;
	}
}

long sig_interrupted_answer(struct entry *e, struct peer *p, long val)
{
	uint32_t me = 1u << p->rep->idx;

	if (!e->cancel || val != -EINTR)
		return val;
	if (!(e->intr_sent & me))
		sig_check(); /* a replica that comes late gets it here */
	/* a restart code reaches the program as such unless a signal is
	 * pending: one that has not been sent (it never reached this place)
	 * gets the plain EINTR */
	if (!(e->intr_sent & me))
		return -EINTR;
	val = interrupted_result(e);
	/* the kernel restarts, or not, as the signal is delivered: not a
	 * signal that came before the call was received (peersig.c) */
	p->sigs.restart_answered = val == -ERESTARTSYS_K;
	return val;
}
