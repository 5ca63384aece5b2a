/* io_setup, as libaio's io_queue_init makes it (MariaDB's InnoDB at its
 * start, after io_uring failed): where it fails with ENOSYS, as on a kernel
 * built without native AIO, the program falls back to plain reads; where
 * it works the context is destroyed unused. Either way the same lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	unsigned long ctx = 0; /* aio_context_t */
	long r;

	errno = 0;
	r = syscall(SYS_io_setup, 4, &ctx);
	if (r == 0)
		syscall(SYS_io_destroy, ctx);
	printf("io_setup: %s\n", r == 0 || errno == ENOSYS ? "a context, or ENOSYS" : strerror(errno));
	/* with no context, submit has nothing to act on */
	errno = 0;
	r = syscall(SYS_io_submit, 0UL, 0L, NULL);
	printf("io_submit on no context: %s\n",
	       r < 0 && (errno == EINVAL || errno == ENOSYS) ? "fails" : "succeeds");
	printf("done\n");
	return 0;
}
