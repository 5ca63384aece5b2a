/* A replica that passes another object over a socketpair than its peers:
 * each replica's child sends its parent stdout (SCM_RIGHTS), but the last
 * replica's sends stdin. Descriptors are judged by the objects they name,
 * so that sendmsg is a divergence, and the parent never writes through
 * what it received. Run alone (index 0 of 1) it sends stdout, and the
 * parent writes "through the passed descriptor" there. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replica_index.h"

int main(void)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	int nkids = 0, idx = replica_index(&nkids), sv[2], fd, st;
	struct cmsghdr *c;
	char byte;
	pid_t pid;

	if (idx < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 2;
	pid = fork();
	if (pid == 0) {
		fd = nkids > 1 && idx == nkids - 1 ? 0 : 1;
		memset(&u, 0, sizeof(u));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
		return sendmsg(sv[1], &m, 0) == 1 ? 0 : 1;
	}
	iov.iov_base = &byte;
	if (recvmsg(sv[0], &m, 0) != 1 || !(c = CMSG_FIRSTHDR(&m)) || c->cmsg_type != SCM_RIGHTS)
		return 1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	dprintf(fd, "through the passed descriptor\n");
	waitpid(pid, &st, 0);
	return 0;
}
