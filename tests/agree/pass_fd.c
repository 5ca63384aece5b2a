/* Descriptors passed over a socketpair (SCM_RIGHTS) between a parent and
 * its child: the child sends a pipe's read end and a file it opened, with
 * two bytes of data, in one message; the parent reads both through the
 * descriptors it received. Then the parent sends the child a descriptor
 * back over the other end, with MSG_CMSG_CLOEXEC on the child's side, and
 * a message with no descriptors whose control buffer stays empty. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_fds(int sock, const char *data, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (n) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	return (int)sendmsg(sock, &m, 0);
}

/* Receives into fds (at most 4); returns the count of descriptors, -1 on error. */
static int recv_fds(int sock, char *data, size_t len, int *fds, int flags)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { data, len - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t got;
	int n = 0;

	got = recvmsg(sock, &m, flags);
	if (got < 0)
		return -1;
	data[got] = 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	}
	printf("received '%s', %d descriptor(s), controllen %s, flags %d\n", data, n,
	       m.msg_controllen ? "set" : "0", m.msg_flags);
	return n;
}

static void child(int sock)
{
	char path[] = "/tmp/replicant-pass-fd.XXXXXX", data[32];
	int p[2], fds[2], f, got[4];

	if (pipe(p) || write(p[1], "through the pipe", 16) != 16)
		exit(1);
	f = mkstemp(path);
	if (f < 0 || write(f, "from the file", 13) != 13)
		exit(1);
	close(f);
	f = open(path, O_RDONLY);
	unlink(path);
	fds[0] = p[0];
	fds[1] = f;
	if (send_fds(sock, "hi", fds, 2) != 2)
		exit(1);
	close(p[0]);
	close(p[1]);
	close(f);
	if (recv_fds(sock, data, sizeof(data), got, MSG_CMSG_CLOEXEC) != 1)
		exit(1);
	printf("child: close-on-exec %s\n", fcntl(got[0], F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	fflush(stdout);
	close(got[0]);
	if (recv_fds(sock, data, sizeof(data), got, 0) != 0)
		exit(1);
	exit(0);
}

int main(void)
{
	int sv[2], fds[4], n, st, i;
	char data[32], buf[64];
	ssize_t r;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child(sv[1]);
	}
	close(sv[1]);
	n = recv_fds(sv[0], data, sizeof(data), fds, 0);
	if (n != 2)
		return 1;
	for (i = 0; i < n; i++) {
		r = read(fds[i], buf, sizeof(buf));
		printf("descriptor %d: '%.*s', close-on-exec %s\n", i, (int)(r > 0 ? r : 0), buf,
		       fcntl(fds[i], F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	}
	if (send_fds(sv[0], "back", fds + 1, 1) != 4 || send_fds(sv[0], "none", NULL, 0) != 4)
		return 1;
	close(fds[0]);
	close(fds[1]);
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("done\n");
	return 0;
}
