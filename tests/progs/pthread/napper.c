/* A thread that sleeps outside every lock, woken by another thread past
 * its own turn. Four threads each take one mutex ROUNDS times, add their
 * number to a counter and print it. In replica 1 only (its index read as
 * tests/progs/replica_index.h does), thread 1 at round NAP_AT first sleeps
 * on a futex of its own until another thread has taken the mutex past
 * that round. Under --pthread its peers in replica 1 wait for thread 1's
 * turn, which the other replicas gave it: every thread of the process
 * sleeps, and nothing in it can wake one. The monitor must let replica 1
 * go from the order (as Apache worker's stop came to, with 64 threads a
 * child) instead of a stall. Prints the total; each thread's lines. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../replica_index.h"
#include "say.h"

#define NTHREADS 4
#define ROUNDS 200
#define NAP_AT 50

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int replica;
static _Atomic uint32_t nap_over;

static void nap(void)
{
	while (!atomic_load(&nap_over))
		syscall(SYS_futex, &nap_over, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void *thread_start(void *arg)
{
	long id = (long)arg;
	int round;

	for (round = 0; round < ROUNDS; round++) {
		if (id == 1 && round == NAP_AT && replica == 1)
			nap();
		pthread_mutex_lock(&lock);
		counter += id;
		say("t%ld c%ld\n", id, counter);
		pthread_mutex_unlock(&lock);
		if (round > NAP_AT && id != 1 && !atomic_exchange(&nap_over, 1))
			syscall(SYS_futex, &nap_over, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	int count;
	long i;

	replica = replica_index(&count);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, thread_start, (void *)(i + 1)))
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	say("total %ld\n", counter);
	return 0;
}
