/* Barriers, made here in replicated mode: glibc hands
 * PTHREAD_BARRIER_SERIAL_THREAD to whichever thread arrives last, which is
 * timing-dependent. Here arrivals are counted inside a region of the
 * barrier's domain, so the last to arrive, and the serial thread, is the
 * same in every replica. Waiting happens outside the region, on a round
 * counter (futex word) that the last arrival bumps.
 *
 * State, on the pthread_barrier_t (32 bytes), made by pthread_barrier_init
 * in replicated mode; in pass-through mode the barrier is glibc's. (The mode
 * is fixed for a process's life, except that a fork child whose HELLO fails
 * drops to pass-through: barriers it inherited stay ours.) The counters are
 * atomic, so a barrier whose domain could not be made still works, just
 * with a serial thread that may differ. A process-shared barrier has its
 * domain in the shared region (rpt_dom_create()).
 */
#include <errno.h>
#include <limits.h>

#include "rpt.h"

#define MAGIC 0x52504252u	/* "RBPR": made here */

struct rbarrier {
	uint32_t magic;
	uint32_t count;		/* threads a round */
	_Atomic uint32_t arrived; /* this round so far */
	_Atomic uint32_t round;	/* futex word: rounds completed */
};

_Static_assert(sizeof(struct rbarrier) <= sizeof(pthread_barrier_t), "fits pthread_barrier_t");

static struct rbarrier *rb(pthread_barrier_t *b)
{
	return (struct rbarrier *)b;
}

PT_API int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
				unsigned count)
{
	int ps = PTHREAD_PROCESS_PRIVATE;

	if (!rpt_on())
		return rpt_real.barrier_init(b, attr, count);
	if (!count || count > INT_MAX)
		return EINVAL;
	if (attr && pthread_barrierattr_getpshared(attr, &ps))
		return EINVAL;
	*rb(b) = (struct rbarrier){ .magic = MAGIC, .count = count };
	rpt_dom_create(b, ps == PTHREAD_PROCESS_SHARED);
	return 0;
}

PT_API int pthread_barrier_destroy(pthread_barrier_t *b)
{
	if (!rpt_on() || rb(b)->magic != MAGIC)
		return rpt_real.barrier_destroy(b);
	if (atomic_load(&rb(b)->arrived))
		return EBUSY;
	rb(b)->magic = 0;
	rpt_dom_destroy(b);
	return 0;
}

/* The last arrival resets the count before it bumps the round: threads of
 * the next round arrive only after they saw the bump. */
PT_API int pthread_barrier_wait(pthread_barrier_t *b)
{
	struct rbarrier *r = rb(b);
	uint32_t round, token;
	bool inside;

	if (!rpt_on() || r->magic != MAGIC)
		return rpt_real.barrier_wait(b);
	inside = !rpt_enter(b);
	round = atomic_load(&r->round);
	if (atomic_fetch_add(&r->arrived, 1) + 1 == r->count) {
		atomic_store(&r->arrived, 0);
		atomic_fetch_add(&r->round, 1);
		rpt_futex_wake(&r->round, INT_MAX);
		if (inside)
			rpt_leave(b);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	if (inside)
		rpt_leave(b);
	token = rpt_quiet_wait(NULL);
	while (atomic_load(&r->round) == round)
		rpt_futex_wait(&r->round, round, NULL);
	rpt_quiet_run(token);
	return 0;
}
