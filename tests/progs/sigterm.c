/* Counts lines written until SIGTERM; the handler sets a flag, the loop
 * prints where it stopped and exits 5. Every replica must stop at the same
 * line. With "select": writes nothing, and sleeps in short select() calls
 * with no descriptors instead (how APR sleeps: Apache's parent between its
 * looks at its children), a call each replica makes in its own kernel;
 * the signal must come at the same one in every replica. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long sleeps(void)
{
	long i;

	printf("ready\n");
	fflush(stdout);
	for (i = 0; !stop; i++) {
		struct timeval tv = { 0, 200 };

		select(0, NULL, NULL, NULL, &tv);
	}
	return i;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	long i;
	char buf[64];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (argc > 1 && !strcmp(argv[1], "select")) {
		printf("stopped after %ld sleeps\n", sleeps());
		return 5;
	}
	for (i = 0; !stop; i++) {
		int n = snprintf(buf, sizeof(buf), "line %ld\n", i);

		if (write(1, buf, n) != n)
			return 1;
		usleep(1000);
	}
	printf("stopped after %ld lines\n", i);
	return 5;
}
