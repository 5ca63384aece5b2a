/* Threads whose lock sequence differs between replicas, as when a program
 * decides with memory no lock covers how often, or in which order, it
 * takes its locks (Apache's workers read workers_may_exit with no lock as
 * they stop): a replica then waits in a log for what its threads never do.
 *
 *   lockskew ended: thread B takes mutex m 2 + replica-index times and
 *     exits; main joins it, waits 0.5 s and takes m. The last replica's B
 *     writes every round in m's log first, so where replica r < n - 1 has
 *     main's turn, the log has a round of B: main waits for B, which
 *     ended (a stall for ever).
 *   lockskew cycle: threads X and Y each take a and b, one after the
 *     other, once main took a then b (locks get their domains in the
 *     order of their first use with threads running). Replica 0: X a then b, Y b then a, so a's log reads X, Y and
 *     b's Y, X. Replicas r > 0 start 0.5 s later and swap the orders: X
 *     waits at b for Y, Y at a for X (a stall for ever).
 *
 *   lockskew ended-differ: as ended, then main prints its replica index.
 *
 * Prints "done" from main, the same in every replica (ended-differ: not). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replica_index.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int idx;

static void take(pthread_mutex_t *x)
{
	int err = pthread_mutex_lock(x);

	if (err) {
		fprintf(stderr, "lockskew: pthread_mutex_lock: %s\n", strerror(err));
		exit(1);
	}
	pthread_mutex_unlock(x);
}

static void *rounds(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 2 + idx; i++)
		take(&m);
	return NULL;
}

/* arg: the lock this thread takes first in replica 0 */
static void *pair(void *arg)
{
	pthread_mutex_t *first = arg, *second = first == &a ? &b : &a;

	usleep(200000);		/* main made the domains */
	if (idx) {
		usleep(500000);	/* replica 0 writes both logs first */
		first = second;
		second = arg;
	}
	take(first);
	usleep(100000);		/* the other thread takes its first meanwhile */
	take(second);
	return NULL;
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(t, NULL, fn, arg);

	if (err) {
		fprintf(stderr, "lockskew: pthread_create: %s\n", strerror(err));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	pthread_t x, y;

	idx = replica_index(NULL);
	if (idx < 0)
		idx = 0;
	if (argc == 2 && !strcmp(argv[1], "ended-differ")) {
		/* as ended, then an output that differs in every replica: a
		 * replica let go from the logs is still voted */
		start(&x, rounds, NULL);
		pthread_join(x, NULL);
		usleep(500000);
		take(&m);
		printf("replica %d\n", idx);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "ended")) {
		start(&x, rounds, NULL);
		pthread_join(x, NULL);
		usleep(500000);	/* every replica's B wrote its rounds */
		take(&m);
	} else if (argc == 2 && !strcmp(argv[1], "cycle")) {
		start(&x, pair, &a);
		start(&y, pair, &b);
		take(&a);	/* a's domain is made first in every replica */
		take(&b);
		pthread_join(x, NULL);
		pthread_join(y, NULL);
	} else {
		fprintf(stderr, "usage: lockskew ended|ended-differ|cycle\n");
		return 2;
	}
	printf("done\n");
	return 0;
}
