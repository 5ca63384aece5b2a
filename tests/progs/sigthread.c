/* The initial thread blocks SIGHUP and SIGTERM; a second thread leaves
 * them unblocked and catches them with handlers. The kernel gives a
 * signal sent to the process to that thread. It says "ready", then "got
 * SIGHUP" and, on SIGTERM, "got SIGTERM" and ends; the initial thread, which
 * waits for it, says "stopped". */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hups, terms;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hups++;
	else
		terms++;
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(2);
}

static void *catcher(void *arg)
{
	sigset_t set;
	int seen = 0;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	say("ready\n");
	while (!terms) {
		pause();
		for (; seen < hups; seen++)
			say("got SIGHUP\n");
	}
	say("got SIGTERM\n");
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set;
	pthread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) || pthread_create(&t, NULL, catcher, NULL))
		return 1;
	pthread_join(t, NULL);
	say("stopped\n");
	return 0;
}
