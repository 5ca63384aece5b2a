/* Writes the address of one of its own functions into the file argv[1]:
 * differs between replicas under ASLR, so a replicated run must diverge and
 * no byte of it may reach the file. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void marker(void)
{
}

int main(int argc, char **argv)
{
	char buf[128];
	int fd, n;

	if (argc != 2) {
		fprintf(stderr, "usage: addrfile FILE\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	n = snprintf(buf, sizeof(buf), "marker at %p\ndone\n", (void *)marker);
	if (write(fd, buf, n) != n) {
		perror("write");
		return 1;
	}
	close(fd);
	return 0;
}
