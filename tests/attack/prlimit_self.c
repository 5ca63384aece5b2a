/* Class 4: setrlimit in the program (prlimit64 with pid 0) ran in the
 * monitor with pid 0, the monitor: a file size limit of 1 byte killed
 * replicant with SIGXFSZ. Now it limits the replica itself only. */
#include <sys/resource.h>

#include "attack.h"

int main(void)
{
	int a = attacker();
	struct rlimit one = { 1, 1 };

	if (a)
		setrlimit(RLIMIT_FSIZE, &one);
	return finish(a);
}
