/* Timing-dependent outcomes, made the same in every replica.
 *
 * A trylock, a timed lock or a timed wait has an outcome that depends on
 * when threads got where: each replica proposes what it saw and rp_decide()
 * hands every replica the proposal of the first to ask (or the caller's own
 * outside replicant). The callers then make the outcome true: a replica
 * that saw "busy" but is told "acquired" takes the lock the blocking way
 * (it was only behind), one that saw "free" but is told "busy" leaves it.
 *
 * Mutex trylock and timedlock (and spin trylock) no longer come here: the
 * order log records their outcome, FAILED entries included
 * (olog_try_enter(), mutex.c), so a "yes" never queues behind another
 * thread. What is left open here: an rwlock try's or sem_trywait's "free"
 * is a look (olog_peek), not a reservation, so between the deciding
 * replica's look and its thread's entry another thread may queue first in
 * the log; the "yes" then waits behind it. Harmless, unless that thread
 * needs a lock the trier holds: then every replica stalls alike. The same
 * FAILED entries would fix it (an rwlock's region is around acquisition
 * only, so "free" also needs glibc's say, which differs by replica).
 *
 * Waiting for a deadline reads the clock once: under replicant the clock is
 * an input that the monitor answers, one entry in the thread's syscall
 * list, so a poll loop that read it on each turn would make a number of
 * calls that differs between replicas. Naps are futex waits with a relative
 * timeout (local, never seen by the monitor), counted off the time left.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>

#include "rpt.h"
#include "sys.h"

#define NS 1000000000ll
#define NAP_MIN_NS 20000ll	/* first poll nap: 20 us */
#define NAP_MAX_NS 2000000ll	/* longest: 2 ms, how late a poll may see a change */
#define WAIT_SLICE_NS 50000000ll /* a timed wait sleeps at most this at once */
#define SPURIOUS_NS 50000ll	/* counted for a wakeup that was not the timeout */
#define HOLD_MIN_NS 1000000ll	/* a passed deadline looks for quiet (quiet.c) */
#define HOLD_MAX_NAP_NS 16000000ll /* at least this often */

/* Not FUTEX_PRIVATE_FLAG: the words of process-shared objects (a barrier's
 * round, a condvar waiter's node) are waited on and woken from different
 * processes. The flag would only save a lookup on calls that sleep. */
long rpt_futex_wait(_Atomic uint32_t *w, uint32_t val, const struct timespec *rel)
{
	return rp_syscall6(SYS_futex, (long)w, FUTEX_WAIT, val, (long)rel, 0, 0);
}

void rpt_futex_wake(_Atomic uint32_t *w, int n)
{
	rp_syscall6(SYS_futex, (long)w, FUTEX_WAKE, n, 0, 0, 0);
}

int rpt_deadline_init(struct rpt_deadline *d, clockid_t clk, const struct timespec *abs)
{
	struct timespec now;

	if (abs->tv_nsec < 0 || abs->tv_nsec >= NS)
		return EINVAL;
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	if (clock_gettime(clk, &now))
		return EINVAL;
	d->left_ns = ((int64_t)abs->tv_sec - now.tv_sec) * NS + (abs->tv_nsec - now.tv_nsec);
	d->nap_ns = NAP_MIN_NS;
	d->clk = clk;
	d->due_ns = abs->tv_sec > INT64_MAX / NS - 1 ? INT64_MAX : abs->tv_sec * NS + abs->tv_nsec;
	d->held_ns = 0;
	d->hold_nap_ns = HOLD_MIN_NS;
	/* a deadline that has passed already ends the call at a point of the
	 * caller's own program order, as a trylock does: no quiet point */
	d->hold = d->left_ns > 0;
	return 0;
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NS, .tv_nsec = ns % NS };
}

/* The next wait for a quiet point, once the deadline has passed: short at
 * first, longer as it goes on. */
static int64_t hold_nap(struct rpt_deadline *d)
{
	int64_t nap = d->hold_nap_ns;

	d->held_ns += nap;
	if (d->hold_nap_ns < HOLD_MAX_NAP_NS)
		d->hold_nap_ns *= 2;
	return nap;
}

void rpt_quiet_sleep(int64_t ns, const struct rpt_deadline *d)
{
	_Atomic uint32_t never = 0;
	struct timespec rel = ts_of(ns);
	uint32_t token = rpt_quiet_wait(d);

	rpt_futex_wait(&never, 0, &rel);	/* nobody wakes it: a sleep */
	rpt_quiet_run(token);
}

/* Quiet (quiet.c) only while it sleeps: a poll that finds its answer at
 * once, as a trylock does, is part of the thread's running. */
bool rpt_deadline_nap(struct rpt_deadline *d)
{
	int64_t nap;

	if (d->left_ns <= 0) {
		if (rpt_quiet_due(d))
			return false;
		nap = hold_nap(d);
	} else {
		nap = d->nap_ns < d->left_ns ? d->nap_ns : d->left_ns;
		d->left_ns -= nap;
		if (d->nap_ns < NAP_MAX_NS)
			d->nap_ns *= 2;
	}
	rpt_quiet_sleep(nap, d);
	return true;
}

/* Quiet (quiet.c) while it waits; a word that is set already is no wait. */
int rpt_wait_word(_Atomic uint32_t *word, struct rpt_deadline *d)
{
	struct timespec rel;
	uint32_t token;
	int64_t slice;
	long ret;

	if (atomic_load(word))
		return 0;
	token = rpt_quiet_wait(d);
	while (!atomic_load(word)) {
		if (!d) {
			rpt_futex_wait(word, 0, NULL);
			continue;
		}
		if (d->left_ns <= 0) {
			if (rpt_quiet_due(d)) {
				rpt_quiet_run(token);
				return ETIMEDOUT;
			}
			rel = ts_of(hold_nap(d));
			rpt_futex_wait(word, 0, &rel);
			continue;
		}
		slice = d->left_ns < WAIT_SLICE_NS ? d->left_ns : WAIT_SLICE_NS;
		rel = ts_of(slice);
		ret = rpt_futex_wait(word, 0, &rel);
		/* without a clock we cannot tell how long an early wakeup
		 * slept: count a little, so that a storm of them still ends */
		d->left_ns -= ret == -ETIMEDOUT ? slice : (slice < SPURIOUS_NS ? slice : SPURIOUS_NS);
	}
	rpt_quiet_run(token);
	return 0;
}

bool rpt_decide(bool proposal)
{
	return rp_decide(proposal ? 1 : 0) != 0;
}

bool rpt_poll_decide(bool (*ready)(void *), void *obj, struct rpt_deadline *d)
{
	bool yes;

	while (!(yes = ready(obj)) && rpt_deadline_nap(d))
		;
	return rpt_decide(yes);
}
