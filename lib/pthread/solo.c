/* A process with one thread needs no regions for its own objects.
 *
 * The library is loaded into every program by default, and most programs
 * never start a thread: their every putc and every lock of a library's
 * mutex would still wait for the other replicas' order log, for an order
 * that one thread's program order already fixes. So, until the process
 * first asks for a thread (pthread_create, thrd_create, or a clone that
 * shares its memory: rpt_solo() turns false, for good), the stdio calls and the
 * locks of process-private mutexes skip their regions. Process-shared
 * objects keep them: another process may hold them.
 *
 * The one state that crosses the change is a mutex locked while solo and
 * still held when the thread is asked for. Its region is entered then, by
 * the only thread there is, so it is entered at the same point in every
 * replica and the unlock leaves it as if it had been taken ordered. Those
 * mutexes are kept here (held[], with a recursive mutex's depth); a program
 * holding more than HELD_MAX at once turns solo off at once instead.
 * A thread made by a raw clone system call, unseen here, is not covered:
 * such a program is reported as it was without the library (README). */
#include <dlfcn.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

#include "rpt.h"

#define HELD_MAX 32

_Atomic bool rpt_threaded;

static struct held {
	pthread_mutex_t *m;
	unsigned depth;
} held[HELD_MAX];
static unsigned n_held;

static struct held *find(pthread_mutex_t *m)
{
	unsigned i;

	for (i = 0; i < n_held; i++)
		if (held[i].m == m)
			return &held[i];
	return NULL;
}

void rpt_solo_hold(pthread_mutex_t *m)
{
	struct held *h = find(m);

	if (h) {
		h->depth++;
		return;
	}
	if (n_held == HELD_MAX) {
		rpt_solo_end();
		return;
	}
	held[n_held++] = (struct held){ m, 1 };
}

void rpt_solo_release(pthread_mutex_t *m)
{
	struct held *h = find(m);

	if (h && --h->depth == 0)
		*h = held[--n_held];
}

/* The regions of the mutexes held now, entered once per level held. */
void rpt_solo_end(void)
{
	unsigned i, d;

	rpt_quiet_self();	/* the thread that makes threads is seen (quiet.c) */
	if (atomic_exchange(&rpt_threaded, true))
		return;
	/* glibc reads the time zone (/etc/localtime) on its first use, in
	 * whichever thread converts a time first: timing (Apache's worker
	 * threads at -n 3). Read now, while this is the only thread: later
	 * conversions find it read, as long as TZ stays. */
	tzset();
	/* and loads the unwinder (libgcc_s) on the first thread exit or
	 * cancellation, by whichever thread gets there first (Apache at -n 2):
	 * loaded now, glibc finds it there */
	dlopen("libgcc_s.so.1", RTLD_NOW);
	for (i = 0; i < n_held; i++)
		for (d = 0; d < held[i].depth; d++)
			rpt_mutex_enter(held[i].m);
	n_held = 0;
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* A new thread takes its slot (quiet.c) before it runs the program's
 * code; until then it is counted as starting, so that no deadline passes
 * while it runs unseen. */
struct start {
	void *(*fn)(void *);
	void *arg;
};

/* The new thread's first step: its slot taken, it is no longer starting. */
static struct start started(void *p)
{
	struct start st = *(struct start *)p;

	free(p);
	rpt_quiet_self();
	rpt_quiet_starting(-1);
	return st;
}

static void *start_seen(void *p)
{
	struct start st = started(p);

	return st.fn(st.arg);
}

static int thrd_start_seen(void *p)
{
	struct start st = started(p);

	return ((thrd_start_t)(void (*)(void))st.fn)(st.arg);
}

static struct start *start_of(void *(*fn)(void *), void *arg)
{
	struct start *st;

	rpt_solo_end();
	st = malloc(sizeof(*st));
	if (st) {
		*st = (struct start){ fn, arg };
		rpt_quiet_starting(1);
	}
	return st;
}

PT_API int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	struct start *st;
	int err;

	if (!real)
		real = next("pthread_create");
	if (!rpt_on() || !(st = start_of(fn, arg)))
		return real(t, attr, fn, arg);
	err = real(t, attr, start_seen, st);
	if (err) {
		rpt_quiet_starting(-1);
		free(st);
	}
	return err;
}

PT_API int thrd_create(thrd_t *t, thrd_start_t fn, void *arg)
{
	static int (*real)(thrd_t *, thrd_start_t, void *);
	struct start *st;
	int err;

	if (!real)
		real = next("thrd_create");
	if (!rpt_on() || !(st = start_of((void *(*)(void *))(void (*)(void))fn, arg)))
		return real(t, fn, arg);
	err = real(t, thrd_start_seen, st);
	if (err != thrd_success) {
		rpt_quiet_starting(-1);
		free(st);
	}
	return err;
}

/* glibc's clone(fn, stack, flags, arg, ptid, tls, ctid): the last three
 * are read only for some flags, and passed on as they came. A vfork-like
 * clone shares memory with a parent that waits: not a second thread. */
PT_API int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	static int (*real)(int (*)(void *), void *, int, void *, ...);
	va_list ap;
	void *ptid, *tls, *ctid;

	if (!real)
		real = next("clone");
	va_start(ap, arg);
	ptid = va_arg(ap, void *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, void *);
	va_end(ap);
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK) && rpt_on())
		rpt_solo_end();
	return real(fn, stack, flags, arg, ptid, tls, ctid);
}
