/* Class 2: a directory opened through /proc/self/cwd was the replica's own
 * descriptor, so unlinkat on it was performed unvoted. */
#include "attack.h"

int main(void)
{
	int a = attacker();

	if (a) {
		int dfd = open("/proc/self/cwd", O_RDONLY | O_DIRECTORY);

		if (dfd >= 0)
			unlinkat(dfd, "victim", 0);
	}
	return finish(a);
}
