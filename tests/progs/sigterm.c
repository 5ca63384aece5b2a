/* Counts lines written until SIGTERM; the handler sets a flag, the loop
 * prints where it stopped and exits 5. Every replica must stop at the same
 * line. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	char buf[64];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; !stop; i++) {
		int n = snprintf(buf, sizeof(buf), "line %ld\n", i);

		if (write(1, buf, n) != n)
			return 1;
		usleep(1000);
	}
	printf("stopped after %ld lines\n", i);
	return 5;
}
