/* Sleeps in short select() calls with no descriptors (how APR sleeps:
 * Apache's parent between its looks at its children) until SIGTERM, whose
 * handler sets a flag; then prints how many sleeps it made and exits 5.
 * Such a select is a call each replica makes in its own kernel, and the
 * signal must come at the same one in every replica. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	struct sigaction sa;
	long i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	if (sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("sigaction");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; !stop; i++) {
		struct timeval tv = { 0, 200 };

		select(0, NULL, NULL, NULL, &tv);
	}
	printf("stopped after %ld sleeps\n", i);
	return 5;
}
