/* A thread's timed waits pass while the main thread sleeps in nanosleep:
 * a thread blocked in a call is quiet (lib/pthread/block.c), it does not
 * hold up other threads' deadlines (lib/pthread/quiet.c). The worker times
 * out 10 times, 20 ms each; the main thread sleeps 3 s, then reads, under
 * the mutex, how many it counted: 10. Without block.c's wrappers each
 * timeout waited the 10 s limit (the main thread asleep, then in join,
 * counted as running): runs at -n 2 and -n 3 were still going after 60 s. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int timeouts;

static void *worker(void *arg)
{
	struct timespec t;
	int i;

	(void)arg;
	pthread_mutex_lock(&m);
	for (i = 0; i < 10; i++) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 20000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		while (pthread_cond_timedwait(&c, &m, &t) == 0)
			;
		timeouts++;
	}
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int n;

	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	sleep(3);
	pthread_mutex_lock(&m);
	n = timeouts;
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	printf("%d timeouts while main slept\n", n);
	return 0;
}
