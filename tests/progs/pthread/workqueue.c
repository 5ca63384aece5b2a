/* A listener hands NJOBS jobs to a fixed pool of NWORKERS workers, as
 * Apache's worker MPM does (server/mpm/worker/fdqueue.c): a worker declares
 * itself idle (queue_info: a count and a condition variable the listener
 * waits on), then pops a job from the queue (its own mutex and condition
 * variable); the listener waits for an idle worker before it pushes a job,
 * so the queue never holds more jobs than there are workers. A worker logs
 * the job it took while it holds the queue's lock, then adds the job's
 * square to the results. Which worker gets which job depends on the lock
 * order; the last line (64 jobs, the sum of the squares 1..64: 89440) does
 * not. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NWORKERS 4
#define NJOBS 64

static struct queue_info {
	pthread_mutex_t lock;
	pthread_cond_t wait_for_idler;	/* the listener waits for idlers > 0 */
	int idlers;			/* workers ready for a job */
} info = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static struct fd_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;	/* workers wait for a job */
	int jobs[NWORKERS];		/* a ring of count jobs from head */
	int head, count;
	int terminated;			/* no job will come any more */
} queue = { .lock = PTHREAD_MUTEX_INITIALIZER, .not_empty = PTHREAD_COND_INITIALIZER };

static pthread_mutex_t results_lock = PTHREAD_MUTEX_INITIALIZER;
static long jobs_done, checksum;

static void set_idle(void)
{
	pthread_mutex_lock(&info.lock);
	if (info.idlers++ == 0)
		pthread_cond_signal(&info.wait_for_idler);
	pthread_mutex_unlock(&info.lock);
}

static void wait_for_idler(void)
{
	pthread_mutex_lock(&info.lock);
	while (info.idlers == 0)
		pthread_cond_wait(&info.wait_for_idler, &info.lock);
	info.idlers--;
	pthread_mutex_unlock(&info.lock);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	int job;

	for (;;) {
		set_idle();
		pthread_mutex_lock(&queue.lock);
		while (queue.count == 0 && !queue.terminated)
			pthread_cond_wait(&queue.not_empty, &queue.lock);
		if (queue.count == 0) {
			pthread_mutex_unlock(&queue.lock);
			return NULL;
		}
		job = queue.jobs[queue.head];
		queue.head = (queue.head + 1) % NWORKERS;
		queue.count--;
		printf("worker %ld took job %d\n", id, job);
		pthread_mutex_unlock(&queue.lock);

		pthread_mutex_lock(&results_lock);
		jobs_done++;
		checksum += (long)job * job;
		pthread_mutex_unlock(&results_lock);
	}
}

int main(void)
{
	pthread_t t[NWORKERS];
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("workqueue: %d workers, %d jobs\n", NWORKERS, NJOBS);
	for (i = 0; i < NWORKERS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)))
			return 1;
	/* the listener */
	for (i = 1; i <= NJOBS; i++) {
		wait_for_idler();
		pthread_mutex_lock(&queue.lock);
		if (queue.count == NWORKERS)
			abort();	/* more jobs than idle workers: a bug */
		queue.jobs[(queue.head + queue.count) % NWORKERS] = i;
		queue.count++;
		pthread_cond_signal(&queue.not_empty);
		pthread_mutex_unlock(&queue.lock);
	}
	pthread_mutex_lock(&queue.lock);
	queue.terminated = 1;
	pthread_cond_broadcast(&queue.not_empty);
	pthread_mutex_unlock(&queue.lock);
	for (i = 0; i < NWORKERS; i++)
		pthread_join(t[i], NULL);
	printf("%ld jobs done, checksum %ld\n", jobs_done, checksum);
	return 0;
}
