/* An AF_UNIX SOCK_STREAM socketpair within one process: send on one end,
 * recv on the other (MSG_PEEK leaves the bytes there), shutdown(SHUT_WR)
 * then recv returns 0, and a send on the shut end fails with EPIPE (with
 * MSG_NOSIGNAL: no SIGPIPE). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	char buf[64];
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	printf("send: %zd\n", send(sv[0], "hello, other end", 16, 0));
	n = recv(sv[1], buf, 5, MSG_PEEK);
	printf("peek: %zd '%.*s'\n", n, (int)n, buf);
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf("recv: %zd '%.*s'\n", n, (int)n, buf);
	printf("shutdown: %d\n", shutdown(sv[0], SHUT_WR));
	printf("recv after shutdown: %zd\n", recv(sv[1], buf, sizeof(buf), 0));
	n = send(sv[0], "x", 1, MSG_NOSIGNAL);
	printf("send on the shut end: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	printf("reverse send: %zd\n", send(sv[1], "back", 4, 0));
	n = recv(sv[0], buf, sizeof(buf), 0);
	printf("reverse recv: %zd '%.*s'\n", n, (int)n, buf);
	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
