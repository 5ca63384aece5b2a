/* NTHREADS threads print NLINES lines each with printf, sharing nothing
 * but stdout: each thread's lines are the same in every run, only how they
 * interleave changes, which replicant does not vote on (each thread's
 * writes are its own peer group's). But printf writes while holding
 * stdout's lock, a lock inside glibc that no region orders: replicas that
 * take it in different orders each hold it in a write that waits for its
 * peers, and those wait for the lock (a STALL), unless printf runs in
 * stdout's region (lib/pthread/stdio.c). Last line: 1000 lines. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 2
#define NLINES 500

static void *printer(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < NLINES; i++)
		printf("printer %ld line %d\n", id, i);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("printers: %d threads, %d lines each\n", NTHREADS, NLINES);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, printer, (void *)(i + 1)))
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("%d lines\n", NTHREADS * NLINES);
	return 0;
}
