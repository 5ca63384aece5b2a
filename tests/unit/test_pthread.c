/* Unit tests of libreplicant-pthread.so (lib/pthread/) outside replicant.
 * The binary runs itself twice under LD_PRELOAD of build/lib's library:
 * once in pass-through mode, where every call must be glibc's, and once
 * with REPLICANT_SEQ_CHECK=1 (a private region, one replica), where locks
 * must be regions: a thread holding a mutex is inside its domain's region
 * (end_seq() says so), errors leave the region as it was, condvar waiters
 * wake in FIFO order, timeouts time out, the once routine runs once.
 * Prints TAP; each child is killed by alarm() if it hangs. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <replicant.h>

#include "tap.h"

#define PER_MODE 20

static int check_mode;		/* REPLICANT_SEQ_CHECK=1 */

static const char *en(int err)
{
	return err ? strerrorname_np(err) : "0";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec in_ms(clockid_t clk, int ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_nsec += (long)ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

/* end_seq() of the mutex's label: 0 when the caller was inside its region
 * (then entered again), EPERM when not. */
static int region_held(void *obj)
{
	int err = end_seq((long)obj);

	if (!err)
		begin_seq((long)obj);
	return err;
}

/* ---- mutexes ----------------------------------------------------------- */

static pthread_mutex_t smutex = PTHREAD_MUTEX_INITIALIZER;

static void *hold_then_release(void *arg)
{
	pthread_mutex_t *m = arg;

	pthread_mutex_lock(m);
	usleep(150 * 1000);
	pthread_mutex_unlock(m);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

/* A process with one thread takes its own mutexes without regions; one
 * held when the second thread is asked for gets its region then, at
 * each level a recursive mutex is held, and leaves it on unlock. */
static void test_solo(void)
{
	int want_in = check_mode ? 0 : EPERM, e1, e2, e3, e4;
	pthread_mutexattr_t a;
	pthread_mutex_t rm;
	pthread_t t;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rm, &a);
	pthread_mutex_lock(&smutex);
	e1 = region_held(&smutex);
	pthread_mutex_unlock(&smutex);
	/* checked: not even a domain yet (EINVAL); passed through: EPERM */
	ok(e1 == (check_mode ? EINVAL : EPERM), "one thread: a locked mutex has no region (%s)",
	   en(e1));

	pthread_mutex_lock(&smutex);
	pthread_mutex_lock(&rm);
	pthread_mutex_lock(&rm);
	pthread_create(&t, NULL, nothing, NULL);
	pthread_join(t, NULL);
	e1 = region_held(&smutex);
	pthread_mutex_unlock(&smutex);
	e2 = region_held(&smutex);
	pthread_mutex_unlock(&rm);
	e3 = region_held(&rm);
	pthread_mutex_unlock(&rm);
	e4 = region_held(&rm);
	ok(e1 == want_in && e2 == EPERM && e3 == want_in && e4 == EPERM,
	   "held across pthread_create: region %s, after unlock %s; recursive after one unlock "
	   "%s, after two %s", en(e1), en(e2), en(e3), en(e4));
	pthread_mutex_destroy(&rm);
	pthread_mutexattr_destroy(&a);
}

static void test_mutex(void)
{
	int want_in = check_mode ? 0 : EPERM, e1, e2, e3, e4;
	pthread_mutexattr_t a;
	pthread_mutex_t rm, em;
	struct timespec ts;
	pthread_t t;
	Dl_info info;
	int64_t t0;

	ok(dladdr((void *)pthread_mutex_lock, &info) && strstr(info.dli_fname,
							      "libreplicant-pthread.so"),
	   "pthread_mutex_lock is the library's");
	pthread_mutex_lock(&smutex);
	e1 = region_held(&smutex);
	pthread_mutex_unlock(&smutex);
	e2 = region_held(&smutex);
	ok(e1 == want_in && e2 == EPERM, "static mutex: region held while locked (%s), not after (%s)",
	   en(e1), en(e2));

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rm, &a);
	e1 = pthread_mutex_lock(&rm);
	e2 = pthread_mutex_trylock(&rm);
	pthread_mutex_unlock(&rm);
	e3 = region_held(&rm);
	pthread_mutex_unlock(&rm);
	e4 = region_held(&rm);
	ok(!e1 && !e2 && e3 == want_in && e4 == EPERM,
	   "recursive: lock %s, trylock %s, held after one unlock %s, after two %s", en(e1),
	   en(e2), en(e3), en(e4));

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&em, &a);
	pthread_mutex_lock(&em);
	e1 = pthread_mutex_lock(&em);
	e2 = pthread_mutex_trylock(&em);
	e3 = region_held(&em);
	pthread_mutex_unlock(&em);
	e4 = pthread_mutex_unlock(&em);
	ok(e1 == EDEADLK && e2 == EBUSY && e3 == want_in && e4 == EPERM &&
		   region_held(&em) == EPERM,
	   "errorcheck: relock %s, trylock %s, still held %s, second unlock %s, region left",
	   en(e1), en(e2), en(e3), en(e4));
	ts = in_ms(CLOCK_REALTIME, 10);
	e1 = pthread_mutex_timedlock(&em, &ts);
	e2 = pthread_mutex_unlock(&em);
	ok(!e1 && !e2 && region_held(&em) == EPERM, "errorcheck: timedlock when free %s, unlock %s",
	   en(e1), en(e2));
	pthread_mutex_destroy(&em);
	pthread_mutex_destroy(&rm);

	pthread_create(&t, NULL, hold_then_release, &smutex);
	usleep(30 * 1000);
	e1 = pthread_mutex_trylock(&smutex);
	t0 = now_ms();
	ts = in_ms(CLOCK_REALTIME, 40);
	e2 = pthread_mutex_timedlock(&smutex, &ts);
	t0 = now_ms() - t0;
	ts.tv_nsec = 1000000000;
	e3 = pthread_mutex_timedlock(&smutex, &ts);
	ok(e1 == EBUSY && e2 == ETIMEDOUT && t0 >= 35 && e3 == EINVAL,
	   "held elsewhere: trylock %s, timedlock %s, with a bad time %s", en(e1), en(e2), en(e3));
	ts = in_ms(CLOCK_REALTIME, 2000);
	e1 = pthread_mutex_timedlock(&smutex, &ts);
	e2 = region_held(&smutex);
	pthread_mutex_unlock(&smutex);
	pthread_join(t, NULL);
	ok(!e1 && e2 == want_in, "timedlock once it is released: %s, region %s", en(e1), en(e2));

	/* destroyed, then initialised statically again: a first use again */
	pthread_mutex_destroy(&smutex);
	smutex = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&smutex);
	e1 = region_held(&smutex);
	pthread_mutex_unlock(&smutex);
	ok(e1 == want_in, "static mutex again after destroy: region %s", en(e1));
}

/* ---- condition variables ---------------------------------------------- */

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cc = PTHREAD_COND_INITIALIZER, queued = PTHREAD_COND_INITIALIZER;
static int nqueued, woken[8], nwoken;

static void *cwaiter(void *arg)
{
	pthread_mutex_lock(&cm);
	nqueued++;
	pthread_cond_signal(&queued);
	pthread_cond_wait(&cc, &cm);
	woken[nwoken++] = (int)(long)arg;
	pthread_mutex_unlock(&cm);
	return NULL;
}

static void test_cond(void)
{
	struct timespec ts;
	pthread_t t[4];
	int e1, e2, i;
	int64_t t0;
	char order[16] = "";

	pthread_mutex_lock(&cm);
	t0 = now_ms();
	ts = in_ms(CLOCK_REALTIME, 40);
	e1 = pthread_cond_timedwait(&cc, &cm, &ts);
	t0 = now_ms() - t0;
	e2 = region_held(&cm);
	pthread_mutex_unlock(&cm);
	ok(e1 == ETIMEDOUT && t0 >= 35 && e2 == (check_mode ? 0 : EPERM),
	   "timedwait without a signal: %s after %lld ms, mutex region back %s", en(e1),
	   (long long)t0, en(e2));

	/* one waiter at a time, each queued (it released cm) before the next */
	for (i = 0; i < 4; i++) {
		pthread_mutex_lock(&cm);
		pthread_create(&t[i], NULL, cwaiter, (void *)(long)i);
		while (nqueued != i + 1)
			pthread_cond_wait(&queued, &cm);
		pthread_mutex_unlock(&cm);
	}
	for (i = 0; i < 3; i++) {
		pthread_mutex_lock(&cm);
		pthread_cond_signal(&cc);
		pthread_mutex_unlock(&cm);
		while (1) {
			pthread_mutex_lock(&cm);
			e1 = nwoken;
			pthread_mutex_unlock(&cm);
			if (e1 == i + 1)
				break;
			usleep(1000);
		}
	}
	pthread_cond_broadcast(&cc);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < nwoken; i++)
		sprintf(order + strlen(order), "%d", woken[i]);
	/* glibc does not promise FIFO; the library does */
	ok(nwoken == 4 && (!check_mode || !strcmp(order, "0123")),
	   "signals wake waiters in the order they queued: %s", order);

	ok(pthread_cond_destroy(&cc) == 0, "destroy after broadcast");
}

/* ---- rwlock, barrier, once, sem, spin ---------------------------------- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int wrote;

static void *writer(void *arg)
{
	(void)arg;
	pthread_rwlock_wrlock(&rw);
	wrote = 1;
	pthread_rwlock_unlock(&rw);
	return NULL;
}

static void test_rwlock(void)
{
	pthread_t t;
	int e1, e2, e3;

	pthread_rwlock_rdlock(&rw);
	pthread_create(&t, NULL, writer, NULL);
	usleep(50 * 1000);	/* the writer waits inside rw's region */
	e1 = pthread_rwlock_rdlock(&rw);	/* must not wait for it */
	e2 = pthread_rwlock_trywrlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_join(t, NULL);
	e3 = pthread_rwlock_tryrdlock(&rw);
	pthread_rwlock_unlock(&rw);
	ok(!e1 && e2 == EBUSY && wrote && !e3,
	   "second read lock beside a waiting writer %s, trywrlock %s, writer done, tryrdlock %s",
	   en(e1), en(e2), en(e3));
}

static pthread_barrier_t bar;
static atomic_int serials;

static void *barrier_thread(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 20; i++)
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			serials++;
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;

static void once_init(void)
{
	usleep(20 * 1000);
	once_runs++;
}

static void *once_thread(void *arg)
{
	(void)arg;
	pthread_once(&once, once_init);
	pthread_once(&once, once_init);
	return NULL;
}

static void test_others(void)
{
	pthread_spinlock_t spin;
	struct timespec ts;
	pthread_t t[4];
	int i, e1, e2, e3, r1, r2, r3;
	sem_t s;

	pthread_barrier_init(&bar, NULL, 4);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_thread, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ok(serials == 20 && pthread_barrier_destroy(&bar) == 0,
	   "barrier: one serial thread a round (%d in 20)", serials);

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, once_thread, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ok(once_runs == 1 && (once & 2), "once: the routine ran %d time(s), marked done",
	   once_runs);

	sem_init(&s, 0, 0);
	r1 = sem_trywait(&s);
	e1 = errno;
	sem_post(&s);
	r2 = sem_trywait(&s);
	ts = in_ms(CLOCK_REALTIME, 30);
	r3 = sem_timedwait(&s, &ts);
	e3 = errno;
	ok(r1 == -1 && e1 == EAGAIN && r2 == 0 && r3 == -1 && e3 == ETIMEDOUT,
	   "sem: trywait on 0 %s, after a post %d, timedwait %s", en(e1), r2, en(e3));
	sem_post(&s);
	sem_wait(&s);
	ok(region_held(&s) == EPERM && sem_destroy(&s) == 0, "sem: wait leaves the region");

	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_lock(&spin);
	e1 = region_held((void *)&spin);
	e2 = pthread_spin_trylock(&spin);
	pthread_spin_unlock(&spin);
	e3 = pthread_spin_trylock(&spin);
	pthread_spin_unlock(&spin);
	ok(e1 == (check_mode ? 0 : EPERM) && e2 == EBUSY && !e3,
	   "spin: region %s, trylock held %s, free %s", en(e1), en(e2), en(e3));
	pthread_spin_destroy(&spin);
}

/* A fork child keeps its domains, with fresh logs: locks work there. */
static void test_fork(void)
{
	int status = -1;
	pid_t pid;

	pthread_mutex_lock(&cm);
	pid = fork();
	if (pid == 0) {
		pthread_mutex_unlock(&cm);	/* held by the forking thread */
		pthread_mutex_lock(&cm);
		_exit(region_held(&cm) == (check_mode ? 0 : EPERM) ? 0 : 1);
	}
	pthread_mutex_unlock(&cm);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork child locks (status %d)", status);
}

static int child(void)
{
	check_mode = getenv("REPLICANT_SEQ_CHECK") != NULL;
	/* tests BASE+1 to BASE+PER_MODE of the parent's plan, named "pass: ..."
	 * or "check: ..." */
	tap_resume(atoi(getenv("RPT_TEST_BASE")), PER_MODE);
	tap_prefix(check_mode ? "check" : "pass");
	alarm(30);
	test_solo();
	test_mutex();
	test_cond();
	test_rwlock();
	test_others();
	test_fork();
	return tap_exit();
}

/* Runs this binary under LD_PRELOAD, in one mode; its TAP lines go out as
 * they are; a child that dies before its last test leaves a gap, which the
 * plan shows. Returns 0 when the child exited 0 (its tests passed, all of
 * them ran). */
static int run_mode(const char *self, const char *lib, int check, int base)
{
	char basestr[16];
	int status;
	pid_t pid;

	snprintf(basestr, sizeof(basestr), "%d", base);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("LD_PRELOAD", lib, 1);
		setenv("RPT_TEST_CHILD", "1", 1);
		setenv("RPT_TEST_BASE", basestr, 1);
		if (check)
			setenv("REPLICANT_SEQ_CHECK", "1", 1);
		else
			unsetenv("REPLICANT_SEQ_CHECK");
		execl(self, self, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		diag("%s child: fork or waitpid failed", check ? "check" : "pass");
		return 1;
	}
	if (!WIFEXITED(status))
		diag("%s child: status %d", check ? "check" : "pass", status);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(void)
{
	char self[PATH_MAX], lib[PATH_MAX + 64], *slash;
	ssize_t n;
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("RPT_TEST_CHILD"))
		return child();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 1;
	self[n] = 0;
	slash = strrchr(self, '/');
	*slash = 0;
	snprintf(lib, sizeof(lib), "%s/../lib/libreplicant-pthread.so", self);
	*slash = '/';
	plan(2 * PER_MODE);
	/* the children print the tests and count them (tap_exit) */
	failed = run_mode(self, lib, 0, 0);
	failed |= run_mode(self, lib, 1, PER_MODE);
	return failed;
}
