/* Class 4: prlimit64 on the parent, which is replicant itself: as an
 * input the monitor ran it on its own pid. */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "attack.h"

int main(void)
{
	int a = attacker();
	struct rlimit one = { 1, 1 };

	if (a && prlimit(getppid(), RLIMIT_FSIZE, &one, NULL) == 0) {
		static const char msg[] = "ATTACK: the monitor's file size limit is 1\n";

		(void)!write(1, msg, sizeof(msg) - 1);
	}
	return finish(a);
}
