/* Stores through a shared mapping of a file reach no file: every replica
 * maps the victim shared and writable, as it may, and the attacker writes
 * into its mapping and syncs it. Each replica maps its own copy
 * (src/model/shadows.h): the victim keeps what it held, and the run goes
 * on (the stores are the attacker's own memory, not an output). */
#include <sys/mman.h>

#include "attack.h"

int main(int argc, char **argv)
{
	int a = attacker(), fd;
	char path[4096];
	char *m;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/victim", argv[1]);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return 2;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 2;
	if (a) {
		memcpy(m, "ATTACK\n", 7);
		msync(m, 4096, MS_SYNC);
	}
	munmap(m, 4096);
	close(fd);
	return finish(a);
}
