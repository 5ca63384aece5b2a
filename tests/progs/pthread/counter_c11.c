/* counter.c with C11 threads (<threads.h>): argv[1] threads (default 4),
 * made with thrd_create once call_once has set up the mutex and the
 * condition variable; each waits on the condition variable until main has
 * started them all, then adds its number to the counter under the mutex
 * ROUNDS times, printing the value it made while still holding it. The
 * total does not depend on the order: ROUNDS * n(n+1)/2, 100 for 4. */
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#define ROUNDS 10
#define MAXTHREADS 64

static once_flag once = ONCE_FLAG_INIT;
static mtx_t lock;
static cnd_t go;
static int started;
static long counter;

static void setup(void)
{
	if (mtx_init(&lock, mtx_plain) != thrd_success || cnd_init(&go) != thrd_success)
		abort();
}

static int thread_start(void *arg)
{
	long id = (long)arg, local;
	int r;

	call_once(&once, setup);
	mtx_lock(&lock);
	while (!started)
		cnd_wait(&go, &lock);
	mtx_unlock(&lock);
	for (r = 0; r < ROUNDS; r++) {
		mtx_lock(&lock);
		counter += id;
		local = counter;
		printf("thread %ld round %d: counter %ld\n", id, r, local);
		mtx_unlock(&lock);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4, i;
	thrd_t th[MAXTHREADS];

	if (n < 1 || n > MAXTHREADS)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	printf("counter_c11: %ld threads, %d rounds\n", n, ROUNDS);
	call_once(&once, setup);
	for (i = 0; i < n; i++)
		if (thrd_create(&th[i], thread_start, (void *)(i + 1)) != thrd_success)
			return 1;
	mtx_lock(&lock);
	started = 1;
	cnd_broadcast(&go);
	mtx_unlock(&lock);
	for (i = 0; i < n; i++)
		thrd_join(th[i], NULL);
	printf("total %ld\n", counter);
	mtx_destroy(&lock);
	cnd_destroy(&go);
	return 0;
}
