/* One read of 40 MiB, more than the monitor captures at once (16 MiB):
 * the kernel must be given the shorter length too, or it writes past the
 * monitor's buffer. Prints each read's size and a checksum. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
/* one read of 40 MiB: the monitor captures 16 MiB at a time */
int main(int argc, char **argv)
{
	size_t n = 40u << 20, got = 0;
	char *buf = malloc(n);
	int fd = open(argv[1], O_RDONLY);
	ssize_t r;
	unsigned long sum = 0;

	while ((r = read(fd, buf, n)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		got += r;
		printf("read %zd\n", r);
	}
	printf("total %zu sum %lu\n", got, sum);
	return 0;
}
