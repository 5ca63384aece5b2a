/* Forwarding signals sent to replicant to the replicas. */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor_int.h"
#include "util.h"

/* A signal sent to replicant, on its way to the replicas (forward_signal). */
static struct {
	int sig;		/* pending, or 0 */
	uint64_t pos;		/* its position in peer group 0 */
	uint32_t done;		/* replicas it was sent to */
	uint64_t deadline;
} fwd;

static uint64_t fwd_last_ns; /* when a signal was last forwarded */

bool fwd_pending(void)
{
	return fwd.sig != 0;
}

/* A signal is on its way, or was sent within the last 5 s: the replicas
 * may be dying of it. */
bool fwd_recent(void)
{
	return fwd.sig != 0 || (fwd_last_ns && now_ns() - fwd_last_ns < 5000000000ull);
}

/* A signal sent to replicant is forwarded to the initial thread of every
 * replica at the same point: it is sent while the thread waits for the
 * monitor at one position of peer group 0's list, and since the monitor
 * has received that call, the wait is not interrupted
 * (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): the kernel delivers the signal
 * as the call returns. A replica that does not reach the position within
 * FWD_WAIT_NS (asleep in a call that never reaches the monitor, like
 * nanosleep) gets it where it is. */
#define FWD_WAIT_NS 1000000000ull


void fwd_check(void)
{
	uint32_t live = monitor_live_mask();
	bool late;
	int i;

	if (!fwd.sig)
		return;
	late = now_ns() >= fwd.deadline;
	for (i = 0; i < opt.n; i++) {
		struct peer *p = group0.member[i];

		if (!(live & (1u << i)) || (fwd.done & (1u << i)))
			continue;
		/* a held wait is let go with ptrace: by the tracer thread */
		if (p->waiting == W_WAIT && !on_tracer_thread())
			continue;
		if (p->exited || late ||
		    (p->waiting == W_NOTIF && p->entry && p->entry->seq == fwd.pos)) {
			if (!p->exited)
				syscall(SYS_tgkill, p->proc->pid, p->tid, fwd.sig);
			/* a wait held for a leader: let it go, the signal
			 * interrupts it as it would a plain run's */
			if (!p->exited && p->waiting == W_WAIT)
				wait_abandon(p);
			fwd.done |= 1u << i;
		}
	}
	if ((fwd.done & live) == live)
		fwd.sig = 0;
}

void forward_signal(int sig)
{
	uint64_t pos = 0;
	int i;

	for (i = 0; i < opt.n; i++) {
		struct peer *p = group0.member[i];
		uint64_t at;

		if (!replicas[i].alive || !p)
			continue;
		at = p->waiting == W_NOTIF && p->entry ? p->entry->seq : p->pos;
		if (at > pos)
			pos = at;
	}
	fwd.sig = sig;
	fwd_last_ns = now_ns();
	fwd.pos = pos;
	fwd.done = 0;
	fwd.deadline = now_ns() + FWD_WAIT_NS;
	debugx("forwarding %s at position %llu of peer group 0", strsignal(sig),
	       (unsigned long long)pos);
	fwd_check();
}

