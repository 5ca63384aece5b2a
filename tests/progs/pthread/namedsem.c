/* sembuf's bounded buffer with named semaphores (sem_open): slots and
 * items count the free and the full places, a third, binary one is the
 * lock. The names carry the process id, and are unlinked once open, so
 * runs side by side do not meet. NPRODUCERS producers put NITEMS items
 * each (producer p: p * 1000 + i), NCONSUMERS consumers take them and print
 * what they took while holding the lock; main then puts one end marker
 * (-1) per consumer. Then a fork child opens a fourth semaphore by name
 * and posts it, which main waits for: the child shares the name. The last
 * line (80 items, sum 121560, child posted) does not depend on the order
 * of the sem_wait calls. */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define NPRODUCERS 2
#define NCONSUMERS 4
#define NITEMS 40
#define QSIZE 4

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

static sem_t *named(const char *what, int oflag, unsigned value)
{
	char name[64];
	sem_t *s;

	snprintf(name, sizeof(name), "/namedsem-%d-%s", (int)getpid(), what);
	s = sem_open(name, oflag, 0600, value);
	if (s == SEM_FAILED) {
		perror(name);
		exit(1);
	}
	return s;
}

/* A new named semaphore, its name gone at once. */
static sem_t *make(const char *what, unsigned value)
{
	char name[64];
	sem_t *s = named(what, O_CREAT | O_EXCL, value);

	snprintf(name, sizeof(name), "/namedsem-%d-%s", (int)getpid(), what);
	if (sem_unlink(name)) {
		perror(name);
		exit(1);
	}
	return s;
}

/* A fork child opens "done" by name (main's process id: getppid) and
 * posts it. */
static int child_posts(void)
{
	sem_t *done = named("done", O_CREAT, 0);
	char name[64];
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		snprintf(name, sizeof(name), "/namedsem-%d-done", (int)getppid());
		sem_t *s = sem_open(name, 0);

		_exit(s == SEM_FAILED || sem_post(s) ? 1 : 0);
	}
	if (sem_wait(done) || waitpid(pid, &st, 0) != pid || st != 0)
		return -1;
	snprintf(name, sizeof(name), "/namedsem-%d-done", (int)getpid());
	return sem_close(done) || sem_unlink(name) ? -1 : 0;
}

int main(void)
{
	struct consumer c[NCONSUMERS];
	pthread_t p[NPRODUCERS], t[NCONSUMERS];
	long i, taken = 0, sum = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	printf("namedsem: %d producers, %d consumers\n", NPRODUCERS, NCONSUMERS);
	slots = make("slots", QSIZE);
	items = make("items", 0);
	lock = make("lock", 1);
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
	if (sem_close(slots) || sem_close(items) || sem_close(lock))
		return 1;
	printf("%ld items, sum %ld, child %s\n", taken, sum, child_posts() ? "failed" : "posted");
	return 0;
}
