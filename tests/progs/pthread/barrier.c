/* NTHREADS threads compute NPHASES phases in lock step with a
 * pthread_barrier: in each, thread i reads the whole vector and writes its
 * own next value; a barrier; it copies that in; a barrier, which returns
 * PTHREAD_BARRIER_SERIAL_THREAD to one thread, and that one prints the
 * phase's sum and its own number. The sums are the same in every run;
 * which thread prints them depends on the order the threads reached the
 * barrier, so replicas disagree unless that is the same in all. The last
 * line is the final sum, 3548. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define NPHASES 8

static pthread_barrier_t barrier;
static long data[NTHREADS], next[NTHREADS];

static long sum(void)
{
	long s = 0;
	int i;

	for (i = 0; i < NTHREADS; i++)
		s += data[i];
	return s;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	int p, r;

	for (p = 0; p < NPHASES; p++) {
		next[id] = data[id] + data[(id + 1) % NTHREADS] + p;
		r = pthread_barrier_wait(&barrier);	/* every next[] is written */
		if (r && r != PTHREAD_BARRIER_SERIAL_THREAD)
			abort();
		data[id] = next[id];
		r = pthread_barrier_wait(&barrier);	/* every data[] is written */
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			printf("phase %d: sum %ld (serial thread %ld)\n", p, sum(), id);
		else if (r)
			abort();
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("barrier: %d threads, %d phases\n", NTHREADS, NPHASES);
	for (i = 0; i < NTHREADS; i++)
		data[i] = i + 1;
	if (pthread_barrier_init(&barrier, NULL, NTHREADS))
		return 1;
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	printf("result %ld\n", sum());
	return 0;
}
