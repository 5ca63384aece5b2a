/* Threads that do nothing but create and join short threads, for the
 * external-signal tests: a signal that kills the replicas catches some of
 * them between their clone and their peers'. main prints "started" and
 * waits (never returns). argv[1]: how many such threads (default 8);
 * argv[2]: the seconds after which it gives up and exits 3 (default 60);
 * argv[3], what replica 1 does with a SIGTERM sent to its main thread:
 * "now" (dies of it, the default), "late" (holds it 300 ms, as a loaded
 * machine may, then dies of it) or "catch" (catches it and goes on: a
 * divergence). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replica_index.h"

#define MAX_SPAWNERS 64

static void *nothing(void *arg)
{
	return arg;
}

static void *spawner(void *arg)
{
	pthread_t t;

	(void)arg;
	for (;;) {
		if (pthread_create(&t, NULL, nothing, NULL))
			return (void *)1;
		pthread_join(t, NULL);
	}
	return NULL;
}

static void *deadline(void *arg)
{
	sleep((unsigned)(long)arg);
	_exit(3);
	return NULL;
}

static void caught(int sig)
{
	(void)sig;
}

static void nap(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&d, NULL);
}

/* main's thread, in replica 1 with "late": once a SIGTERM is pending, it
 * waits 300 ms more and takes it. Only local calls: the monitor sees none. */
static void hold_term(sigset_t *term)
{
	sigset_t pending;

	for (;;) {
		nap(100);
		if (sigpending(&pending) == 0 && sigismember(&pending, SIGTERM)) {
			nap(300);
			pthread_sigmask(SIG_UNBLOCK, term, NULL);
		}
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 8, limit = argc > 2 ? atol(argv[2]) : 60;
	const char *mode = argc > 3 ? argv[3] : "now";
	int one = replica_index(NULL) == 1;
	pthread_t t[MAX_SPAWNERS + 1];
	sigset_t term;
	long i;

	if (n < 1 || n > MAX_SPAWNERS) {
		fprintf(stderr, "spawners: 1 to %d threads\n", MAX_SPAWNERS);
		return 2;
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, spawner, NULL))
			return 1;
	if (pthread_create(&t[n], NULL, deadline, (void *)limit))
		return 1;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (one && !strcmp(mode, "late"))
		pthread_sigmask(SIG_BLOCK, &term, NULL);
	if (one && !strcmp(mode, "catch"))
		signal(SIGTERM, caught);
	printf("started\n");
	fflush(stdout);
	if (one && !strcmp(mode, "late"))
		hold_term(&term);
	for (i = 0; i <= n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
