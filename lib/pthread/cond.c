/* Condition variables, made here (glibc's are not called in replicated
 * mode): which waiters a signal or broadcast wakes must be the same in
 * every replica, and a waiter must not hold its mutex's region while it
 * sleeps (the seed's 5.3), which glibc's wait, unlocking the mutex inside
 * libc, would do.
 *
 * State, on the pthread_cond_t itself (all zeros, PTHREAD_COND_INITIALIZER,
 * is an empty one): a FIFO of waiters, nodes on the waiters' stacks. The
 * queue is changed only inside a region of the condvar's own domain, so the
 * enqueues, signals and removals of every replica happen in one order and a
 * signal dequeues the same waiter everywhere; signal and broadcast work
 * with or without the mutex held.
 *
 * wait(c, m), the caller holding m (and its region):
 *	region(c) { enqueue self }	before m is released: a signaller that
 *					takes m after us finds us queued
 *	unlock m; end_seq(m)		sleep outside m's region
 *	futex-wait until woken		only a signal ends it: no spurious
 *					returns, they would differ by replica
 *	begin_seq(m); lock m
 *
 * timedwait: the deadline passing is timing-dependent, so when the waiter
 * wakes (signalled, or its deadline passed) it proposes "signalled" or
 * "timed out" and the replicas agree (decide.c):
 *   - signalled: a replica that timed out waits on, past its deadline: the
 *     same signal, in the same place in c's order, wakes it there too,
 *     since nobody else removes its node;
 *   - timed out: each replica enters c's region and takes its node out. A
 *     signal that dequeued it first (in c's order, the same everywhere) is
 *     not lost: the wait returns 0, not ETIMEDOUT. A signal after the
 *     removal goes to the next waiter, in every replica alike.
 *
 * Process-shared condvars (__wrefs bit 0, where glibc keeps it) are ours
 * too: their domain is in the shared region (rpt_dom_create()), and their
 * waiters' nodes come from a pool in shared memory that the library maps
 * at load, before any fork, so every process of the tree sees the queue at
 * the same addresses (futexes here work across processes). A process that
 * could not map the pool leaves them to glibc: its waiters leave the
 * mutex's region around glibc's wait, and whom they wake is not ordered.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include <replicant.h>

#include "rpt.h"

#define WREFS_PSHARED 1u	/* glibc: __wrefs bit 0 */
#define WREFS_MONOTONIC 2u	/* glibc: __wrefs bit 1, the clock */

struct waiter {
	struct waiter *next, *prev;
	_Atomic uint32_t woken;	/* futex word: set by the signaller */
	bool queued;		/* in c's queue (changed inside c's region) */
	struct qslot *q;	/* the waiter's (quiet.c), NULL if another
				 * process's */
};

/* Laid over pthread_cond_t; wrefs sits where glibc keeps __wrefs, so a
 * process-shared condvar that glibc made is recognised. */
struct rcond {
	struct waiter *head;	/* first to wake */
	struct waiter *tail;
	uint32_t waiters;	/* queued now */
	uint32_t pad0[4];
	uint32_t wrefs;		/* WREFS_* flags */
	uint32_t pad1[2];
};

_Static_assert(sizeof(struct rcond) == sizeof(pthread_cond_t), "overlays pthread_cond_t");
_Static_assert(__builtin_offsetof(struct rcond, wrefs) ==
		       __builtin_offsetof(pthread_cond_t, __data.__wrefs),
	       "wrefs where glibc has __wrefs");

static struct rcond *rc(pthread_cond_t *c)
{
	return (struct rcond *)c;
}

static bool pshared(pthread_cond_t *c)
{
	return rc(c)->wrefs & WREFS_PSHARED;
}

/* ---- nodes of process-shared waiters ----------------------------------- */

#define POOL_NODES 1024		/* waiters on process-shared condvars at once */

struct pool {
	_Atomic uint64_t used[POOL_NODES / 64];
	struct waiter node[POOL_NODES];
};

static struct pool *pool;	/* NULL: process-shared condvars are glibc's */

void rpt_cond_setup(void)
{
	void *p = mmap(NULL, sizeof(*pool), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		pool = p;
}

/* A free node; when all are taken, waits for one (a wait that ends frees
 * its node). */
static struct waiter *node_get(void)
{
	uint64_t u;
	unsigned i;

	for (;; sched_yield()) {
		for (i = 0; i < POOL_NODES / 64; i++) {
			u = atomic_load(&pool->used[i]);
			while (~u) {
				unsigned b = (unsigned)__builtin_ctzll(~u);

				if (atomic_compare_exchange_weak(&pool->used[i], &u, u | 1ull << b)) {
					memset(&pool->node[i * 64 + b], 0, sizeof(struct waiter));
					return &pool->node[i * 64 + b];
				}
			}
		}
	}
}

static void node_put(struct waiter *w)
{
	size_t k = (size_t)(w - pool->node);

	atomic_fetch_and(&pool->used[k / 64], ~(1ull << (k % 64)));
}

/* Ours: private ones, and process-shared ones when the pool is there. */
static bool ours(pthread_cond_t *c)
{
	return !pshared(c) || pool;
}

/* ---- the queue: inside c's region only -------------------------------- */

static void enqueue(struct rcond *q, struct waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	w->queued = true;
	q->waiters++;
}

static void unlink_waiter(struct rcond *q, struct waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->queued = false;
	q->waiters--;
}

/* The waiter may return and reuse its stack as soon as woken is set, so
 * the wake may reach a dead address: at worst a spurious wakeup of a later
 * futex there, which every futex wait here (and glibc's) absorbs. */
static void wake_one(struct rcond *q)
{
	struct waiter *w = q->head;

	unlink_waiter(q, w);
	rpt_quiet_woken(w->q);	/* it runs from now, not from when it wakes */
	atomic_store(&w->woken, 1);
	rpt_futex_wake(&w->woken, 1);
}

/* ---- waiting ----------------------------------------------------------- */

/* Takes w out after a wait that failed or timed out. true: it was still
 * queued (no signal reached it); false: a signal dequeued it first. */
static bool withdraw(pthread_cond_t *c, struct waiter *w)
{
	bool queued;

	/* no domain any more: the condvar was destroyed, which needs every
	 * waiter woken first */
	if (rp_begin_seq((long)c, RP_QUIET))
		return w->queued;
	queued = w->queued;
	if (queued)
		unlink_waiter(rc(c), w);
	rp_end_seq((long)c, RP_QUIET);
	return queued;
}

static int wake(pthread_cond_t *c, bool all);

/* The outcome of a timed wait is agreed on, and every replica then acts
 * it out: the region of withdraw() is made in every replica or in none,
 * whatever this replica saw, so that c's order stays the same. */
static int wait_node(pthread_cond_t *c, pthread_mutex_t *m, struct rpt_deadline *d,
		     struct waiter *w)
{
	int err;

	if (rpt_enter(c))
		return EAGAIN;	/* no domain could be made for it */
	enqueue(rc(c), w);
	rpt_leave(c);
	err = rpt_mutex_unlock(m);
	if (err) {
		/* EPERM (not the owner): no wait; a signal that took us
		 * already is passed on, not lost */
		if (!withdraw(c, w))
			wake(c, false);
		return err;
	}
	err = rpt_wait_word(&w->woken, d);
	if (d) {
		if (rpt_decide(err == 0))
			err = rpt_wait_word(&w->woken, NULL);
		else
			err = withdraw(c, w) ? ETIMEDOUT : 0;
	}
	rpt_mutex_lock(m);
	return err;
}

/* The waiter's node: on its stack, or from the pool when another process
 * may signal. */
static int wait_ordered(pthread_cond_t *c, pthread_mutex_t *m, struct rpt_deadline *d)
{
	struct waiter local = { 0 }, *w;
	int err;

	if (!pshared(c)) {
		local.q = rpt_quiet_self();
		return wait_node(c, m, d, &local);
	}
	w = node_get();
	err = wait_node(c, m, d, w);
	node_put(w);
	return err;
}

/* Process-shared: glibc waits; only the mutex's region is left around it,
 * and taken back in the order region, then lock (never the other way). */
static int wait_pshared(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
			const struct timespec *abs)
{
	int err;

	rpt_mutex_leave(m);
	err = abs ? rpt_real.cond_clockwait(c, m, clk, abs) : rpt_real.cond_wait(c, m);
	if (rpt_real.mutex_unlock(m) == 0)
		rpt_mutex_lock(m);
	return err;
}

/* An allocator's wait (allocator.c): glibc's, quiet while it sleeps (a
 * background thread that waits for its next round of work runs none of
 * the program's code). abs NULL: no deadline; clk NULL: the condition
 * variable's own clock (pthread_cond_timedwait). */
static int allocator_wait(pthread_cond_t *c, pthread_mutex_t *m, const clockid_t *clk,
			  const struct timespec *abs)
{
	uint32_t tok = rpt_quiet_wait(NULL);
	int err = !abs ? rpt_real.cond_wait(c, m) :
		  clk  ? rpt_real.cond_clockwait(c, m, *clk, abs) :
			 rpt_real.cond_timedwait(c, m, abs);

	rpt_quiet_run(tok);
	return err;
}

PT_API int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	if (!rpt_on())
		return rpt_real.cond_wait(c, m);
	if (rpt_allocator_call(__builtin_return_address(0)))
		return allocator_wait(c, m, NULL, NULL);
	if (!ours(c))
		return wait_pshared(c, m, CLOCK_REALTIME, NULL);
	return wait_ordered(c, m, NULL);
}

static int clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
		     const struct timespec *abs)
{
	struct rpt_deadline d;
	int err;

	if (!ours(c))
		return wait_pshared(c, m, clk, abs);
	err = rpt_deadline_init(&d, clk, abs);
	if (err)
		return err;
	return wait_ordered(c, m, &d);
}

PT_API int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
				  const struct timespec *abs)
{
	if (!rpt_on())
		return rpt_real.cond_clockwait(c, m, clk, abs);
	if (rpt_allocator_call(__builtin_return_address(0)))
		return allocator_wait(c, m, &clk, abs);
	return clockwait(c, m, clk, abs);
}

PT_API int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				  const struct timespec *abs)
{
	clockid_t clk;

	if (!rpt_on())
		return rpt_real.cond_timedwait(c, m, abs);
	if (rpt_allocator_call(__builtin_return_address(0)))
		return allocator_wait(c, m, NULL, abs);
	clk = rc(c)->wrefs & WREFS_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME;
	return clockwait(c, m, clk, abs);
}

/* ---- waking ------------------------------------------------------------ */

static int wake(pthread_cond_t *c, bool all)
{
	struct rcond *q = rc(c);

	if (rpt_enter(c))
		return EAGAIN;
	while (q->head) {
		wake_one(q);
		if (!all)
			break;
	}
	rpt_leave(c);
	return 0;
}

PT_API int pthread_cond_signal(pthread_cond_t *c)
{
	if (RPT_PLAIN() || !ours(c))
		return rpt_real.cond_signal(c);
	return wake(c, false);
}

PT_API int pthread_cond_broadcast(pthread_cond_t *c)
{
	if (RPT_PLAIN() || !ours(c))
		return rpt_real.cond_broadcast(c);
	return wake(c, true);
}

/* ---- life -------------------------------------------------------------- */

PT_API int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	clockid_t clk = CLOCK_REALTIME;
	int ps = PTHREAD_PROCESS_PRIVATE;

	if (RPT_PLAIN())
		return rpt_real.cond_init(c, attr);
	if (attr && (pthread_condattr_getpshared(attr, &ps) ||
		     pthread_condattr_getclock(attr, &clk)))
		return EINVAL;
	if (ps == PTHREAD_PROCESS_SHARED && !pool)
		return rpt_real.cond_init(c, attr);
	memset(c, 0, sizeof(*c));
	if (clk == CLOCK_MONOTONIC)
		rc(c)->wrefs = WREFS_MONOTONIC;
	if (ps == PTHREAD_PROCESS_SHARED)
		rc(c)->wrefs |= WREFS_PSHARED;
	rpt_dom_create(c, ps == PTHREAD_PROCESS_SHARED);
	return 0;
}

/* Woken waiters are dequeued already (they only relock their mutex), so a
 * condvar that was broadcast can go at once, as POSIX allows. */
PT_API int pthread_cond_destroy(pthread_cond_t *c)
{
	if (RPT_PLAIN() || !ours(c))
		return rpt_real.cond_destroy(c);
	if (rc(c)->waiters)
		return EBUSY;
	rpt_dom_destroy(c);
	return 0;
}
