/* Semaphores (unnamed, and named ones: semname.c makes them): a
 * domain each, labelled by the sem_t's address. sem_wait = begin_seq; glibc's
 * sem_wait; end_seq, so waiters take posts in one order in every replica:
 * the one inside the region sleeps in glibc, the others queue in the order
 * log behind it. sem_post is glibc's (no region: it is async-signal-safe and
 * must stay so). sem_trywait and sem_timedwait propose "a post is there and
 * nobody is ahead" and agree (decide.c); yes is acted out the blocking way.
 *
 * These return -1 and set errno, as the sem_ calls do. sem_getvalue stays
 * glibc's: its value depends on timing, as outside replicant.
 */
#include <errno.h>

#include "orderlog.h"
#include "rpt.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

static int wait_ordered(sem_t *s)
{
	bool inside = !rpt_enter(s);
	int ret = rpt_real.sem_trywait(s), err = errno;
	uint32_t token;

	/* quiet (quiet.c) only if it sleeps */
	if (ret && err == EAGAIN) {
		token = rpt_quiet_wait(NULL);
		ret = rpt_real.sem_wait(s);
		err = errno;
		rpt_quiet_run(token);
	}
	if (inside)
		rpt_leave(s);
	errno = err;
	return ret;
}

static bool ready(void *s)
{
	int v = 0;

	return rpt_peek(s) == OLOG_PEEK_FREE && !rpt_real.sem_getvalue(s, &v) && v > 0;
}

static int clockwait(sem_t *s, clockid_t clk, const struct timespec *abs)
{
	struct rpt_deadline d;
	int err;

	if (rpt_use(s))
		return rpt_real.sem_clockwait(s, clk, abs);
	err = rpt_deadline_init(&d, clk, abs);
	if (err)
		return fail(err);
	if (!rpt_poll_decide(ready, s, &d))
		return fail(ETIMEDOUT);
	return wait_ordered(s);
}

PT_API int sem_init(sem_t *s, int pshared, unsigned value)
{
	int ret;

	if (!rpt_on())
		return rpt_real.sem_init(s, pshared, value);
	ret = rpt_real.sem_init(s, pshared, value);
	if (!ret)
		rpt_dom_create(s, pshared != 0);
	return ret;
}

PT_API int sem_destroy(sem_t *s)
{
	int ret;

	if (!rpt_on())
		return rpt_real.sem_destroy(s);
	ret = rpt_real.sem_destroy(s);
	if (!ret)
		rpt_dom_destroy(s);
	return ret;
}

/* Named semaphores are semname.c's when replicated. */
PT_API int sem_close(sem_t *s)
{
	int ret;

	if (rpt_on() && (ret = rpt_named_close(s)) <= 0)
		return ret;
	return rpt_real.sem_close(s);
}

PT_API int sem_wait(sem_t *s)
{
	if (!rpt_on())
		return rpt_real.sem_wait(s);
	return wait_ordered(s);
}

PT_API int sem_trywait(sem_t *s)
{
	if (!rpt_on())
		return rpt_real.sem_trywait(s);
	if (rpt_use(s))
		return rpt_real.sem_trywait(s);
	if (!rpt_decide(ready(s)))
		return fail(EAGAIN);
	return wait_ordered(s);
}

PT_API int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.sem_clockwait(s, clk, abs);
	return clockwait(s, clk, abs);
}

PT_API int sem_timedwait(sem_t *s, const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.sem_timedwait(s, abs);
	return clockwait(s, CLOCK_REALTIME, abs);
}
