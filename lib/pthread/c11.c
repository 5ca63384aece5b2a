/* C11 threads (<threads.h>): glibc's mtx_, cnd_ and call_once call its
 * pthread internals directly, where no interposition reaches, so they are
 * replaced here by the same calls through ours. glibc's C11 objects are
 * its pthread ones (mtx_t holds a pthread_mutex_t, cnd_t a pthread_cond_t,
 * once_flag a pthread_once_t), which is what makes the casts right. */
#include <errno.h>
#include <threads.h>

#include "rpt.h"

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t is glibc's pthread_mutex_t");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t is glibc's pthread_cond_t");
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once_flag is a pthread_once_t");

/* glibc's mapping of error numbers to thrd_ results. */
static int thrd_result(int err)
{
	switch (err) {
	case 0:
		return thrd_success;
	case ENOMEM:
		return thrd_nomem;
	case ETIMEDOUT:
		return thrd_timedout;
	case EBUSY:
		return thrd_busy;
	default:
		return thrd_error;
	}
}

PT_API int mtx_init(mtx_t *m, int type)
{
	pthread_mutexattr_t attr;
	int err;

	switch (type) {
	case mtx_plain:
	case mtx_timed:
		return thrd_result(pthread_mutex_init((pthread_mutex_t *)m, NULL));
	case mtx_plain | mtx_recursive:
	case mtx_timed | mtx_recursive:
		break;
	default:
		return thrd_error;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	err = pthread_mutex_init((pthread_mutex_t *)m, &attr);
	pthread_mutexattr_destroy(&attr);
	return thrd_result(err);
}

PT_API void mtx_destroy(mtx_t *m)
{
	pthread_mutex_destroy((pthread_mutex_t *)m);
}

PT_API int mtx_lock(mtx_t *m)
{
	return thrd_result(pthread_mutex_lock((pthread_mutex_t *)m));
}

PT_API int mtx_trylock(mtx_t *m)
{
	return thrd_result(pthread_mutex_trylock((pthread_mutex_t *)m));
}

PT_API int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict abs)
{
	return thrd_result(pthread_mutex_timedlock((pthread_mutex_t *)m, abs));
}

PT_API int mtx_unlock(mtx_t *m)
{
	return thrd_result(pthread_mutex_unlock((pthread_mutex_t *)m));
}

PT_API int cnd_init(cnd_t *c)
{
	return thrd_result(pthread_cond_init((pthread_cond_t *)c, NULL));
}

PT_API void cnd_destroy(cnd_t *c)
{
	pthread_cond_destroy((pthread_cond_t *)c);
}

PT_API int cnd_signal(cnd_t *c)
{
	return thrd_result(pthread_cond_signal((pthread_cond_t *)c));
}

PT_API int cnd_broadcast(cnd_t *c)
{
	return thrd_result(pthread_cond_broadcast((pthread_cond_t *)c));
}

PT_API int cnd_wait(cnd_t *c, mtx_t *m)
{
	return thrd_result(pthread_cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m));
}

PT_API int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m, const struct timespec *restrict abs)
{
	return thrd_result(pthread_cond_timedwait((pthread_cond_t *)c, (pthread_mutex_t *)m, abs));
}

PT_API void call_once(once_flag *flag, void (*fn)(void))
{
	pthread_once((pthread_once_t *)flag, fn);
}
