/* A replica's crash is an effect too: replica 0 raised its core limit
 * (setrlimit runs in the replica) and crashed, and the kernel wrote its
 * memory into a file named core in the working directory, which no
 * majority chose. */
#include <signal.h>
#include <sys/resource.h>

#include "attack.h"

int main(void)
{
	int a = attacker();

	if (a) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_CORE, &rl) == 0)
			raise(SIGSEGV);
	}
	return finish(a);
}
