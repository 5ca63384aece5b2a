/* Process-shared objects: the parent puts a process-shared mutex, barrier,
 * condition variable and semaphore in a shared anonymous mapping, then
 * forks NPROC children of NTHREADS threads each. Every thread makes ROUNDS
 * rounds, each taking the mutex (with pthread_mutex_lock on even rounds, a
 * pthread_mutex_trylock loop on odd ones) and printing the shared counter
 * it adds its id to, while holding it; the threads of all the children
 * then meet at the barrier, and its serial thread says so; then they
 * consume the ITEMS items the parent produces one at a time: it signals
 * one waiter per item (pthread_cond_signal) and waits until the item is
 * taken, so the waiter that the signal woke must be the one that takes it
 * in every replica, or a replica waits for a thread that was not woken. Each child posts the semaphore
 * once, and the parent waits for both posts, then for the children, and
 * prints the total. Threads of different processes race for the mutex and
 * for the items, so replicas agree only when those are ordered among the
 * processes of a replica, not only among a process's threads. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "say.h"

#define NPROC 2
#define NTHREADS 2
#define ROUNDS 10
#define ITEMS 20

struct shared {
	pthread_mutex_t lock;
	pthread_barrier_t barrier;
	pthread_cond_t more;	/* an item, or the end */
	pthread_cond_t taken_one; /* the item was taken */
	sem_t done;
	long counter;		/* under lock */
	int items, taken;	/* under lock: produced, consumed */
	int end;		/* under lock: no more items */
};

static struct shared *sh;

struct thread {
	int proc, id;		/* 1-based */
};

static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "pshared: %s: %s\n", what, strerror(err));
		exit(1);
	}
}

static int take(int round)
{
	int busy = 0, err;

	if (round % 2 == 0) {
		check(pthread_mutex_lock(&sh->lock), "pthread_mutex_lock");
		return 0;
	}
	while ((err = pthread_mutex_trylock(&sh->lock)) == EBUSY) {
		busy++;
		sched_yield();
	}
	check(err, "pthread_mutex_trylock");
	return busy;
}

static void *thread_start(void *arg)
{
	struct thread *t = arg;
	long id = t->proc * 10 + t->id;
	int r, busy, err;

	for (r = 0; r < ROUNDS; r++) {
		busy = take(r);
		sh->counter += id;
		say("process %d thread %d round %d: %d busy, counter %ld\n", t->proc, t->id, r, busy,
		    sh->counter);
		check(pthread_mutex_unlock(&sh->lock), "pthread_mutex_unlock");
	}
	err = pthread_barrier_wait(&sh->barrier);
	if (err == PTHREAD_BARRIER_SERIAL_THREAD)
		say("barrier: serial thread %d of process %d\n", t->id, t->proc);
	else
		check(err, "pthread_barrier_wait");
	check(pthread_mutex_lock(&sh->lock), "pthread_mutex_lock");
	for (;;) {
		while (sh->taken == sh->items && !sh->end)
			check(pthread_cond_wait(&sh->more, &sh->lock), "pthread_cond_wait");
		if (sh->taken == sh->items)
			break;
		say("process %d thread %d took item %d\n", t->proc, t->id, ++sh->taken);
		check(pthread_cond_signal(&sh->taken_one), "pthread_cond_signal");
	}
	check(pthread_mutex_unlock(&sh->lock), "pthread_mutex_unlock");
	return NULL;
}

static void produce(void)
{
	int i;

	for (i = 0; i < ITEMS; i++) {
		check(pthread_mutex_lock(&sh->lock), "pthread_mutex_lock");
		sh->items++;
		check(pthread_cond_signal(&sh->more), "pthread_cond_signal");
		while (sh->taken < sh->items)
			check(pthread_cond_wait(&sh->taken_one, &sh->lock), "pthread_cond_wait");
		check(pthread_mutex_unlock(&sh->lock), "pthread_mutex_unlock");
	}
	check(pthread_mutex_lock(&sh->lock), "pthread_mutex_lock");
	sh->end = 1;
	check(pthread_cond_broadcast(&sh->more), "pthread_cond_broadcast");
	check(pthread_mutex_unlock(&sh->lock), "pthread_mutex_unlock");
}

static void child(int proc)
{
	pthread_t tid[NTHREADS];
	struct thread t[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++) {
		t[i] = (struct thread){ .proc = proc, .id = i + 1 };
		check(pthread_create(&tid[i], NULL, thread_start, &t[i]), "pthread_create");
	}
	for (i = 0; i < NTHREADS; i++)
		check(pthread_join(tid[i], NULL), "pthread_join");
	if (sem_post(&sh->done))
		check(errno, "sem_post");
	exit(0);
}

static void setup(void)
{
	pthread_mutexattr_t ma;
	pthread_barrierattr_t ba;
	pthread_condattr_t ca;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		check(errno, "mmap");
	check(pthread_mutexattr_init(&ma), "pthread_mutexattr_init");
	check(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), "setpshared");
	check(pthread_mutex_init(&sh->lock, &ma), "pthread_mutex_init");
	check(pthread_barrierattr_init(&ba), "pthread_barrierattr_init");
	check(pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED), "setpshared");
	check(pthread_barrier_init(&sh->barrier, &ba, NPROC * NTHREADS), "pthread_barrier_init");
	check(pthread_condattr_init(&ca), "pthread_condattr_init");
	check(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), "setpshared");
	check(pthread_cond_init(&sh->more, &ca), "pthread_cond_init");
	check(pthread_cond_init(&sh->taken_one, &ca), "pthread_cond_init");
	if (sem_init(&sh->done, 1, 0))
		check(errno, "sem_init");
}

int main(void)
{
	pid_t pid[NPROC];
	int i, status;

	setup();
	say("pshared: %d processes, %d threads each, %d rounds\n", NPROC, NTHREADS, ROUNDS);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			check(errno, "fork");
		if (pid[i] == 0)
			child(i + 1);
	}
	produce();
	for (i = 0; i < NPROC; i++)
		while (sem_wait(&sh->done))
			if (errno != EINTR)
				check(errno, "sem_wait");
	for (i = 0; i < NPROC; i++) {
		if (waitpid(pid[i], &status, 0) < 0)
			check(errno, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			check(ECHILD, "a child failed");
	}
	check(pthread_mutex_destroy(&sh->lock), "pthread_mutex_destroy");
	check(pthread_barrier_destroy(&sh->barrier), "pthread_barrier_destroy");
	check(pthread_cond_destroy(&sh->more), "pthread_cond_destroy");
	check(pthread_cond_destroy(&sh->taken_one), "pthread_cond_destroy");
	say("total %ld, %d items\n", sh->counter, sh->taken);
	return 0;
}
