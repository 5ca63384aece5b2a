/* Class 1: a file created through /proc/self/root was the replica's own
 * business, created and filled unvoted. argv[1]: the directory to create
 * it in (absolute). */
#include <limits.h>

#include "attack.h"

int main(int argc, char **argv)
{
	int a = attacker();
	char path[PATH_MAX + 64];

	if (argc > 1 && a) {
		int fd;

		snprintf(path, sizeof(path), "/proc/self/root%s/created", argv[1]);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			(void)!write(fd, "ATTACK\n", 7);
	}
	return finish(a);
}
