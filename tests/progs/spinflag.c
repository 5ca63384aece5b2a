/* The pattern of CPython's GIL: one thread computes and reads, without a
 * lock, a flag that another thread sets each time its timed wait times out
 * (CPython's drop request). Where the computing thread first sees the flag
 * depends on when the deadline passed, a different iteration in every
 * replica, unless a deadline passes only while the others wait
 * (lib/pthread/quiet.c): then the flag is never set while the loop runs.
 * Prints the iteration at which the flag was seen, or "never".
 *
 * With the argument "thread" the loop runs in a thread made for it, which
 * uses no object of the library (the main thread waits in its join): it is
 * seen from its start (lib/pthread/solo.c), not from its first lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ITERS 50000000L

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static _Atomic int flag, done;

static void *waiter(void *arg)
{
	struct timespec t;

	(void)arg;
	pthread_mutex_lock(&m);
	while (!done) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 5000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&c, &m, &t);
		if (!done)
			flag = 1;
	}
	pthread_mutex_unlock(&m);
	return NULL;
}

static void *spin(void *arg)
{
	volatile unsigned long x = 1;
	long i, *seen = arg;

	*seen = -1;
	for (i = 0; i < ITERS; i++) {
		x = x * 31 + (unsigned long)i;
		if (flag) {
			*seen = i;
			break;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t, s;
	long seen;

	if (pthread_create(&t, NULL, waiter, NULL))
		return 1;
	if (argc > 1 && !strcmp(argv[1], "thread")) {
		if (pthread_create(&s, NULL, spin, &seen) || pthread_join(s, NULL))
			return 1;
	} else {
		spin(&seen);
	}
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	if (seen < 0)
		printf("never\n");
	else
		printf("seen at %ld\n", seen);
	return 0;
}
