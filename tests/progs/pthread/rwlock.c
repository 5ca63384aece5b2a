/* NWRITERS writers and NREADERS readers share a version and a value under
 * a pthread_rwlock, ROUNDS times each: a writer bumps the version and adds
 * its number to the value, a reader prints what it saw (both while holding
 * the lock). What a reader sees depends on the order in which readers and
 * writers took the lock; the last line does not: version 2 * ROUNDS = 16,
 * value ROUNDS * (1 + 2) = 24. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "say.h"

#define NREADERS 4
#define NWRITERS 2
#define ROUNDS 8

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long version, value;


static void *writer(void *arg)
{
	long id = (long)arg;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		pthread_rwlock_wrlock(&rw);
		version++;
		value += id;
		say("writer %ld: version %ld value %ld\n", id, version, value);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *reader(void *arg)
{
	long id = (long)arg, v, x;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		pthread_rwlock_rdlock(&rw);
		v = version;
		x = value;
		say("reader %ld round %d saw version %ld value %ld\n", id, r, v, x);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

int main(void)
{
	/* interleaved, so that readers and writers start together */
	static const struct {
		void *(*fn)(void *);
		long id;
	} who[] = { { reader, 1 }, { writer, 1 }, { reader, 2 },
		    { reader, 3 }, { writer, 2 }, { reader, 4 } };
	pthread_t t[NREADERS + NWRITERS];
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("rwlock: %d readers, %d writers\n", NREADERS, NWRITERS);
	for (i = 0; i < NREADERS + NWRITERS; i++)
		if (pthread_create(&t[i], NULL, who[i].fn, (void *)who[i].id))
			return 1;
	for (i = 0; i < NREADERS + NWRITERS; i++)
		pthread_join(t[i], NULL);
	printf("final version %ld value %ld\n", version, value);
	return 0;
}
