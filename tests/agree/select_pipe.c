/* select(2) on a replica's own pipe (README: select works on private pipes
 * and sockets): with a zero timeout, an empty pipe is not readable and its
 * write end is writable; a written byte makes the read end readable; with
 * the write end closed and the byte read, the read end is readable (EOF). */
#include <stdio.h>
#include <sys/select.h>
#include <unistd.h>

static int fds[2];

static void show(const char *what, int with_write_end)
{
	struct timeval tv = { 0, 0 };
	fd_set r, w;
	int n;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fds[0], &r);
	if (with_write_end)
		FD_SET(fds[1], &w);
	n = select((with_write_end ? fds[1] : fds[0]) + 1, &r, &w, NULL, &tv);
	printf("%s: select %d, read end %s, write end %s\n", what, n,
	       FD_ISSET(fds[0], &r) ? "readable" : "not readable",
	       with_write_end ? (FD_ISSET(fds[1], &w) ? "writable" : "not writable") : "closed");
}

int main(void)
{
	char c = '?';
	ssize_t n;

	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	show("empty", 1);
	if (write(fds[1], "z", 1) != 1)
		return 1;
	show("one byte", 1);
	close(fds[1]);
	n = read(fds[0], &c, 1);
	printf("read: %zd '%c'\n", n, c);
	show("write end closed, drained", 0);
	printf("read at EOF: %zd\n", read(fds[0], &c, 1));
	printf("done\n");
	return 0;
}
