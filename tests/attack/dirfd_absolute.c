/* Class 2: a call whose path is absolute ignores its directory descriptor,
 * but a replica's own descriptor there (a /proc/self file) made the call
 * the replica's own: unlinkat of an absolute path was performed unvoted. */
#include "attack.h"

int main(int argc, char **argv)
{
	int a = attacker();

	if (a && argc > 1) {
		int dfd = open("/proc/self/status", O_RDONLY);
		char path[4096];

		snprintf(path, sizeof(path), "%s/victim", argv[1]);
		if (dfd >= 0)
			unlinkat(dfd, path, 0);
	}
	return finish(a);
}
