/* The thesis' Figure 3.2, with rounds: argv[1] threads (default 4), thread
 * i adding i to a shared counter under a mutex ROUNDS times and printing the
 * value it made while still holding the lock. Which thread takes the lock
 * first decides every value printed, so replicas disagree unless their
 * threads take it in one order (--pthread); the total does not depend on
 * the order: ROUNDS * n(n+1)/2, 100 for 4 threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 10
#define MAXTHREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *thread_start(void *arg)
{
	long id = (long)arg, local;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&lock);
		counter += id;
		local = counter;
		/* inside the lock: the lines come out in lock order too */
		printf("thread %ld round %d: counter %ld\n", id, r, local);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4, i;
	pthread_t th[MAXTHREADS];

	if (n < 1 || n > MAXTHREADS)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("counter: %ld threads, %d rounds\n", n, ROUNDS);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, thread_start, (void *)(i + 1)))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("total %ld\n", counter);
	return 0;
}
