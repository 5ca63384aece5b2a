/* pthread_once: the thread that runs the init routine must be the same in
 * every replica (it may, say, number things), so the first calls race in a
 * region of the once control's domain, and the routine runs inside it;
 * later callers wait for the region and find it done.
 *
 * "Done?" may be answered without the region only from the calling thread's
 * own past: a thread that called pthread_once(o) before (objset.c's set
 * knows) knows it is done, in every replica; another thread seeing the flag
 * early in one replica and not in another would enter the region in one
 * only. The flag is glibc's value for done (2), so glibc's own
 * pthread_once, inside libc, agrees.
 */
#include "rpt.h"

#define ONCE_DONE 2		/* glibc's __PTHREAD_ONCE_DONE bit */

PT_API int pthread_once(pthread_once_t *o, void (*init)(void))
{
	_Atomic int *flag = (_Atomic int *)o;

	if (!rpt_on())
		return rpt_real.once(o, init);
	/* a call after this thread's first one returned: done, everywhere */
	if (rpt_seen(o) && (atomic_load_explicit(flag, memory_order_acquire) & ONCE_DONE))
		return 0;
	if (rpt_enter(o))
		return rpt_real.once(o, init);	/* no domain: unordered, but once */
	if (!(atomic_load_explicit(flag, memory_order_acquire) & ONCE_DONE)) {
		init();
		atomic_store_explicit(flag, ONCE_DONE, memory_order_release);
	}
	rpt_leave(o);
	return 0;
}
