/* setpriority of the caller's own process (pam_limits does it under su):
 * the replica's own kernel applies it, and getpriority reads it back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

int main(void)
{
	int r = setpriority(PRIO_PROCESS, 0, 5);

	printf("setpriority(self, 5): %d %s\n", r, r ? strerror(errno) : "");
	errno = 0;
	r = getpriority(PRIO_PROCESS, 0);
	printf("getpriority(self): %d\n", r);
	printf("done\n");
	return 0;
}
