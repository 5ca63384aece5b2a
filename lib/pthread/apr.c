/* The Apache Portable Runtime's atomics (libapr-1: apr_atomic_*). Programs
 * built on APR keep counters they share between threads with these and no
 * lock. Apache's worker and event MPMs count idle workers so (fdqueue.c:
 * a worker's apr_atomic_inc32 on becoming idle, the listener's add32 of -1
 * when it takes one), and what the count was decides whether a thread
 * takes the idlers' mutex and waits or signals: the seed's figure 4.2. Left
 * to timing, a worker of one replica took that mutex where its peer in the
 * other went to sleep on its own queue, and the replicas' lock orders
 * parted for good (a stall, then a divergence at the stop).
 *
 * So every APR atomic is a domain labelled by its address, as a mutex is,
 * and each read, set, add, increment, decrement and exchange of it runs
 * inside its region: the threads of every replica see the counter change
 * in one order and read the same values. Compare-and-swap is left alone:
 * it sits in a retry loop after a plain read no region can cover, so how
 * many times a thread makes it is timing, and a region each would give the
 * replicas different numbers of entries (Apache's list of recycled pools
 * stalled so). A program without APR never calls these.
 *
 * glibc-style lookup: the real functions are found when the library loads
 * (libapr is then loaded if the program links it); an APR that arrives
 * later with dlopen gets the compiler's atomics, which is what libapr is
 * made of where the compiler has them (Debian's 1.7: apr_atomic_inc32 is
 * one `lock xadd`). A process-shared counter (in memory another process
 * maps too) is ordered only among the threads of one process. */
#include <dlfcn.h>
#include <stdint.h>

#include "rpt.h"

typedef uint32_t u32;
typedef uint64_t u64;
typedef volatile u32 *p32;
typedef volatile u64 *p64;
typedef volatile void **pptr;

/* name, return type, parameters, arguments, the compiler's equivalent */
#define APR_ATOMICS(X) \
	X(apr_atomic_read32, u32, (p32 m), (m), __atomic_load_n(m, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_add32, u32, (p32 m, u32 v), (m, v), __atomic_fetch_add(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_inc32, u32, (p32 m), (m), __atomic_fetch_add(m, 1, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_dec32, int, (p32 m), (m), __atomic_sub_fetch(m, 1, __ATOMIC_SEQ_CST) != 0) \
	X(apr_atomic_xchg32, u32, (p32 m, u32 v), (m, v), __atomic_exchange_n(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_read64, u64, (p64 m), (m), __atomic_load_n(m, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_add64, u64, (p64 m, u64 v), (m, v), __atomic_fetch_add(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_inc64, u64, (p64 m), (m), __atomic_fetch_add(m, 1, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_dec64, int, (p64 m), (m), __atomic_sub_fetch(m, 1, __ATOMIC_SEQ_CST) != 0) \
	X(apr_atomic_xchg64, u64, (p64 m, u64 v), (m, v), __atomic_exchange_n(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_xchgptr, void *, (pptr m, void *v), (m, v), \
	  (void *)__atomic_exchange_n(m, (volatile void *)v, __ATOMIC_SEQ_CST))

/* the ones without a result */
#define APR_ATOMICS_VOID(X) \
	X(apr_atomic_set32, (p32 m, u32 v), (m, v), __atomic_store_n(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_sub32, (p32 m, u32 v), (m, v), __atomic_fetch_sub(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_set64, (p64 m, u64 v), (m, v), __atomic_store_n(m, v, __ATOMIC_SEQ_CST)) \
	X(apr_atomic_sub64, (p64 m, u64 v), (m, v), __atomic_fetch_sub(m, v, __ATOMIC_SEQ_CST))

/* APR's own prototypes (apr_atomic.h), which the library does not need */
#define PROTO(name, T, params, ...) T name params;
#define PROTO_VOID(name, params, ...) void name params;
APR_ATOMICS(PROTO)
APR_ATOMICS_VOID(PROTO_VOID)

#define REAL_PTR(name, T, params, args, builtin) static T (*real_##name) params;
#define REAL_PTR_VOID(name, params, args, builtin) static void (*real_##name) params;
APR_ATOMICS(REAL_PTR)
APR_ATOMICS_VOID(REAL_PTR_VOID)

#define LOOKUP(name, ...) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name);

void rpt_apr_resolve(void)
{
	APR_ATOMICS(LOOKUP)
	APR_ATOMICS_VOID(LOOKUP)
}

/* Inside m's region when ordered and threaded; false: not inside. */
static bool apr_enter(volatile void *m)
{
	return rpt_on() && !rpt_solo() && rpt_enter((const void *)m) == 0;
}

static void apr_leave(volatile void *m, bool inside)
{
	if (inside)
		rpt_leave((const void *)m);
}

#define WRAP(name, T, params, args, builtin) \
	PT_API T name params \
	{ \
		bool in = apr_enter((volatile void *)m); \
		T r = real_##name ? real_##name args : (T)(builtin); \
		apr_leave((volatile void *)m, in); \
		return r; \
	}
#define WRAP_VOID(name, params, args, builtin) \
	PT_API void name params \
	{ \
		bool in = apr_enter((volatile void *)m); \
		if (real_##name) \
			real_##name args; \
		else \
			(void)(builtin); \
		apr_leave((volatile void *)m, in); \
	}
APR_ATOMICS(WRAP)
APR_ATOMICS_VOID(WRAP_VOID)
