#include "list/pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "list/execute.h"
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

/* Calls a signal interrupts (pool_interrupt) until their worker is out of
 * the call: the signal may come just before the worker enters it, so it
 * is sent again at every tick of the main loop (pool_interrupt_retry). */
#define INTR_MAX 64
static struct entry *interrupting[INTR_MAX];

/* The signal that interrupts a worker's call: a handler without
 * SA_RESTART makes the call fail with EINTR. */
#define SIG_INTR (SIGRTMIN + 1)

static void on_intr(int sig)
{
	(void)sig;
}

static void forget(struct entry *e)
{
	int i;

	for (i = 0; i < INTR_MAX; i++)
		if (interrupting[i] == e)
			interrupting[i] = NULL;
}

/* Runs e in this worker, unless it was interrupted before it started. */
static void run_job(struct entry *e)
{
	bool as;

	pthread_mutex_lock(&lock);
	e->worker = e->cancel ? 0 : (pid_t)syscall(SYS_gettid);
	pthread_mutex_unlock(&lock);
	if (!e->worker) {
		e->ret = -EINTR;
		return;
	}
	as = execute_creds_enter(e);
	generic_run(e);
	if (as)
		creds_leave();
	pthread_mutex_lock(&lock);
	e->worker = 0;
	forget(e);
	pthread_mutex_unlock(&lock);
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct job *j;

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
		run_job(j->e);
		done_cb(j->e);
		free(j);
	}
	return NULL;
}

/* Calls a thread deferred while it held the monitor lock. Few: a listener
 * defers at most the one call it received, or the few its arrival let
 * run; past DEFER_MAX they run under the lock. */
#define DEFER_MAX 8
static __thread struct entry *deferred[DEFER_MAX];
static __thread int ndeferred;
static __thread bool running_deferred;

bool pool_defer_room(void)
{
	return ndeferred < DEFER_MAX;
}

void pool_defer(struct entry *e)
{
	if (ndeferred == DEFER_MAX)
		die("deferring a call: no room");
	deferred[ndeferred++] = e;
}

/* done_cb takes the lock and lets it go, which comes back here: the
 * outer call runs what that added. */
void pool_run_deferred(void)
{
	struct entry *e;

	if (running_deferred)
		return;
	running_deferred = true;
	while (ndeferred) {
		e = deferred[--ndeferred];
		execute_outside(e);
		done_cb(e);
	}
	running_deferred = false;
}

void pool_init(void (*done)(struct entry *e))
{
	struct sigaction sa = { .sa_handler = on_intr };

	done_cb = done;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_INTR, &sa, NULL) < 0)
		die_errno("sigaction for the workers' interruption");
}

static void send_intr(struct entry *e)
{
	if (e->worker && syscall(SYS_tgkill, getpid(), e->worker, SIG_INTR) < 0 && errno != ESRCH)
		die_errno("interrupting a worker");
}

void pool_interrupt(struct entry *e)
{
	int i;

	pthread_mutex_lock(&lock);
	if (!e->cancel) {
		e->cancel = true;
		for (i = 0; i < INTR_MAX && interrupting[i]; i++)
			;
		if (i < INTR_MAX && e->worker)
			interrupting[i] = e;
		send_intr(e);
	}
	pthread_mutex_unlock(&lock);
}

void pool_interrupt_retry(void)
{
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < INTR_MAX; i++)
		if (interrupting[i])
			send_intr(interrupting[i]);
	pthread_mutex_unlock(&lock);
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
