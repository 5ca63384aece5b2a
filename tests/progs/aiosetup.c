/* Calls io_setup (206, Linux native AIO) by number: refused by replicant. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	unsigned long ctx = 0; /* aio_context_t */
	long r;

	r = syscall(206, 4, &ctx);
	printf("io_setup: %s\n", r >= 0 ? "ok" : "failed");
	printf("done\n");
	return 0;
}
