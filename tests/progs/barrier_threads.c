/* Starts argv[1] threads (default 3000) with small stacks that all wait on
 * one barrier with the main thread, then joins them: thousands of threads
 * ending at once, more calls than the monitor reads in a second on two
 * CPUs (tests/t/85-threads.t: a backlog is not a stall). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_barrier_t barrier;

static void *run(void *arg)
{
	pthread_barrier_wait(&barrier);
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000, i;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t attr;

	if (!t || pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 65536) ||
	    pthread_barrier_init(&barrier, NULL, (unsigned)n + 1))
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], &attr, run, NULL)) {
			printf("thread %d: cannot create\n", i);
			return 1;
		}
	pthread_barrier_wait(&barrier);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%d threads done\n", n);
	return 0;
}
