/* A thread asleep for its turn counts as quiet by whom it waits for now,
 * not by whom it waited for when it fell asleep (lib/pthread/quiet.c).
 *
 * H takes mutex x and keeps it; B, then A, queue for x behind it, and A
 * falls asleep behind H. H lets x go and exits: B goes in (A is not woken,
 * its turn is not next) and waits inside x for a condition. The timer
 * thread then times out five times, 20 ms each, while every other thread
 * waits: A for x, behind B, which waits too. It then wakes B, and all end.
 * Prints how many waits timed out: 5.
 *
 * When a sleeper's quiet was judged by the thread it fell asleep behind, A
 * was behind H, a thread that had exited, and so counted as running: each
 * timeout waited the 10 s limit (quiet.c's HOLD_MAX_NS), 50 s in all. In
 * 94-pthread.t's runs, such a wait was a 10 s STALL of the trylock test at
 * -n 2 --perturb (2 of 30 runs). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUTS 5

static pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t y = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t z = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;	/* with y */
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;	/* with z */
static int done;	/* under y */

static void *holder(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&x);
	usleep(300000);		/* B, then A, queue for x meanwhile */
	pthread_mutex_unlock(&x);
	return NULL;
}

/* B: inside x, waits until the timer is done */
static void *second(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&x);
	pthread_mutex_lock(&y);
	while (!done)
		pthread_cond_wait(&go, &y);
	pthread_mutex_unlock(&y);
	pthread_mutex_unlock(&x);
	return NULL;
}

/* A */
static void *third(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&x);
	pthread_mutex_unlock(&x);
	return NULL;
}

static void *timer(void *arg)
{
	struct timespec t;
	int *timeouts = arg, i;

	pthread_mutex_lock(&z);
	for (i = 0; i < TIMEOUTS; i++) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 20000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		while (pthread_cond_timedwait(&never, &z, &t) == 0)
			;
		++*timeouts;
	}
	pthread_mutex_unlock(&z);
	pthread_mutex_lock(&y);
	done = 1;
	pthread_cond_signal(&go);
	pthread_mutex_unlock(&y);
	return NULL;
}

int main(void)
{
	pthread_t h, b, a, t;
	int timeouts = 0;

	if (pthread_create(&h, NULL, holder, NULL))
		return 1;
	usleep(100000);
	if (pthread_create(&b, NULL, second, NULL))
		return 1;
	usleep(100000);
	if (pthread_create(&a, NULL, third, NULL))
		return 1;
	pthread_join(h, NULL);
	if (pthread_create(&t, NULL, timer, &timeouts))
		return 1;
	pthread_join(t, NULL);
	pthread_join(b, NULL);
	pthread_join(a, NULL);
	printf("%d timeouts\n", timeouts);
	return 0;
}
