/* killflag [epoll|cond|exiting]: one thread signals another, then reads
 * with no lock a flag that the signalled thread sets as it stops: Apache's
 * worker and event MPMs stop their listener so (wakeup_listener(), then
 * `while (!dying)` in join_workers()).
 *
 * The listener waits in epoll_wait on an idle socket (epoll) or in a
 * condition variable that nobody signals (cond: a signal does not end that
 * wait). The main thread waits until it is there, sends SIGUSR1 with
 * pthread_kill and reads `dying` at once. Under replicant the library lets
 * a pthread_kill return once the thread it signalled left the wait it was
 * in and is quiet again, or ended: so every replica reads 1 (epoll). A
 * signal that ends no wait (cond) is waited for a bounded time, then the
 * call returns as before: `dying` stays 0 there.
 *
 * exiting: eight workers are told to stop and signalled at once, as
 * Apache's join_workers() does. glibc sends nothing to a thread that is
 * exiting (no getpid, no tgkill), so whether a worker was that far made
 * the calls differ between replicas; the library waits for each to end or
 * wait first. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile int dying;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER, never = PTHREAD_COND_INITIALIZER;
static int ready, use_cond;

static void on_usr1(int sig)
{
	(void)sig;
}

static void *listener(void *arg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int s, ep, r = 0;

	(void)arg;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ep = epoll_create1(0);
	if (s < 0 || ep < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev)) {
		perror("listener");
		return NULL;
	}
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&cv);
	if (use_cond)
		pthread_cond_wait(&never, &m);	/* SIGUSR1 does not end it */
	pthread_mutex_unlock(&m);
	if (!use_cond)
		r = epoll_wait(ep, &out, 1, -1);
	/* what a listener does on its way out: calls the monitor sees */
	close(s);
	close(ep);
	dying = 1;
	if (use_cond)
		printf("listener: out of its wait\n");
	else
		printf("listener: epoll_wait %d (%s)\n", r, r < 0 ? strerror(errno) : "an event");
	fflush(stdout);
	return NULL;
}

#define WORKERS 8
static int stop;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	ready++;
	pthread_cond_broadcast(&cv);
	while (!stop)
		pthread_cond_wait(&go, &m);
	pthread_mutex_unlock(&m);
	getppid();	/* on its way out: a call the monitor sees */
	return NULL;
}

static int exiting(void)
{
	pthread_t t[WORKERS];
	int i, sent = 0;

	for (i = 0; i < WORKERS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	pthread_mutex_lock(&m);
	while (ready < WORKERS)
		pthread_cond_wait(&cv, &m);
	stop = 1;
	pthread_cond_broadcast(&go);
	pthread_mutex_unlock(&m);
	for (i = 0; i < WORKERS; i++)
		sent += pthread_kill(t[i], SIGUSR1) == 0;
	for (i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	printf("pthread_kill answered 0 for %d of %d stopping workers\n", sent, WORKERS);
	printf("done\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec nap = { 0, 100000000 };	/* into its epoll_wait */
	pthread_t t;
	int seen;

	use_cond = argc > 1 && !strcmp(argv[1], "cond");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: the wait ends, EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "exiting"))
		return exiting();
	if (pthread_create(&t, NULL, listener, NULL)) {
		perror("start");
		return 1;
	}
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	nanosleep(&nap, NULL);
	if (pthread_kill(t, SIGUSR1)) {
		perror("pthread_kill");
		return 1;
	}
	seen = dying;
	printf("main: dying is %d after pthread_kill\n", seen);
	fflush(stdout);
	if (use_cond) {
		pthread_mutex_lock(&m);
		pthread_cond_signal(&never);
		pthread_mutex_unlock(&m);
	}
	pthread_join(t, NULL);
	printf("done\n");
	return 0;
}
