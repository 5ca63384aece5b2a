/* The thesis' Appendix A, annotated by hand: tests/progs/pthread/prodcons.c
 * (one producer, NCONSUMERS consumers, a bounded buffer, one mutex, two
 * condition variables) with a sequential region around every critical
 * section, so that every replica's consumers take the same items in the
 * same order. The last line: 100 items, sum 5050.
 *
 * Two changes from the unannotated program, because a thread waiting on a
 * condition variable must not hold the region (lib/README.md), and the
 * thesis' alias_dom trick, leaving the region on the futex wait, does not
 * exist here:
 *  - cond_wait_seq() leaves the region before pthread_cond_wait and comes
 *    back in after it, taking the mutex again only once it is its turn (a
 *    thread that waits for its turn while holding the mutex would block the
 *    thread whose turn it is);
 *  - the producer wakes the consumers with pthread_cond_broadcast, not
 *    pthread_cond_signal: the kernel may wake different consumers in
 *    different replicas, and a replica whose consumer next in the region's
 *    order was not woken would wait for it for ever. Woken all, each
 *    re-checks the buffer in region order. (Only the producer waits on
 *    not_full, so signalling it is the same in every replica.) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <replicant.h>

#define NCONSUMERS 8
#define NITEMS 100
#define QSIZE 4

struct queue {
	pthread_mutex_t lock;		/* also the label of the domain */
	pthread_cond_t not_empty;	/* consumers wait for an item */
	pthread_cond_t not_full;	/* the producer waits for a slot */
	int items[QSIZE];		/* a ring of count items from head */
	int head, count;
	int done;			/* the producer has put its last item */
};

struct consumer {
	struct queue *q;
	int id;
	long taken, sum;		/* the items this consumer took */
};

static struct queue queue = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
};

static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "prodcons_seq: %s: %s\n", what, strerror(err));
		exit(3);
	}
}

/* Enters the region of the queue's domain, then takes its lock. */
static void enter(struct queue *q)
{
	check(BEGIN_SEQ_REGION(&q->lock), "BEGIN_SEQ_REGION");
	pthread_mutex_lock(&q->lock);
}

static void leave(struct queue *q)
{
	pthread_mutex_unlock(&q->lock);
	check(END_SEQ_REGION(&q->lock), "END_SEQ_REGION");
}

/* pthread_cond_wait outside the region: called and returns inside it, with
 * the lock held. */
static void cond_wait_seq(pthread_cond_t *cond, struct queue *q)
{
	check(END_SEQ_REGION(&q->lock), "END_SEQ_REGION before the wait");
	pthread_cond_wait(cond, &q->lock);
	pthread_mutex_unlock(&q->lock);
	enter(q);
}

static void *consumer(void *arg)
{
	struct consumer *c = arg;
	struct queue *q = c->q;
	int item;

	for (;;) {
		enter(q);
		while (q->count == 0 && !q->done)
			cond_wait_seq(&q->not_empty, q);
		if (q->count == 0) {
			leave(q);
			return NULL;
		}
		item = q->items[q->head];
		q->head = (q->head + 1) % QSIZE;
		q->count--;
		pthread_cond_signal(&q->not_full);
		printf("consumer %d took item %d\n", c->id, item);
		leave(q);
		c->taken++;
		c->sum += item;
	}
}

static void *producer(void *arg)
{
	struct queue *q = arg;
	int i;

	for (i = 1; i <= NITEMS; i++) {
		enter(q);
		while (q->count == QSIZE)
			cond_wait_seq(&q->not_full, q);
		q->items[(q->head + q->count) % QSIZE] = i;
		q->count++;
		pthread_cond_broadcast(&q->not_empty);
		leave(q);
	}
	enter(q);
	q->done = 1;
	pthread_cond_broadcast(&q->not_empty);
	leave(q);
	return NULL;
}

int main(void)
{
	struct consumer c[NCONSUMERS];
	pthread_t p, t[NCONSUMERS];
	long taken = 0, sum = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf("prodcons_seq: %d consumers, %d items\n", NCONSUMERS, NITEMS);
	/* one domain for the one lock, before the threads start */
	check(init_dom((long)&queue.lock), "init_dom");
	for (i = 0; i < NCONSUMERS; i++) {
		c[i] = (struct consumer){ .q = &queue, .id = i + 1 };
		if (pthread_create(&t[i], NULL, consumer, &c[i]))
			return 1;
	}
	if (pthread_create(&p, NULL, producer, &queue))
		return 1;
	pthread_join(p, NULL);
	for (i = 0; i < NCONSUMERS; i++) {
		pthread_join(t[i], NULL);
		taken += c[i].taken;
		sum += c[i].sum;
	}
	printf("%ld items, sum %ld\n", taken, sum);
	check(destroy_dom((long)&queue.lock), "destroy_dom");
	return 0;
}
