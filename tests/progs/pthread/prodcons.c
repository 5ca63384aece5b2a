/* The thesis' Appendix A, unannotated: one producer puts the items 1 to
 * NITEMS into a bounded buffer, NCONSUMERS consumers take them, under one
 * mutex with two condition variables, each consumer printing the item it
 * took while it holds the lock. pthread_cond_signal, as the thesis has it:
 * which waiter it wakes is up to the kernel, so --pthread must make that the
 * same in every replica. The last line, the number and sum of the items
 * taken (100, 5050), is the same in any order; a lost or twice-taken item
 * changes it. */
#include <pthread.h>
#include <stdio.h>

#define NCONSUMERS 8
#define NITEMS 100
#define QSIZE 4

struct queue {
	pthread_mutex_t lock;
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

static void *consumer(void *arg)
{
	struct consumer *c = arg;
	struct queue *q = c->q;
	int item;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->count == 0 && !q->done)
			pthread_cond_wait(&q->not_empty, &q->lock);
		if (q->count == 0) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		item = q->items[q->head];
		q->head = (q->head + 1) % QSIZE;
		q->count--;
		pthread_cond_signal(&q->not_full);
		printf("consumer %d took item %d\n", c->id, item);
		pthread_mutex_unlock(&q->lock);
		c->taken++;
		c->sum += item;
	}
}

static void *producer(void *arg)
{
	struct queue *q = arg;
	int i;

	for (i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&q->lock);
		while (q->count == QSIZE)
			pthread_cond_wait(&q->not_full, &q->lock);
		q->items[(q->head + q->count) % QSIZE] = i;
		q->count++;
		pthread_cond_signal(&q->not_empty);
		pthread_mutex_unlock(&q->lock);
	}
	pthread_mutex_lock(&q->lock);
	q->done = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
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
	printf("prodcons: %d consumers, %d items\n", NCONSUMERS, NITEMS);
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
	return 0;
}
