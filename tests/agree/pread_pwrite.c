/* pwrite(2) and pread(2) at offsets of a temporary file: they leave the
 * file offset where it was (0 after the pwrites, 3 after a read of 3), a
 * pwrite past the end leaves a hole of zeros, and pread past the end
 * returns 0. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/replicant-agree-pread.XXXXXX";
	char buf[32];
	int fd = mkstemp(path), i;
	ssize_t n;

	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	printf("pwrite at 0: %zd\n", pwrite(fd, "0123456789", 10, 0));
	printf("pwrite at 4: %zd\n", pwrite(fd, "ab", 2, 4));
	printf("pwrite at 16: %zd\n", pwrite(fd, "XY", 2, 16));
	printf("offset after the pwrites: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	n = read(fd, buf, 3);
	printf("read 3: %zd '%.3s', offset %ld\n", n, buf, (long)lseek(fd, 0, SEEK_CUR));
	n = pread(fd, buf, sizeof(buf), 2);
	printf("pread at 2: %zd bytes:", n);
	for (i = 0; i < n; i++)
		printf(" %02x", (unsigned char)buf[i]);
	printf("\noffset after pread: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	printf("pread at 100: %zd\n", pread(fd, buf, sizeof(buf), 100));
	close(fd);
	unlink(path);
	printf("done\n");
	return 0;
}
