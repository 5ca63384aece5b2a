/* alarm, setitimer and getitimer (ITIMER_REAL): the monitor keeps the
 * timer, and its SIGALRM reaches the thread that set it in every replica at
 * the same position of its peer group's list (signals/signals.c). The kernel's own
 * timer would fire at a different point in each replica.
 *
 * A timer belongs to a process: the k-th process of every replica shares
 * one, keyed by the process of the replica that made the call first. What
 * the calls return (the time left) is an input: decided once, for every
 * replica. fork does not pass timers on; execve keeps them, as the kernel
 * does. ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are refused.
 *
 * And the other clock a program reads without a syscall: rdtsc, which
 * faults in the replicas (PR_TSC_SIGSEGV) and is an input too. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <sys/prctl.h>
#include <x86intrin.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/util.h"
#include "signals/signals.h"

struct rtimer {
	struct rtimer *next;
	const struct proc *key[MAX_REPLICAS];	/* each replica's process */
	struct group *g;	/* the thread that set it: SIGALRM goes there */
	uint64_t deadline;	/* CLOCK_MONOTONIC ns, 0: disarmed */
	uint64_t interval;	/* ns */
};

static struct rtimer *timers;

/* The timer of the caller's process, found through whichever replica
 * called first; a new one knows every replica's process (the caller's
 * peers, which may not have arrived yet). */
static struct rtimer *timer_of(const struct entry *e, bool make)
{
	struct rtimer *t;
	int r = e->agreed, i;

	for (t = timers; t; t = t->next)
		if (t->key[r] == list_proc(e, r))
			return t;
	if (!make)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	for (i = 0; i < opt.n; i++)
		if (e->grp->member[i])
			t->key[i] = e->grp->member[i]->proc;
	t->next = timers;
	timers = t;
	return t;
}

static struct timeval tv_of(uint64_t ns)
{
	return (struct timeval){ (time_t)(ns / 1000000000ull), (suseconds_t)(ns % 1000000000ull / 1000) };
}

static uint64_t ns_of(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull;
}

static struct itimerval current(const struct rtimer *t)
{
	struct itimerval v = { { 0, 0 }, { 0, 0 } };
	uint64_t now = now_ns();

	if (!t || !t->deadline)
		return v;
	v.it_interval = tv_of(t->interval);
	/* an armed timer never shows 0 left (the kernel's rule) */
	v.it_value = tv_of(t->deadline > now ? t->deadline - now : 1000);
	return v;
}

static void arm(struct rtimer *t, const struct entry *e, const struct itimerval *v)
{
	uint64_t value = ns_of(&v->it_value);

	t->g = e->grp;
	t->interval = ns_of(&v->it_interval);
	t->deadline = value ? now_ns() + value : 0;
}

static enum mode timer_classify(struct peer *p, struct call *c)
{
	(void)p;
	if (c->nr != SYS_alarm && (int)c->args[0] != ITIMER_REAL)
		return M_REFUSE;
	return M_INPUT;
}

/* The time left, rounded to whole seconds as the kernel does for alarm. */
static long alarm_left(const struct itimerval *old)
{
	return old->it_value.tv_sec + (old->it_value.tv_usec >= 500000) +
	       (!old->it_value.tv_sec && old->it_value.tv_usec && old->it_value.tv_usec < 500000);
}

static long setitimer_run(struct entry *e, struct rtimer *t, const struct itimerval *old)
{
	struct call *c = e->call[e->agreed];
	struct itimerval v = { { 0, 0 }, { 0, 0 } };

	if (c->args[1] && c->len[1] >= sizeof(v))
		memcpy(&v, c->buf[1], sizeof(v));
	if (v.it_value.tv_usec < 0 || v.it_value.tv_usec >= 1000000 ||
	    v.it_interval.tv_usec < 0 || v.it_interval.tv_usec >= 1000000)
		return -EINVAL;
	arm(t, e, &v);
	if (c->args[2])
		e->out[2] = xmemdup(old, sizeof(*old));
	return 0;
}

static enum prep timer_prepare(struct entry *e)
{
	struct call *c = e->call[e->agreed];
	struct itimerval old, v = { { 0, 0 }, { 0, 0 } };
	struct rtimer *t = timer_of(e, c->nr != SYS_getitimer);

	old = current(t);
	switch (c->nr) {
	case SYS_alarm:
		v.it_value.tv_sec = (time_t)(unsigned)c->args[0];
		arm(t, e, &v);
		e->ret = alarm_left(&old);
		break;
	case SYS_setitimer:
		e->ret = setitimer_run(e, t, &old);
		break;
	default: /* getitimer */
		e->out[1] = xmemdup(&old, sizeof(old));
		e->ret = 0;
		break;
	}
	return PREP_DONE;
}

const struct handler h_timer = {
	.classify = timer_classify,
	.prepare = timer_prepare,
	.refuse_why = "only ITIMER_REAL timers are supported",
};

/* The monitor itself runs with rdtsc disabled (loop/loop.c), so it lifts
 * that for the one read. */
static enum prep rdtsc_prepare(struct entry *e)
{
	if (prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0) < 0) {
		e->ret = -errno;
		return PREP_FAIL;
	}
	e->ret = (long)__rdtsc();
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_TSC)");
	return PREP_DONE;
}

const struct handler h_rdtsc = {
	.prepare = rdtsc_prepare,
};

/* The thread that set a timer ended and its group goes: its timer goes
 * too (a plain run would send the signal to another of its threads). */
void timer_forget(const struct group *g)
{
	struct rtimer *t;

	for (t = timers; t; t = t->next)
		if (t->g == g)
			t->g = NULL, t->deadline = 0;
}

/* Fires the timers that are due; returns the milliseconds until the next
 * one (-1: none armed). */
int timer_check(void)
{
	uint64_t now = now_ns(), next = UINT64_MAX;
	struct rtimer *t;

	for (t = timers; t && !run_over; t = t->next) {
		if (!t->deadline)
			continue;
		if (t->deadline <= now && sig_group(t->g, SIGALRM, false)) {
			/* an interval timer that fell behind skips, as the
			 * kernel's does (one signal pending at a time) */
			while (t->interval && t->deadline <= now)
				t->deadline += t->interval;
			if (!t->interval)
				t->deadline = 0;
		}
		if (t->deadline && t->deadline < next)
			next = t->deadline;
	}
	return next == UINT64_MAX ? -1 : (int)((next > now ? next - now : 0) / 1000000 + 1);
}
