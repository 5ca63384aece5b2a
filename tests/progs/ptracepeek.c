/* Calls ptrace (101) by number, a request that would only fail (no such
 * tracee): refused by replicant. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long r = syscall(101, 2 /* PTRACE_PEEKDATA */, 0, 0, 0);

	printf("ptrace: %s\n", r >= 0 ? "ok" : "failed");
	printf("done\n");
	return 0;
}
