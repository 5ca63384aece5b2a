/* access() by a process that gave up root entirely (as Squid's pinger,
 * uid proxy, does before it execs): the monitor checks with that
 * process's real ids and no capabilities. It died taking those ids once it
 * had dropped its own capabilities first. Run as another user, the drop
 * fails alike plainly and replicated. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
		perror("drop");
		printf("done\n");
		return 0;
	}
	printf("passwd %d, shadow %d\n", access("/etc/passwd", R_OK), access("/etc/shadow", R_OK));
	printf("done\n");
	return 0;
}
