/* libreplicant-pthread.so: what its files share.
 *
 * An LD_PRELOAD library that turns an unmodified program's pthread calls
 * into sequential regions (the seed's 5.4): every mutex, spinlock, rwlock,
 * condition variable, barrier, semaphore and once control is a domain
 * labelled by its address. In pass-through mode (not under replicant) every
 * call goes straight to glibc's; in replicated mode (under replicant, or
 * REPLICANT_SEQ_CHECK=1) the calls are ordered by the domains' logs, and
 * every timing-dependent outcome is recorded in the order log (mutex and
 * spin trylock, mutex timedlock: olog_try_enter()) or agreed on with
 * rp_decide().
 *
 * Domains are created deterministically: every init_dom()/destroy_dom() we
 * make is inside a region of domain 0, so whether an object's domain exists
 * is decided in one order in every replica. An object initialised
 * statically (PTHREAD_MUTEX_INITIALIZER) gets its domain at each thread's
 * first use of it (objset.c): a thread's first use is in its own program
 * order, so it enters domain 0 at the same point in every replica, whether
 * or not another thread created the domain already.
 */
#ifndef RPT_H
#define RPT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "replicant_int.h"

#define PT_API __attribute__((visibility("default")))
#define TLS_IE __attribute__((tls_model("initial-exec")))
#define unlikely(x) __builtin_expect(!!(x), 0)

/* glibc's functions, found with dlsym(RTLD_NEXT) (real.c). */
struct rpt_real {
	int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*mutex_destroy)(pthread_mutex_t *);
	int (*mutex_lock)(pthread_mutex_t *);
	int (*mutex_trylock)(pthread_mutex_t *);
	int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*mutex_unlock)(pthread_mutex_t *);
	int (*cond_init)(pthread_cond_t *, const pthread_condattr_t *);
	int (*cond_destroy)(pthread_cond_t *);
	int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
			      const struct timespec *);
	int (*cond_signal)(pthread_cond_t *);
	int (*cond_broadcast)(pthread_cond_t *);
	int (*rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
	int (*rwlock_destroy)(pthread_rwlock_t *);
	int (*rwlock_rdlock)(pthread_rwlock_t *);
	int (*rwlock_wrlock)(pthread_rwlock_t *);
	int (*rwlock_tryrdlock)(pthread_rwlock_t *);
	int (*rwlock_trywrlock)(pthread_rwlock_t *);
	int (*rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*rwlock_unlock)(pthread_rwlock_t *);
	int (*spin_init)(pthread_spinlock_t *, int);
	int (*spin_destroy)(pthread_spinlock_t *);
	int (*spin_lock)(pthread_spinlock_t *);
	int (*spin_trylock)(pthread_spinlock_t *);
	int (*spin_unlock)(pthread_spinlock_t *);
	int (*barrier_init)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);
	int (*barrier_destroy)(pthread_barrier_t *);
	int (*barrier_wait)(pthread_barrier_t *);
	int (*once)(pthread_once_t *, void (*)(void));
	int (*sem_init)(sem_t *, int, unsigned);
	int (*sem_destroy)(sem_t *);
	int (*sem_wait)(sem_t *);
	int (*sem_trywait)(sem_t *);
	int (*sem_timedwait)(sem_t *, const struct timespec *);
	int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
	int (*sem_post)(sem_t *);
	int (*sem_getvalue)(sem_t *, int *);
	int (*sem_close)(sem_t *);
	sem_t *(*sem_open)(const char *, int, ...);
	int (*sem_unlink)(const char *);
};

enum rpt_state {
	RPT_UNSET = 0,		/* rpt_real not resolved yet */
	RPT_PASS,		/* glibc's calls, nothing else */
	RPT_ORDERED,		/* libreplicant runs in replicated mode */
};

extern struct rpt_real rpt_real;
extern _Atomic int rpt_state;

/* Resolves rpt_real and notes libreplicant's mode (the constructor does; a
 * call from another library's constructor that runs before ours does it on
 * the spot). Returns the new rpt_state. */
int rpt_resolve(void);

/* Whether the calls are ordered: replicated mode. The mode is fixed for the
 * process's life except in a fork child (real.c looks again there), so it
 * is kept here: the pass-through path is one load and a branch. */
static inline bool rpt_on(void)
{
	int st = atomic_load_explicit(&rpt_state, memory_order_acquire);

	if (unlikely(st == RPT_UNSET))
		st = rpt_resolve();
	return st == RPT_ORDERED;
}

/* ---- allocator.c: an allocator's own locks ---------------------------- */

/* Finds the allocators' code, once (rpt_resolve()). */
void rpt_allocator_resolve(void);
/* Whether a call that returns to ret_addr is an allocator's (its locks
 * and condition variables are left to glibc, unordered). */
bool rpt_allocator_call(const void *ret_addr);

/* In a wrapper (the PT_API function itself: the return address is its
 * caller's): whether glibc takes the call as it is, not replicated or
 * made by an allocator. */
#define RPT_PLAIN() (!rpt_on() || rpt_allocator_call(__builtin_return_address(0)))

/* ---- objset.c: domains of objects -------------------------------------- */

/* Makes sure obj's domain exists before this thread's first use of it:
 * on that first use (and after its domain went away), enters domain 0 and
 * creates it if it does not exist. 0 or an error number (ENOMEM: no domain;
 * the caller then goes on without a region). */
int rpt_use(const void *obj);

/* Whether this thread has used obj before (its own past: the same answer
 * in every replica). */
bool rpt_seen(const void *obj);

/* rpt_use(), then begin_seq(obj). 0: inside; else not inside. */
int rpt_enter(const void *obj);

struct rpt_deadline;

/* rpt_use(), then a try of obj's region whose outcome the order log
 * records (rp_try_begin_seq()): 0 inside; EBUSY refused, in every replica
 * alike; else not inside (no domain). d NULL: decided at once; else the
 * region may be waited for until the deadline. */
int rpt_try_enter(const void *obj, struct rpt_deadline *d);

/* end_seq(obj); an object the thread is not inside is not an error here
 * (a lock taken while its domain could not be made). */
void rpt_leave(const void *obj);

/* For *_init: (re)creates obj's domain inside domain 0. A domain left by
 * an object that was freed without *_destroy is replaced, so every
 * replica makes exactly one init_dom() here whatever its heap reused.
 * shared: a process-shared object, whose domain is made in the process
 * tree's shared region (rp_init_dom_shared()), so that the threads of
 * every process that inherited it take it in one order. */
void rpt_dom_create(const void *obj, bool shared);

/* For *_destroy: destroys obj's domain, if it has one, inside the domain
 * 0 of its region. */
void rpt_dom_destroy(const void *obj);

/* This process is done with obj, a process-shared object that others may
 * still use: its label goes, its shared domain stays. */
void rpt_dom_forget(const void *obj);

/* What begin_seq(obj) would find now (OLOG_PEEK_*), -EINVAL: no domain. */
int rpt_peek(const void *obj);

/* ---- decide.c: timing-dependent outcomes ------------------------------- */

/* The time left before a deadline. Time under replicant is an input (a
 * monitor round trip, one entry in the thread's syscall list), so it is
 * read once per timed call, the same number of times in every replica;
 * after that, naps are counted off what is left. */
struct rpt_deadline {
	int64_t left_ns;	/* <= 0: passed */
	int64_t nap_ns;		/* the next nap while polling */
	int64_t due_ns;		/* the deadline itself, on clk (quiet.c) */
	int64_t held_ns;	/* time waited for quiet since it passed */
	bool hold;		/* it was ahead when the call began: waits for
				 * quiet when it passes (quiet.c) */
	int64_t hold_nap_ns;	/* the next such wait */
	clockid_t clk;
};

/* EINVAL: abs is not a valid time or clk not a supported clock. */
int rpt_deadline_init(struct rpt_deadline *d, clockid_t clk, const struct timespec *abs);

/* Naps a while (short at first, longer as it goes on) while polling for a
 * state to change. false: the deadline has passed. */
bool rpt_deadline_nap(struct rpt_deadline *d);
/* Sleeps ns, quiet (quiet.c) meanwhile, with deadline d if not NULL. */
void rpt_quiet_sleep(int64_t ns, const struct rpt_deadline *d);

/* Waits until *word is not 0, at most until the deadline (d NULL: no
 * deadline). 0: it is not 0; ETIMEDOUT. Spurious wakeups and signals are
 * absorbed: the outcome must not depend on them. */
int rpt_wait_word(_Atomic uint32_t *word, struct rpt_deadline *d);

/* Polls ready(obj) until it is true or the deadline passes, then agrees on
 * the outcome with every replica: true when the replica that asks first
 * saw it ready. */
bool rpt_poll_decide(bool (*ready)(void *), void *obj, struct rpt_deadline *d);

/* Whether rp_decide() says yes to this replica's proposal. */
bool rpt_decide(bool proposal);

/* ---- quiet.c: deadlines pass at quiet points --------------------------- */

struct qslot;

/* pthread_key_create() for the slots, once, before any thread. */
void rpt_quiet_setup(void);
/* In a fork child: only the forking thread's slot stays. */
void rpt_quiet_after_fork(void);
/* The calling thread's slot, taken on its first call; NULL: none left. */
struct qslot *rpt_quiet_self(void);
/* A thread is on its way (+1: before it is made) or has its slot or was
 * never made (-1): deadlines wait while one is (solo.c). */
void rpt_quiet_starting(int delta);
/* The calling thread now waits, or blocks in a call (block.c), with
 * deadline d if not NULL; returns a token for rpt_quiet_run(). Only a
 * thread that has a slot already is seen. */
uint32_t rpt_quiet_wait(const struct rpt_deadline *d);
/* The same for a call that blocks in the kernel (block.c): a signal may
 * end it (settle.c). */
uint32_t rpt_quiet_call(void);
/* block.c: finds glibc's blocking calls that it wraps. */
void rpt_block_resolve(void);
/* The wait is over: back to the state before it. */
void rpt_quiet_run(uint32_t token);
/* Another thread is signalled: it counts as running from now. */
void rpt_quiet_woken(struct qslot *s);
/* d has passed: whether it may take effect now, at a quiet point (or it
 * has waited for one too long). */
bool rpt_quiet_due(struct rpt_deadline *d);

/* A thread about to be signalled (settle.c), as it was before. */
struct rpt_mark {
	struct qslot *s;
	uint32_t vtid, epoch, state;
	bool anew;	/* settled only out of the wait it is in now */
};
enum rpt_marked { RPT_MARK_NONE, RPT_MARK_LIVE, RPT_MARK_ENDED };
/* Notes thread t's slot as it is now: LIVE; ENDED (k->vtid only): t had a
 * slot and ended; NONE: t is the caller, or was never seen. */
enum rpt_marked rpt_quiet_mark(pthread_t t, struct rpt_mark *k);
enum rpt_settled { RPT_BUSY, RPT_QUIET, RPT_QUIET_CALL, RPT_ENDED };
/* Whether the thread of k has ended, or is quiet (with k->anew: has come
 * out of the wait it was in then, if any, and is quiet again). *epoch: how
 * many waits it has come out of, for telling whether it stays so.
 * RPT_QUIET_CALL: quiet in a call that blocks (block.c), whose answer may
 * be on its way. */
enum rpt_settled rpt_quiet_settled(const struct rpt_mark *k, uint32_t *epoch);

/* ---- mutex.c: the ordered lock and unlock, for cond.c ------------------ */

int rpt_mutex_lock(pthread_mutex_t *m);
int rpt_mutex_unlock(pthread_mutex_t *m);

/* Leaves m's region and the replica-wide mutex domain around it (a lock
 * made without regions leaves nothing). */
void rpt_mutex_leave(pthread_mutex_t *m);
/* Enters m's region (and the mutex domain, when serial) for a lock
 * already held: solo.c, when the process stops being solo. */
void rpt_mutex_enter(pthread_mutex_t *m);

/* ---- solo.c: a process with one thread --------------------------------- */

/* Set when the process first asks for a second thread; never cleared. */
extern _Atomic bool rpt_threaded;

/* Whether the process has had one thread only: its private objects need
 * no regions (solo.c). Only that thread reads false here. */
static inline bool rpt_solo(void)
{
	return !atomic_load_explicit(&rpt_threaded, memory_order_relaxed);
}

/* A private mutex locked (hold) or unlocked (release) while solo. */
void rpt_solo_hold(pthread_mutex_t *m);
void rpt_solo_release(pthread_mutex_t *m);

/* The process is about to have a second thread: the regions of the mutexes
 * held now are entered, and rpt_solo() is false from now on. */
void rpt_solo_end(void);

/* REPLICANT_PTHREAD_SERIAL=1 (replicant run --pthread=serial): the
 * critical sections of all mutexes take one replica-wide turn (mutex.c). */
extern bool rpt_serial;

/* ---- semname.c: named semaphores, the library's own when replicated --- */

/* sem_close of a semaphore semname.c made: 0, or -1 with errno set; 1:
 * not one of its own (glibc's). */
int rpt_named_close(sem_t *s);

/* Makes the table of names (rpt_resolve, once per image, when
 * replicated). */
void rpt_named_setup(void);

/* ---- cond.c: the waiter nodes of process-shared condvars --------------- */

/* Maps the pool they come from (as rpt_named_setup). */
void rpt_cond_setup(void);

/* ---- stdio.c: streams ------------------------------------------------- */

/* Finds glibc's stdio calls under ours (rpt_resolve). */
void rpt_stdio_resolve(void);

/* ---- futexes, process-shared memory too (raw: no errno) ---------------- */

long rpt_futex_wait(_Atomic uint32_t *w, uint32_t val, const struct timespec *rel);
void rpt_futex_wake(_Atomic uint32_t *w, int n);

#endif
