/* Locks whose outcome is a matter of timing: NTHREADS threads, ROUNDS
 * rounds of each of
 *  1. pthread_mutex_trylock, retried (with sched_yield) until it succeeds;
 *  2. pthread_mutex_timedlock with a 1 ms timeout, retried until it
 *     succeeds, while the holder sometimes keeps the lock 2 ms;
 *  3. taking turns (thread 1, 2, ..., 1, ...) with pthread_cond_timedwait
 *     and a 1 ms timeout, while the first turn keeps the lock 1.5 ms.
 * Each thread prints how many of its tries failed (EBUSY, ETIMEDOUT) and
 * the counter it made, while holding the lock; main prints each thread's
 * failures. Those numbers change from run to run, so replicas agree only if
 * every try has the same outcome in all of them (--pthread). The last line
 * (trylock 50, timedlock 50, turns 20) is the same in every run. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "say.h"

#define NTHREADS 4
#define ROUNDS 5

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static long counter, tcounter;	/* under lock, tlock */
static int turn, turns;		/* under tlock: whose turn (0-based), how many */

struct thread {
	long id;
	int busy, timeouts, waits;	/* failed trylocks, timedlocks, timedwaits */
};

/* now + ns on CLOCK_REALTIME, the clock both timed calls use */
static struct timespec deadline(long ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ns;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}


static void *thread_start(void *arg)
{
	struct thread *t = arg;
	struct timespec ts;
	int r, n, err;

	for (r = 0; r < ROUNDS; r++) {
		for (n = 0; (err = pthread_mutex_trylock(&lock)) == EBUSY; n++)
			sched_yield();
		if (err)
			abort();
		counter += t->id;
		say("thread %ld trylock %d: %d busy, counter %ld\n", t->id, r, n, counter);
		pthread_mutex_unlock(&lock);
		t->busy += n;
	}
	for (r = 0; r < ROUNDS; r++) {
		for (n = 0;; n++) {
			ts = deadline(1000000);
			err = pthread_mutex_timedlock(&tlock, &ts);
			if (err != ETIMEDOUT)
				break;
		}
		if (err)
			abort();
		tcounter += t->id;
		say("thread %ld timedlock %d: %d timeouts, counter %ld\n", t->id, r, n, tcounter);
		if (r % 2 == 0)
			usleep(2000);	/* the others' 1 ms run out */
		pthread_mutex_unlock(&tlock);
		t->timeouts += n;
	}
	for (r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&tlock);
		for (n = 0; turn != t->id - 1;) {
			ts = deadline(1000000);
			err = pthread_cond_timedwait(&turn_changed, &tlock, &ts);
			if (err == ETIMEDOUT)
				n++;
			else if (err)
				abort();
		}
		turns++;
		say("thread %ld turn %d: %d timeouts\n", t->id, r, n);
		if (turns == 1)
			usleep(1500);	/* the others' 1 ms run out */
		turn = (turn + 1) % NTHREADS;
		pthread_cond_broadcast(&turn_changed);
		pthread_mutex_unlock(&tlock);
		t->waits += n;
	}
	return NULL;
}

int main(void)
{
	struct thread t[NTHREADS];
	pthread_t th[NTHREADS];
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("trylock: %d threads, %d rounds\n", NTHREADS, ROUNDS);
	for (i = 0; i < NTHREADS; i++) {
		t[i] = (struct thread){ .id = i + 1 };
		if (pthread_create(&th[i], NULL, thread_start, &t[i]))
			return 1;
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NTHREADS; i++)
		printf("thread %ld: %d busy, %d timeouts, %d waits timed out\n", t[i].id,
		       t[i].busy, t[i].timeouts, t[i].waits);
	printf("trylock %ld, timedlock %ld, turns %d\n", counter, tcounter, turns);
	return 0;
}
