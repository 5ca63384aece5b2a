/* One replica's thread creates one thread more than its peers.
 *
 * main prints "main: before" and starts a worker thread (peer group 1). The
 * worker starts and joins 2 threads (peer groups 2 and 3); in replica 1
 * only (the rank of its pid among its parent's children, as in replidx.c)
 * it then starts a third one. Every worker then prints "worker: joined" and
 * main prints "main: after".
 *
 * So the worker's peer group diverges at the call after its second join:
 * replica 1 creates a thread where its peers write. The other replicas wait
 * 300 ms before that write (nanosleep is local), so that replica 1's extra
 * thread creation arrives first and no majority can let the write out;
 * replica 0 waits 300 ms and the others 600 ms, so that replica 0 is the
 * second to arrive (the report then has one order). Run alone (replica 0)
 * it prints all three lines. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replica_index.h"

static int idx;

static void *leaf(void *arg)
{
	volatile long i, x = 0;

	for (i = 0; i < 1000; i++)
		x += i * (long)arg;
	return NULL;
}

static void *worker(void *arg)
{
	struct timespec delay = { 0, idx == 0 ? 300000000 : 600000000 };
	pthread_t t[3];
	long i, n = idx == 1 ? 3 : 2;

	(void)arg;
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, leaf, (void *)i))
			return (void *)1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (n == 3) {
		if (pthread_create(&t[2], NULL, leaf, (void *)2L))
			return (void *)1;
		pthread_join(t[2], NULL);
	} else {
		nanosleep(&delay, NULL);
	}
	printf("worker: joined\n");
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t w;
	void *ret;

	idx = argc > 1 && !strcmp(argv[1], "alone") ? 0 : replica_index(NULL);
	printf("main: before\n");
	fflush(stdout);
	if (pthread_create(&w, NULL, worker, NULL))
		return 1;
	pthread_join(w, &ret);
	if (ret)
		return 2;
	printf("main: after\n");
	return 0;
}
