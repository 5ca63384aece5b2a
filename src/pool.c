#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "monitor.h"
#include "util.h"

#define POOL_MAX 256

struct job {
	struct entry *e;
	struct job *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct job *todo, *todo_tail, *done;
static int idle, nthreads, efd = -1;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct job *j;
		uint64_t one = 1;

		while (!todo) {
			idle++;
			pthread_cond_wait(&cond, &lock);
			idle--;
		}
		j = todo;
		todo = j->next;
		if (!todo)
			todo_tail = NULL;
		pthread_mutex_unlock(&lock);
		exec_run(j->e);
		pthread_mutex_lock(&lock);
		j->next = done;
		done = j;
		if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			die_errno("eventfd write");
	}
	return NULL;
}

int pool_init(void)
{
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		die_errno("eventfd");
	return efd;
}

void pool_submit(struct entry *e)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->e = e;
	pthread_mutex_lock(&lock);
	if (todo_tail)
		todo_tail->next = j;
	else
		todo = j;
	todo_tail = j;
	/* Every blocked call holds a thread, so start one unless one is idle. */
	if (idle == 0 && nthreads < POOL_MAX) {
		pthread_t t;
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 64 << 10);
		if (pthread_create(&t, &attr, worker, NULL) != 0)
			die("cannot start a worker thread");
		pthread_attr_destroy(&attr);
		nthreads++;
	} else {
		pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&lock);
}

struct entry *pool_take_done(void)
{
	struct entry *e = NULL;
	struct job *j;
	uint64_t v;

	pthread_mutex_lock(&lock);
	j = done;
	if (j) {
		done = j->next;
		e = j->e;
	}
	pthread_mutex_unlock(&lock);
	free(j);
	if (!e && read(efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		die_errno("eventfd read");
	return e;
}
