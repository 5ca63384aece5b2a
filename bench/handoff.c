/* A contended lock: two threads take one mutex ITERS times each, with the
 * critical section a sequential region ("seq") or not ("plain"). Prints
 * the nanoseconds per lock/unlock pair. Run plain, and under replicant:
 * bench/handoff.sh compares them. The time comes from clock_gettime, an
 * input under replicant, so every replica prints the same number. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <replicant.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter, iters;
static int use_regions;

static void *worker(void *arg)
{
	long i;

	(void)arg;
	for (i = 0; i < iters; i++) {
		if (use_regions && BEGIN_SEQ_REGION(&lock))
			abort();
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (use_regions && END_SEQ_REGION(&lock))
			abort();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	pthread_t t[2];
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: handoff plain|seq ITERS\n");
		return 2;
	}
	use_regions = !strcmp(argv[1], "seq");
	iters = atol(argv[2]);
	if (use_regions && init_dom((long)&lock))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (counter != 2 * iters)
		return 1;
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (2.0 * iters));
	return 0;
}
