/* A reader that stops early on a socketpair: the child writes 1 KiB
 * messages until the write fails, the parent reads 64 KiB and closes its
 * end. How much the child wrote before EPIPE is timing (what the socket
 * held when the parent closed), so it differs from run to run; replicas
 * agree only if it is decided once for all of them (one socketpair the
 * monitor runs, calls/fd.c), as it is for a pipe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK 1024
#define WANT (64 * CHUNK)

int main(void)
{
	char buf[CHUNK];
	long total = 0;
	ssize_t n;
	int sv[2], st;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(sv[0]);
		memset(buf, 'x', sizeof(buf));
		while ((n = send(sv[1], buf, sizeof(buf), MSG_NOSIGNAL)) > 0)
			total += n;
		printf("child: wrote %ld KiB, then %s\n", total / CHUNK,
		       n < 0 ? strerror(errno) : "0");
		return 0;
	}
	close(sv[1]);
	while (total < WANT && (n = read(sv[0], buf, sizeof(buf))) > 0)
		total += n;
	close(sv[0]);
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	printf("parent: read %ld KiB, child status %d\n", total / CHUNK,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
