/* readv(2) from a file into 3 buffers of 4, 6 and 64 bytes: the first two
 * are filled, the third gets the rest; a second readv at the end returns 0. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/replicant-agree-readv.XXXXXX";
	const char text[] = "abcdEFGHIJ the rest of the file\n";
	char a[4], b[6], c[64] = "";
	struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	int fd = mkstemp(path);
	ssize_t n, n2;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		perror("set up");
		return 1;
	}
	n = readv(fd, iov, 3);
	n2 = readv(fd, iov, 3);
	close(fd);
	unlink(path);
	printf("readv returned %zd (file %zu), then %zd\n", n, strlen(text), n2);
	printf("buffer 0: %.4s\nbuffer 1: %.6s\nbuffer 2: %.*s", a, b, (int)(n - 10), c);
	printf("done\n");
	return 0;
}
