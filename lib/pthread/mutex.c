/* Mutexes: each one a domain labelled by its address (the seed's 5.4).
 *
 * lock = begin_seq + glibc's lock, unlock = glibc's unlock + end_seq, so
 * the threads of every replica take a mutex in one order. Every type works
 * the same: a recursive relock nests the region (begin_seq counts), and an
 * error (EDEADLK, EPERM, EBUSY...) leaves the region as it was before the
 * call. A mutex whose domain cannot be made (no slot left, in every replica
 * alike) is still locked, just not ordered.
 *
 * trylock and timedlock: whether the mutex was free is timing-dependent, so
 * the order log decides it (olog_try_enter(), rp_try_begin_seq()): the
 * replica that gets there first enters the region only if nobody of its
 * replica is inside or queued, else appends a FAILED entry; the others
 * follow the entry. Entered, the mutex is free (nobody else is inside its
 * region), so glibc's trylock takes it. A timed lock waits for the region
 * (polling, while leading) until its deadline, then fails the same way. A
 * thread that already holds the region (a recursive or erroneous relock)
 * needs no agreement: that is its own program order.
 *
 * A process-shared mutex has its domain in the process tree's shared
 * region (rpt_dom_create()), which a fork child keeps: the threads of every
 * process that inherited the mutex take it in one order. One made after
 * another process forked is a domain of each process that uses it (the
 * others do not know its label): that process's holders are not seen by
 * the region, so its tries propose what glibc says and agree with DECIDE
 * (decide.c).
 *
 * With --pthread=serial (rpt_serial), one more domain, the replica-wide
 * "mutex domain" (big_dom), is entered around every mutex region, outermost: the critical sections of all the
 * mutexes of a replica are mutually exclusive, in one order in every
 * replica. Per-mutex order alone is not enough for real programs, whose
 * critical sections of different mutexes race on shared data: GNU sort
 * (sort.c, mergelines_node) stores a child node's output end into its
 * parent's end_lo/end_hi holding only the child's lock, while the thread
 * merging the parent reads them holding only the parent's lock; what it
 * reads decides which thread requeues the parent, which thread merges the
 * root, and so which thread writes the output, differently in every
 * replica. With the critical sections serialised, such a race is ordered
 * like everything else inside them. The cost: no two critical sections of
 * one replica run at once, and a thread that blocks while holding a mutex
 * (a condvar wait with a second mutex held, sem_wait, join, a blocking
 * read) holds up every other thread's mutexes in its replica (the wait of
 * a condvar releases the domain when its mutex is the only one held).
 * The per-mutex domain is still entered inside it (the mutex's own order,
 * trylock's peek, the stall report).
 */
#include <errno.h>

#include <replicant.h>

#include "orderlog.h"
#include "rpt.h"

/* The replica-wide mutex domain: its label is this object's address. */
static const char big_dom;

static bool pshared(const pthread_mutex_t *m)
{
	return m->__data.__kind & 128;	/* glibc's PTHREAD_MUTEX_PSHARED_BIT */
}

/* A process with one thread locks its own mutexes without regions
 * (solo.c); a lock outcome then goes through hold(). */
static bool solo_private(const pthread_mutex_t *m)
{
	return rpt_solo() && !pshared(m);
}

/* Enters the mutex domain, then m's: 0 inside both, else inside neither
 * (no domain could be made for m: it is locked unordered). */
static int enter_pair(pthread_mutex_t *m)
{
	int err;

	if (!rpt_serial)
		return rpt_enter(m);
	err = rpt_enter(&big_dom);

	if (err)
		return err;
	err = rpt_enter(m);
	if (err)
		rpt_leave(&big_dom);
	return err;
}

/* Leaves m's region and, if the thread was inside it (so entered the pair),
 * the mutex domain. */
void rpt_mutex_leave(pthread_mutex_t *m)
{
	if (solo_private(m)) {
		rpt_solo_release(m);
		return;
	}
	if (!rpt_serial) {
		rpt_leave(m);
		return;
	}
	if (!rp_end_seq((long)m, RP_QUIET))
		rpt_leave(&big_dom);
}

static int hold(pthread_mutex_t *m, int err)
{
	if (!err || err == EOWNERDEAD)
		rpt_solo_hold(m);
	return err;
}

void rpt_mutex_enter(pthread_mutex_t *m)
{
	enter_pair(m);
}

int rpt_mutex_lock(pthread_mutex_t *m)
{
	if (solo_private(m))
		return hold(m, rpt_real.mutex_lock(m));
	bool inside = !enter_pair(m);
	int err = rpt_real.mutex_lock(m);

	/* EOWNERDEAD: a robust mutex, acquired all the same */
	if (err && err != EOWNERDEAD && inside)
		rpt_mutex_leave(m);
	return err;
}

int rpt_mutex_unlock(pthread_mutex_t *m)
{
	int err = rpt_real.mutex_unlock(m);

	if (!err)
		rpt_mutex_leave(m);
	return err;
}

/* A process-shared mutex whose domain is not in the shared region (made by
 * another process after this one forked) may be held by a process the
 * region does not see. */
static bool unseen_holders(const pthread_mutex_t *m)
{
	return pshared(m) && !rp_dom_shared((long)m);
}

PT_API int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	int err;

	if (RPT_PLAIN())
		return rpt_real.mutex_init(m, attr);
	err = rpt_real.mutex_init(m, attr);
	if (!err)
		rpt_dom_create(m, pshared(m));
	return err;
}

PT_API int pthread_mutex_destroy(pthread_mutex_t *m)
{
	int err;

	if (RPT_PLAIN())
		return rpt_real.mutex_destroy(m);
	err = rpt_real.mutex_destroy(m);
	if (!err)
		rpt_dom_destroy(m);
	return err;
}

PT_API int pthread_mutex_lock(pthread_mutex_t *m)
{
	if (RPT_PLAIN())
		return rpt_real.mutex_lock(m);
	return rpt_mutex_lock(m);
}

PT_API int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (RPT_PLAIN())
		return rpt_real.mutex_unlock(m);
	return rpt_mutex_unlock(m);
}

/* Ask glibc too when the region may not see every holder. */
static bool really_free(pthread_mutex_t *m)
{
	if (!unseen_holders(m))
		return true;
	if (rpt_real.mutex_trylock(m))
		return false;
	rpt_real.mutex_unlock(m);
	return true;
}

static bool ready(void *m)
{
	return rpt_peek(m) == OLOG_PEEK_FREE && really_free(m);
}

/* The caller is inside m's region already: its own business, the same in
 * every replica. */
static int relock(pthread_mutex_t *m, int err)
{
	if (!err && enter_pair(m))
		err = EAGAIN;	/* cannot happen: nesting owned regions */
	return err;
}

/* A try of the mutex domain (when serial: entered the blocking way, or
 * nested) and m's: 0 inside both; EBUSY refused, in every replica alike;
 * else inside neither (no domain could be made for m). */
static int try_pair(pthread_mutex_t *m, struct rpt_deadline *d)
{
	int err;

	if (rpt_serial && (err = rpt_enter(&big_dom)))
		return err;
	err = rpt_try_enter(m, d);
	if (err && rpt_serial)
		rpt_leave(&big_dom);
	return err;
}

/* Inside m's region (try_pair() said 0): nobody else of this process is,
 * so glibc's trylock takes m. */
static int take(pthread_mutex_t *m)
{
	int err = rpt_real.mutex_trylock(m);

	if (err && err != EOWNERDEAD)
		rpt_mutex_leave(m);
	return err;
}

PT_API int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int err;

	if (RPT_PLAIN())
		return rpt_real.mutex_trylock(m);
	if (solo_private(m))
		return hold(m, rpt_real.mutex_trylock(m));
	if (rpt_use(m))
		return rpt_real.mutex_trylock(m);
	if (rpt_peek(m) == OLOG_PEEK_MINE)
		return relock(m, rpt_real.mutex_trylock(m));
	if (unseen_holders(m)) {
		if (!rpt_decide(ready(m)))
			return EBUSY;
		return rpt_mutex_lock(m);
	}
	err = try_pair(m, NULL);
	if (err == EBUSY)
		return EBUSY;
	if (err)
		return rpt_real.mutex_trylock(m);	/* no domain: unordered */
	return take(m);
}

/* Waits for the region until the deadline (the log records the outcome);
 * process-shared: polls until it looks free or the deadline passes, then
 * agrees. */
static int clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abs)
{
	struct rpt_deadline d;
	int err;

	if (solo_private(m))
		return hold(m, rpt_real.mutex_clocklock(m, clk, abs));
	if (rpt_use(m))
		return rpt_real.mutex_clocklock(m, clk, abs);
	if (rpt_peek(m) == OLOG_PEEK_MINE)
		return relock(m, rpt_real.mutex_clocklock(m, clk, abs));
	err = rpt_deadline_init(&d, clk, abs);
	if (err)
		return err;
	if (unseen_holders(m)) {
		if (!rpt_poll_decide(ready, m, &d))
			return ETIMEDOUT;
		return rpt_mutex_lock(m);
	}
	err = try_pair(m, &d);
	if (err == EBUSY)
		return ETIMEDOUT;
	if (err)
		return rpt_real.mutex_clocklock(m, clk, abs);	/* no domain */
	return take(m);
}

PT_API int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abs)
{
	if (RPT_PLAIN())
		return rpt_real.mutex_clocklock(m, clk, abs);
	return clocklock(m, clk, abs);
}

PT_API int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs)
{
	if (RPT_PLAIN())
		return rpt_real.mutex_timedlock(m, abs);
	return clocklock(m, CLOCK_REALTIME, abs);
}
