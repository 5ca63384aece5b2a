/* Read-write locks: a region around acquisition only (the seed's 5.4), so
 * that the order in which threads acquire is replicated while readers still
 * hold the lock together. rdlock/wrlock = begin_seq; glibc's lock; end_seq.
 * unlock = glibc's unlock.
 *
 * A thread that holds a read lock already takes another without the region
 * (it is its own program order): a writer waiting inside the region for the
 * readers to leave would otherwise wait for it, and it for the writer, where
 * glibc's default (readers first) lets it in. The read locks a thread holds
 * are counted per thread (a few locks; past that, the region is taken).
 *
 * try and timed variants: whether the lock could be had is proposed and
 * agreed on (decide.c); the yes is then acted out the blocking way.
 */
#include <errno.h>

#include "orderlog.h"
#include "rpt.h"

#define HELD_MAX 16		/* read-locked rwlocks a thread tracks */

struct held {
	pthread_rwlock_t *rw;
	unsigned long n;	/* read locks of rw this thread holds */
};

static _Thread_local struct held tl_held[HELD_MAX] TLS_IE;

static struct held *held_find(pthread_rwlock_t *rw)
{
	int i;

	for (i = 0; i < HELD_MAX; i++)
		if (tl_held[i].rw == rw && tl_held[i].n)
			return &tl_held[i];
	return NULL;
}

static void held_add(pthread_rwlock_t *rw)
{
	struct held *h = held_find(rw);
	int i;

	for (i = 0; !h && i < HELD_MAX; i++)
		if (!tl_held[i].n)
			h = &tl_held[i];
	if (h) {
		h->rw = rw;
		h->n++;
	}
}

static void held_drop(pthread_rwlock_t *rw)
{
	struct held *h = held_find(rw);

	if (h)
		h->n--;
}

static int acquire(pthread_rwlock_t *rw, bool write)
{
	bool inside;
	int err;

	if (!write && held_find(rw)) {
		err = rpt_real.rwlock_rdlock(rw);
	} else {
		inside = !rpt_enter(rw);
		err = write ? rpt_real.rwlock_wrlock(rw) : rpt_real.rwlock_rdlock(rw);
		if (inside)
			rpt_leave(rw);
	}
	if (!err && !write)
		held_add(rw);
	return err;
}

/* Would the lock be had now: nobody acquiring (the region) and glibc says
 * yes (tried and given back at once). */
static bool can(pthread_rwlock_t *rw, bool write)
{
	int err;

	if (rpt_peek(rw) == OLOG_PEEK_BUSY)
		return false;
	err = write ? rpt_real.rwlock_trywrlock(rw) : rpt_real.rwlock_tryrdlock(rw);
	if (err)
		return false;
	rpt_real.rwlock_unlock(rw);
	return true;
}

static bool can_read(void *rw)
{
	return can(rw, false);
}

static bool can_write(void *rw)
{
	return can(rw, true);
}

static int try_acquire(pthread_rwlock_t *rw, bool write)
{
	int err;

	if (!write && held_find(rw)) {
		err = rpt_real.rwlock_tryrdlock(rw);
		if (!err)
			held_add(rw);
		return err;
	}
	if (rpt_use(rw))
		return write ? rpt_real.rwlock_trywrlock(rw) : rpt_real.rwlock_tryrdlock(rw);
	if (!rpt_decide(can(rw, write)))
		return EBUSY;
	return acquire(rw, write);
}

static int timed_acquire(pthread_rwlock_t *rw, bool write, clockid_t clk,
			 const struct timespec *abs)
{
	struct rpt_deadline d;
	int err;

	if (!write && held_find(rw)) {
		err = rpt_real.rwlock_clockrdlock(rw, clk, abs);
		if (!err)
			held_add(rw);
		return err;
	}
	if (rpt_use(rw))
		return write ? rpt_real.rwlock_clockwrlock(rw, clk, abs) :
			       rpt_real.rwlock_clockrdlock(rw, clk, abs);
	err = rpt_deadline_init(&d, clk, abs);
	if (err)
		return err;
	if (!rpt_poll_decide(write ? can_write : can_read, rw, &d))
		return ETIMEDOUT;
	return acquire(rw, write);
}

PT_API int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	int ps = PTHREAD_PROCESS_PRIVATE, err;

	if (!rpt_on())
		return rpt_real.rwlock_init(rw, attr);
	err = rpt_real.rwlock_init(rw, attr);
	if (!err && attr)
		pthread_rwlockattr_getpshared(attr, &ps);
	if (!err)
		rpt_dom_create(rw, ps == PTHREAD_PROCESS_SHARED);
	return err;
}

PT_API int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	int err;

	if (!rpt_on())
		return rpt_real.rwlock_destroy(rw);
	err = rpt_real.rwlock_destroy(rw);
	if (!err)
		rpt_dom_destroy(rw);
	return err;
}

PT_API int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	if (!rpt_on())
		return rpt_real.rwlock_rdlock(rw);
	return acquire(rw, false);
}

PT_API int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	if (!rpt_on())
		return rpt_real.rwlock_wrlock(rw);
	return acquire(rw, true);
}

PT_API int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	if (!rpt_on())
		return rpt_real.rwlock_tryrdlock(rw);
	return try_acquire(rw, false);
}

PT_API int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	if (!rpt_on())
		return rpt_real.rwlock_trywrlock(rw);
	return try_acquire(rw, true);
}

PT_API int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t clk,
				      const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.rwlock_clockrdlock(rw, clk, abs);
	return timed_acquire(rw, false, clk, abs);
}

PT_API int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t clk,
				      const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.rwlock_clockwrlock(rw, clk, abs);
	return timed_acquire(rw, true, clk, abs);
}

PT_API int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.rwlock_timedrdlock(rw, abs);
	return timed_acquire(rw, false, CLOCK_REALTIME, abs);
}

PT_API int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.rwlock_timedwrlock(rw, abs);
	return timed_acquire(rw, true, CLOCK_REALTIME, abs);
}

/* A read unlock gives back one of the thread's read locks; a write unlock
 * (the thread holds none) changes nothing here. */
PT_API int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int err;

	if (!rpt_on())
		return rpt_real.rwlock_unlock(rw);
	err = rpt_real.rwlock_unlock(rw);
	if (!err)
		held_drop(rw);
	return err;
}
