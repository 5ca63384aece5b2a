/* Process-shared objects: the parent puts a process-shared mutex, barrier
 * and semaphore in a shared anonymous mapping, then forks NPROC children of
 * NTHREADS threads each. Every thread makes ROUNDS rounds, each taking the
 * mutex (with pthread_mutex_lock on even rounds, a pthread_mutex_trylock
 * loop on odd ones) and printing the shared counter it adds its id to,
 * while holding it; the threads of all the children then meet at the
 * barrier, and its serial thread says so; each child posts the semaphore
 * once, and the parent waits for both posts, then for the children, and
 * prints the total. Threads of different processes race for the mutex,
 * so replicas agree only when they are ordered among the processes of a
 * replica, not only among a process's threads. */
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

struct shared {
	pthread_mutex_t lock;
	pthread_barrier_t barrier;
	sem_t done;
	long counter;		/* under lock */
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
	return NULL;
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

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		check(errno, "mmap");
	check(pthread_mutexattr_init(&ma), "pthread_mutexattr_init");
	check(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), "setpshared");
	check(pthread_mutex_init(&sh->lock, &ma), "pthread_mutex_init");
	check(pthread_barrierattr_init(&ba), "pthread_barrierattr_init");
	check(pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED), "setpshared");
	check(pthread_barrier_init(&sh->barrier, &ba, NPROC * NTHREADS), "pthread_barrier_init");
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
	say("total %ld\n", sh->counter);
	return 0;
}
