/* The workload of the benchmarks: COUNT iterations of one operation.
 *   sysloop getppid COUNT   an intercepted syscall that does no I/O
 *   sysloop write4k COUNT   a 4 KiB write to stdout (voted under replicant)
 *   sysloop stat COUNT      stat of a path (an input the monitor resolves)
 *   sysloop open COUNT      open and close of a file */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	long i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getppid|write4k|stat|open COUNT\n");
		return 2;
	}
	n = atol(argv[2]);
	memset(buf, 'x', sizeof(buf));
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "write4k")) {
		for (i = 0; i < n; i++)
			if (write(1, buf, sizeof(buf)) != sizeof(buf))
				return 1;
	} else if (!strcmp(argv[1], "stat")) {
		struct stat st;

		for (i = 0; i < n; i++)
			if (stat("/etc/passwd", &st) < 0)
				return 1;
	} else if (!strcmp(argv[1], "open")) {
		for (i = 0; i < n; i++) {
			int fd = open("/etc/passwd", O_RDONLY);

			if (fd < 0 || close(fd) < 0)
				return 1;
		}
	} else {
		return 2;
	}
	return 0;
}
