/* poll(2) on a pipe: nothing to read (timeout 0) is 0 with no events, a
 * written byte makes it POLLIN, the write end is POLLOUT, closing the write
 * end gives POLLHUP once the data is read. */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

static void show(const char *what, struct pollfd *p, int n)
{
	int r = poll(p, n, 0), i;

	printf("%s: poll %d,", what, r);
	for (i = 0; i < n; i++)
		printf(" fd %d%s%s%s", i, p[i].revents & POLLIN ? " IN" : "",
		       p[i].revents & POLLOUT ? " OUT" : "", p[i].revents & POLLHUP ? " HUP" : "");
	printf("\n");
}

int main(void)
{
	int fds[2];
	char c;
	ssize_t n;
	struct pollfd p[2];

	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fds[1], .events = POLLOUT };
	show("empty", p, 2);
	if (write(fds[1], "z", 1) != 1)
		return 1;
	show("one byte", p, 2);
	close(fds[1]);
	show("write end closed", p, 1);
	c = '?';
	n = read(fds[0], &c, 1);
	printf("read: %zd '%c'\n", n, c);
	show("drained", p, 1);
	printf("read at EOF: %zd\n", read(fds[0], &c, 1));
	printf("done\n");
	return 0;
}
