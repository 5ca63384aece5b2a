/* Calls io_uring_setup (425) by number: refused by replicant. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	unsigned char params[120]; /* struct io_uring_params */
	long r;

	memset(params, 0, sizeof(params));
	r = syscall(425, 4, params);
	printf("io_uring_setup: %s\n", r >= 0 ? "ok" : "failed");
	printf("done\n");
	return 0;
}
