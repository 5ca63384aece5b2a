/* A worker thread locks mutexes that the main thread makes and frees, one
 * a round. Where malloc puts the next one differs between replicas (a
 * thread freeing into an arena another thread allocates from does that
 * by timing; pigz's job locks showed it): here odd replicas keep each
 * job one round longer on purpose, so the worker meets a reused address
 * in some replicas and a fresh one in others. Prints the sum of the
 * rounds; exits 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "replica_index.h"

#define ROUNDS 64

struct job {
	pthread_mutex_t m;
	long v;
};

static pthread_mutex_t q = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *pending;
static int rounds_done;

static void *worker(void *arg)
{
	struct job *j;
	int r;

	(void)arg;
	for (r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&q);
		while (!pending)
			pthread_cond_wait(&cv, &q);
		j = pending;
		pending = NULL;
		pthread_mutex_unlock(&q);
		pthread_mutex_lock(&j->m);
		j->v += r;
		pthread_mutex_unlock(&j->m);
		pthread_mutex_lock(&q);
		rounds_done = r + 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&q);
	}
	return NULL;
}

int main(void)
{
	struct job *j, *kept = NULL;
	int r, keep = replica_index(NULL) % 2;
	long sum = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	for (r = 0; r < ROUNDS; r++) {
		j = malloc(sizeof(*j));
		if (!j)
			return 1;
		pthread_mutex_init(&j->m, NULL);
		j->v = r;
		pthread_mutex_lock(&q);
		pending = j;
		pthread_cond_broadcast(&cv);
		while (rounds_done < r + 1)
			pthread_cond_wait(&cv, &q);
		pthread_mutex_unlock(&q);
		sum += j->v;
		pthread_mutex_destroy(&j->m);
		if (keep) {
			free(kept);
			kept = j;
		} else {
			free(j);
		}
	}
	free(kept);
	pthread_join(t, NULL);
	printf("%ld\n", sum);
	return 0;
}
