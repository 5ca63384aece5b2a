/* A server's signal thread (MariaDB's): every thread blocks SIGHUP and
 * SIGTERM, and one thread takes them with sigwait. It says "ready" before
 * its first wait, "got SIGHUP" for each SIGHUP, and on SIGTERM "got
 * SIGTERM" and ends; the initial thread, which waits for it, says
 * "stopped". Sent to replicant, the signals must reach that thread. With
 * the argument "busy", the thread sleeps 1.5 s after "ready" before its
 * first wait: a signal sent then waits for it, as the kernel keeps it
 * pending for the process. With "caught", the thread unblocks them and
 * catches them with handlers instead: the kernel gives a signal sent to
 * the process to the one thread that does not block it. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sigset_t set;
static int busy, caught;
static volatile sig_atomic_t hups, terms;

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(2);
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hups++;
	else
		terms++;
}

/* Handlers: pause until a signal came, saying each SIGHUP, until SIGTERM. */
static void catch_them(void)
{
	struct sigaction sa;
	int seen = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	say("ready\n");
	while (!terms) {
		pause();
		for (; seen < hups; seen++)
			say("got SIGHUP\n");
	}
	say("got SIGTERM\n");
}

static void *signal_thread(void *arg)
{
	int sig = 0;

	(void)arg;
	if (caught) {
		catch_them();
		return NULL;
	}
	say("ready\n");
	if (busy) {
		struct timespec ts = { 1, 500000000 };

		nanosleep(&ts, NULL);
	}
	for (;;) {
		if (sigwait(&set, &sig))
			return NULL;
		if (sig == SIGHUP) {
			say("got SIGHUP\n");
		} else if (sig == SIGTERM) {
			say("got SIGTERM\n");
			return NULL;
		}
	}
}

int main(int argc, char **argv)
{
	pthread_t t;

	busy = argc > 1 && !strcmp(argv[1], "busy");
	caught = argc > 1 && !strcmp(argv[1], "caught");
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) || pthread_create(&t, NULL, signal_thread, NULL))
		return 1;
	pthread_join(t, NULL);
	say("stopped\n");
	return 0;
}
