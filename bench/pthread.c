/* The cost of pthread calls, for bench/pthread.sh: run plain, with
 * libreplicant-pthread.so preloaded outside replicant (pass-through), and
 * under replicant run --pthread, where they become sequential regions.
 *
 *   pthread mutex ITERS             one thread: lock+unlock ITERS times, after
 *                                   a second thread has come and gone (the
 *                                   library orders a process's locks from
 *                                   its first thread on)
 *   pthread mutex-solo ITERS        the same in a process that never made a
 *                                   thread (no regions: lib/pthread/solo.c)
 *   pthread rwlock ITERS            one thread: rdlock+unlock, wrlock+unlock,
 *                                   ITERS pairs in all
 *   pthread condvar-pingpong ITERS  two threads hand a token back and forth
 *                                   through one mutex and two condition
 *                                   variables: ITERS round trips
 *
 * Prints the nanoseconds per pair (per round trip for condvar-pingpong).
 * The time comes from clock_gettime, an input under replicant, so every
 * replica prints the same number. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t to_pong = PTHREAD_COND_INITIALIZER, to_ping = PTHREAD_COND_INITIALIZER;
static long iters, counter;
static int turn; /* 0: ping's, 1: pong's */

static void *pong(void *arg)
{
	long i;

	(void)arg;
	for (i = 0; i < iters; i++) {
		pthread_mutex_lock(&m);
		while (turn != 1)
			pthread_cond_wait(&to_pong, &m);
		turn = 0;
		counter++;
		pthread_cond_signal(&to_ping);
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static int pingpong(void)
{
	pthread_t t;
	long i;

	if (pthread_create(&t, NULL, pong, NULL))
		return 1;
	for (i = 0; i < iters; i++) {
		pthread_mutex_lock(&m);
		turn = 1;
		pthread_cond_signal(&to_pong);
		while (turn != 0)
			pthread_cond_wait(&to_ping, &m);
		pthread_mutex_unlock(&m);
	}
	pthread_join(t, NULL);
	return counter != iters;
}

static int mutex(void)
{
	long i;

	for (i = 0; i < iters; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	return counter != iters;
}

static int rwlock(void)
{
	long i;

	for (i = 0; i < iters; i++) {
		if (i & 1) {
			pthread_rwlock_wrlock(&rw);
			counter++;
		} else {
			pthread_rwlock_rdlock(&rw);
		}
		pthread_rwlock_unlock(&rw);
	}
	return counter != iters / 2;
}

static void *nothing(void *arg)
{
	return arg;
}

/* Makes a thread and joins it: the process is threaded from then on. */
static int threaded_once(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL)) {
		fprintf(stderr, "pthread: cannot make a thread\n");
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	int (*run)(void);

	if (argc != 3 || (iters = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: pthread mutex|mutex-solo|rwlock|condvar-pingpong ITERS\n");
		return 2;
	}
	if (!strcmp(argv[1], "mutex") || !strcmp(argv[1], "mutex-solo"))
		run = mutex;
	else if (!strcmp(argv[1], "rwlock"))
		run = rwlock;
	else if (!strcmp(argv[1], "condvar-pingpong"))
		run = pingpong;
	else {
		fprintf(stderr, "pthread: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	if (strcmp(argv[1], "mutex-solo") && !threaded_once())
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (run()) {
		fprintf(stderr, "pthread %s: wrong count %ld\n", argv[1], counter);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)iters);
	return 0;
}
