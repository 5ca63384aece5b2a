/* writev and readv with several iovecs, which the monitor runs as one
 * gathered buffer: three pieces to stdout as one call, the same three to
 * a file, and the file read back into three buffers of other sizes. Each
 * call returns the whole length, and the bytes land where they belong. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char a[] = "first piece, ", b[] = "second piece, ", c[] = "third piece\n";
	struct iovec out[3] = { { a, strlen(a) }, { b, strlen(b) }, { c, strlen(c) } };
	size_t total = strlen(a) + strlen(b) + strlen(c);
	char x[5] = { 0 }, y[20] = { 0 }, z[64] = { 0 }, path[] = "/tmp/agree-iov.XXXXXX";
	struct iovec in[3] = { { x, 4 }, { y, 19 }, { z, 63 } };
	ssize_t n;
	int fd;

	fflush(stdout);
	n = writev(1, out, 3);
	printf("writev to stdout: %zd of %zu\n", n, total);
	fd = mkstemp(path);
	if (fd < 0)
		return 1;
	printf("writev to a file: %zd\n", writev(fd, out, 3));
	if (lseek(fd, 0, SEEK_SET) != 0)
		return 1;
	n = readv(fd, in, 3);
	printf("readv: %zd: [%s] [%s] [%.*s]\n", n, x, y, (int)strcspn(z, "\n"), z);
	close(fd);
	unlink(path);
	printf("done\n");
	return 0;
}
