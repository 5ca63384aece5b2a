/* Class 2: one private descriptor made the whole call private. A file
 * opened through /proc/self/cwd was the replica's own, and sendfile from it
 * to stdout (external) then ran in the replica: its bytes reached stdout
 * unvoted. The file (made by tests/t/98-attack.t) holds the word ATTACK. */
#include <sys/sendfile.h>

#include "attack.h"

int main(void)
{
	int a = attacker();

	if (a) {
		int fd = open("/proc/self/cwd/source", O_RDONLY);

		if (fd >= 0)
			sendfile(1, fd, NULL, 64);
	}
	return finish(a);
}
