/* Class 1: /proc/self/fd/1 reopened was taken for the replica's own file,
 * so what it wrote there reached stdout unvoted. */
#include "attack.h"

int main(void)
{
	int a = attacker();
	if (a) {
		int fd = open("/proc/self/fd/1", O_WRONLY);

		if (fd >= 0)
			(void)!write(fd, "ATTACK\n", 7);
	}
	return finish(a);
}
