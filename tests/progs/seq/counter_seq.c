/* The thesis' Figure 3.2 annotated (its Figure 4.1): tests/progs/pthread/
 * counter.c with a sequential region just outside the lock, so that the
 * threads of every replica take the lock in one order and print the same
 * values, in the same order. argv[1] threads (default 4), ROUNDS rounds;
 * the last line is the total, ROUNDS * n(n+1)/2 (100 for 4 threads). An
 * annotation call that fails is a bug here: it says so and exits 3. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <replicant.h>

#define ROUNDS 10
#define MAXTHREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "counter_seq: %s: %s\n", what, strerror(err));
		exit(3);
	}
}

static void *thread_start(void *arg)
{
	long id = (long)arg, local;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		check(BEGIN_SEQ_REGION(&lock), "BEGIN_SEQ_REGION");
		pthread_mutex_lock(&lock);
		counter += id;
		local = counter;
		/* inside the lock: the lines come out in lock order too */
		printf("thread %ld round %d: counter %ld\n", id, r, local);
		pthread_mutex_unlock(&lock);
		check(END_SEQ_REGION(&lock), "END_SEQ_REGION");
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
	printf("counter_seq: %ld threads, %d rounds\n", n, ROUNDS);
	/* one domain for the one lock, before the threads start */
	check(init_dom((long)&lock), "init_dom");
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, thread_start, (void *)(i + 1)))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("total %ld\n", counter);
	check(destroy_dom((long)&lock), "destroy_dom");
	return 0;
}
