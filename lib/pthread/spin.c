/* Spinlocks: as mutexes (mutex.c): a domain each, lock = begin_seq + spin,
 * unlock = unlock + end_seq, trylock's outcome recorded in the log. The region makes a waiter
 * sleep in the order log instead of spinning, which is what replicas
 * sharing cores need anyway. A process-shared one is a domain of the shared
 * region, as a mutex (mutex.c). */
#include <errno.h>

#include "orderlog.h"
#include "rpt.h"

PT_API int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	int err;

	if (!rpt_on())
		return rpt_real.spin_init(s, pshared);
	err = rpt_real.spin_init(s, pshared);
	if (!err)
		rpt_dom_create((const void *)s, pshared == PTHREAD_PROCESS_SHARED);
	return err;
}

PT_API int pthread_spin_destroy(pthread_spinlock_t *s)
{
	int err;

	if (!rpt_on())
		return rpt_real.spin_destroy(s);
	err = rpt_real.spin_destroy(s);
	if (!err)
		rpt_dom_destroy((const void *)s);
	return err;
}

PT_API int pthread_spin_lock(pthread_spinlock_t *s)
{
	bool inside;
	int err;

	if (!rpt_on())
		return rpt_real.spin_lock(s);
	inside = !rpt_enter((const void *)s);
	err = rpt_real.spin_lock(s);
	if (err && inside)
		rpt_leave((const void *)s);
	return err;
}

PT_API int pthread_spin_unlock(pthread_spinlock_t *s)
{
	int err;

	if (!rpt_on())
		return rpt_real.spin_unlock(s);
	err = rpt_real.spin_unlock(s);
	if (!err)
		rpt_leave((const void *)s);
	return err;
}

/* Not recursive: a thread inside its own region gets EBUSY, as glibc
 * would give it. */
PT_API int pthread_spin_trylock(pthread_spinlock_t *s)
{
	int peek, err;

	if (!rpt_on())
		return rpt_real.spin_trylock(s);
	if (rpt_use((const void *)s))
		return rpt_real.spin_trylock(s);
	peek = rpt_peek((const void *)s);
	if (peek == OLOG_PEEK_MINE)
		return EBUSY;
	/* the log records the outcome (olog_try_enter()); inside the region
	 * nobody else holds the spinlock */
	err = rpt_try_enter((const void *)s, NULL);
	if (err == EBUSY)
		return EBUSY;
	if (err)
		return rpt_real.spin_trylock(s);	/* no domain: unordered */
	err = rpt_real.spin_trylock(s);
	if (err)
		rpt_leave((const void *)s);
	return err;
}
