/* Class 1: the "system facts" the monitor opened for a replica alone were
 * opened with the replica's flags: writable, as the monitor (root), and
 * reached through ".." from their prefix. */
#include "attack.h"

int main(void)
{
	int a = attacker();
	char path[128];

	if (a) {
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/../%d/fd/1", (int)getppid());
		fd = open(path, O_WRONLY);
		if (fd >= 0)
			(void)!write(fd, "ATTACK\n", 7);
	}
	return finish(a);
}
