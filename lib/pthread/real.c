/* glibc's pthread functions, under ours: dlsym(RTLD_NEXT), once, from the
 * constructor. Since glibc 2.34 they are all in libc.so.6; the default
 * version is the one a program linked today gets (pthread_cond_* has an
 * older one that we do not call). */
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>

#include "rpt.h"

struct rpt_real rpt_real;
_Atomic int rpt_state;
bool rpt_serial;

struct sym {
	const char *name;
	size_t off;		/* in struct rpt_real */
};

#define SYM(field, name) { name, offsetof(struct rpt_real, field) }

static const struct sym syms[] = {
	SYM(mutex_init, "pthread_mutex_init"),
	SYM(mutex_destroy, "pthread_mutex_destroy"),
	SYM(mutex_lock, "pthread_mutex_lock"),
	SYM(mutex_trylock, "pthread_mutex_trylock"),
	SYM(mutex_timedlock, "pthread_mutex_timedlock"),
	SYM(mutex_clocklock, "pthread_mutex_clocklock"),
	SYM(mutex_unlock, "pthread_mutex_unlock"),
	SYM(cond_init, "pthread_cond_init"),
	SYM(cond_destroy, "pthread_cond_destroy"),
	SYM(cond_wait, "pthread_cond_wait"),
	SYM(cond_timedwait, "pthread_cond_timedwait"),
	SYM(cond_clockwait, "pthread_cond_clockwait"),
	SYM(cond_signal, "pthread_cond_signal"),
	SYM(cond_broadcast, "pthread_cond_broadcast"),
	SYM(rwlock_init, "pthread_rwlock_init"),
	SYM(rwlock_destroy, "pthread_rwlock_destroy"),
	SYM(rwlock_rdlock, "pthread_rwlock_rdlock"),
	SYM(rwlock_wrlock, "pthread_rwlock_wrlock"),
	SYM(rwlock_tryrdlock, "pthread_rwlock_tryrdlock"),
	SYM(rwlock_trywrlock, "pthread_rwlock_trywrlock"),
	SYM(rwlock_timedrdlock, "pthread_rwlock_timedrdlock"),
	SYM(rwlock_timedwrlock, "pthread_rwlock_timedwrlock"),
	SYM(rwlock_clockrdlock, "pthread_rwlock_clockrdlock"),
	SYM(rwlock_clockwrlock, "pthread_rwlock_clockwrlock"),
	SYM(rwlock_unlock, "pthread_rwlock_unlock"),
	SYM(spin_init, "pthread_spin_init"),
	SYM(spin_destroy, "pthread_spin_destroy"),
	SYM(spin_lock, "pthread_spin_lock"),
	SYM(spin_trylock, "pthread_spin_trylock"),
	SYM(spin_unlock, "pthread_spin_unlock"),
	SYM(barrier_init, "pthread_barrier_init"),
	SYM(barrier_destroy, "pthread_barrier_destroy"),
	SYM(barrier_wait, "pthread_barrier_wait"),
	SYM(once, "pthread_once"),
	SYM(sem_init, "sem_init"),
	SYM(sem_destroy, "sem_destroy"),
	SYM(sem_wait, "sem_wait"),
	SYM(sem_trywait, "sem_trywait"),
	SYM(sem_timedwait, "sem_timedwait"),
	SYM(sem_clockwait, "sem_clockwait"),
	SYM(sem_post, "sem_post"),
	SYM(sem_getvalue, "sem_getvalue"),
	SYM(sem_close, "sem_close"),
	SYM(sem_open, "sem_open"),
	SYM(sem_unlink, "sem_unlink"),
};

static int mode_now(void)
{
	return rp_replicated() ? RPT_ORDERED : RPT_PASS;
}

/* A fork child says HELLO again (libreplicant's handler, registered before
 * ours, so it has run): it may have dropped to pass-through. */
static void after_fork_child(void)
{
	atomic_store(&rpt_state, mode_now());
	rpt_quiet_after_fork();
}

/* Idempotent, so threads racing here (before the constructor) is fine:
 * they store the same pointers. A symbol glibc lacks stays NULL and the
 * program that needs it would not have linked. */
int rpt_resolve(void)
{
	static _Atomic bool atfork_done, setup_done;
	int st;
	size_t i;

	/* replicant run --pthread=serial (mutex.c) */
	rpt_serial = getenv("REPLICANT_PTHREAD_SERIAL") && *getenv("REPLICANT_PTHREAD_SERIAL") == '1';
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *p = dlsym(RTLD_NEXT, syms[i].name);

		*(void **)((char *)&rpt_real + syms[i].off) = p;
	}
	rpt_stdio_resolve();
	rpt_block_resolve();
	rpt_allocator_resolve();
	if (!atomic_exchange(&atfork_done, true))
		pthread_atfork(NULL, NULL, after_fork_child);
	st = mode_now();
	/* once per image (threads may race here), before any fork: children
	 * share what these map */
	if (st == RPT_ORDERED && !atomic_exchange(&setup_done, true)) {
		rpt_named_setup();
		rpt_cond_setup();
		rpt_quiet_setup();
	}
	atomic_store_explicit(&rpt_state, st, memory_order_release);
	return st;
}

__attribute__((constructor)) static void rpt_constructor(void)
{
	if (atomic_load(&rpt_state) == RPT_UNSET)
		rpt_resolve();
}
