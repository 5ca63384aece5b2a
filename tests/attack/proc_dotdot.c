/* Class 1: /proc/self/../PID leaves the replica's own /proc: through it,
 * replicant's (the parent's) standard output, written unvoted. */
#include "attack.h"

int main(void)
{
	int a = attacker();
	char path[64];

	if (a) {
		int fd;

		snprintf(path, sizeof(path), "/proc/self/../%d/fd/1", (int)getppid());
		fd = open(path, O_WRONLY);
		if (fd >= 0)
			(void)!write(fd, "ATTACK\n", 7);
	}
	return finish(a);
}
