/* /dev/fd/N, /dev/stdout: names of the process's own descriptors (bash
 * passes /dev/fd/63 for a process substitution). A pipe of its own read
 * back through /dev/fd/N, and stdout reopened as /dev/stdout, are the
 * replica's, not the monitor's descriptors of those numbers. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char path[32], buf[64] = { 0 };
	int p[2], fd;
	ssize_t n;

	if (pipe(p))
		return 1;
	if (write(p[1], "through /dev/fd\n", 16) != 16)
		return 1;
	close(p[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	printf("read %zd: %s", n, n > 0 ? buf : "(nothing)\n");
	fflush(stdout);
	fd = open("/dev/stdout", O_WRONLY);
	if (fd < 0 || write(fd, "through /dev/stdout\n", 20) != 20)
		printf("/dev/stdout: cannot write\n");
	printf("done\n");
	return 0;
}
