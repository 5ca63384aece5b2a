/* A replica's crash is an effect too: replica 0 raised its core limit
 * (setrlimit runs in the replica; with a thread started it is not even
 * compared) and crashed, and the kernel wrote its memory into a file
 * named core in the working directory, which no majority chose. */
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include "attack.h"

static void *idle(void *arg)
{
	pause();
	return arg;
}

int main(void)
{
	int a = attacker();
	pthread_t t;

	if (pthread_create(&t, NULL, idle, NULL))
		return 1;
	if (a) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_CORE, &rl) == 0)
			raise(SIGSEGV);
	}
	return finish(a);
}
