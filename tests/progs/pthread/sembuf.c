/* A bounded buffer made of semaphores only: slots and items count the
 * free and the full places, a third, binary one is the lock; unnamed ones
 * (sem_init), or named ones when namedsem.c includes this file.
 * NPRODUCERS producers put NITEMS items each (producer p: p * 1000 + i),
 * NCONSUMERS consumers take them and print what they took while holding
 * the lock; main then puts one end marker (-1) per consumer. Who takes
 * which item depends on the order of the sem_wait calls; the last line (80
 * items, sum 121560) does not. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

#define NPRODUCERS 2
#define NCONSUMERS 4
#define NITEMS 40
#define QSIZE 4

#ifndef PROG
#define PROG "sembuf"
/* Three unnamed semaphores. */
static void make_sems(sem_t **slots, sem_t **items, sem_t **lock)
{
	static sem_t s[3];

	if (sem_init(&s[0], 0, QSIZE) || sem_init(&s[1], 0, 0) || sem_init(&s[2], 0, 1))
		exit(1);
	*slots = &s[0], *items = &s[1], *lock = &s[2];
}

/* What the last line says after the sum. */
static const char *after(void)
{
	return "";
}
#endif

static sem_t *slots, *items, *lock;
static int buf[QSIZE], in, out;	/* the ring: put at in, take at out */

static void put(int item)
{
	sem_wait(slots);
	sem_wait(lock);
	buf[in] = item;
	in = (in + 1) % QSIZE;
	sem_post(lock);
	sem_post(items);
}

static void *producer(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < NITEMS; i++)
		put(id * 1000 + i);
	return NULL;
}

struct consumer {
	long id;
	long taken, sum;	/* the items this consumer took */
};

static void *consumer(void *arg)
{
	struct consumer *c = arg;
	int item;

	for (;;) {
		sem_wait(items);
		sem_wait(lock);
		item = buf[out];
		out = (out + 1) % QSIZE;
		if (item >= 0)
			printf("consumer %ld took %d\n", c->id, item);
		sem_post(lock);
		sem_post(slots);
		if (item < 0)
			return NULL;
		c->taken++;
		c->sum += item;
	}
}

int main(void)
{
	struct consumer c[NCONSUMERS];
	pthread_t p[NPRODUCERS], t[NCONSUMERS];
	long i, taken = 0, sum = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	/* before the threads: the first output (and its fstat) is main's */
	printf(PROG ": %d producers, %d consumers\n", NPRODUCERS, NCONSUMERS);
	make_sems(&slots, &items, &lock);
	for (i = 0; i < NCONSUMERS; i++) {
		c[i] = (struct consumer){ .id = i + 1 };
		if (pthread_create(&t[i], NULL, consumer, &c[i]))
			return 1;
	}
	for (i = 0; i < NPRODUCERS; i++)
		if (pthread_create(&p[i], NULL, producer, (void *)(i + 1)))
			return 1;
	for (i = 0; i < NPRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (i = 0; i < NCONSUMERS; i++)
		put(-1);
	for (i = 0; i < NCONSUMERS; i++) {
		pthread_join(t[i], NULL);
		taken += c[i].taken;
		sum += c[i].sum;
	}
	printf("%ld items, sum %ld%s\n", taken, sum, after());
	return 0;
}
