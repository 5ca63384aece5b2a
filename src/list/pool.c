#include "list/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "calls/calls.h"
#include "os/creds.h"
#include "os/util.h"

#define POOL_MAX 256

struct job {
	struct entry *e;
	struct job *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct job *todo, *todo_tail;
static int idle, nthreads, queued;
static void (*done_cb)(struct entry *e);

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct job *j;
		bool as;

		pthread_mutex_lock(&lock);
		while (!todo) {
			idle++;
			pthread_cond_wait(&cond, &lock);
			idle--;
		}
		j = todo;
		todo = j->next;
		queued--;
		if (!todo)
			todo_tail = NULL;
		pthread_mutex_unlock(&lock);
		as = creds_enter(&j->e->creds);
		generic_run(j->e);
		if (as)
			creds_leave();
		done_cb(j->e);
		free(j);
	}
	return NULL;
}

void pool_init(void (*done)(struct entry *e))
{
	done_cb = done;
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
	queued++;
	/* Every blocked call holds a thread, so start one unless an idle one
	 * is left for this job: a woken worker counts as idle until it takes
	 * its job, so two jobs submitted before it does would otherwise both
	 * wait for it, and one would wait behind a call that may never end
	 * (an event loop's epoll_wait: memcached hung at start-up). */
	if (queued > idle && nthreads < POOL_MAX) {
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
