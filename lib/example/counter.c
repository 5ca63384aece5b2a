/* The thesis' Figure 4.1, annotated: each thread adds its number to a
 * shared counter under a lock and prints what it saw. Which thread gets the
 * lock first decides what each prints, so replicas of it disagree unless
 * the critical section is a sequential region: then every replica's threads
 * take the lock in the same order and print the same values.
 *
 *	cc counter.c $(pkg-config --cflags --libs replicant) -lpthread
 *	./a.out				# outside replicant: as without regions
 *	replicant run -n 3 -- ./a.out	# every replica prints the same
 */
#include <pthread.h>
#include <stdio.h>

#include <replicant.h>

#define NTHREADS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *thread_start(void *arg)
{
	long id = (long)arg, local;
	int err;

	err = BEGIN_SEQ_REGION(&lock);
	pthread_mutex_lock(&lock);
	counter += id;
	local = counter;
	/* inside the region too: printf fills stdio's buffer, which the
	 * threads share, so the order of the lines is shared state */
	printf("thread %ld saw %ld\n", id, local);
	pthread_mutex_unlock(&lock);
	err |= END_SEQ_REGION(&lock);
	return (void *)(long)err;
}

int main(void)
{
	pthread_t th[NTHREADS];
	long i, errors = 0;
	void *ret;

	/* one domain for the one lock, created before the threads start */
	if (init_dom((long)&lock))
		return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, thread_start, (void *)(i + 1));
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		errors += ret != NULL;
	}
	printf("total %ld, %ld errors\n", counter, errors);
	return destroy_dom((long)&lock) || errors;
}
