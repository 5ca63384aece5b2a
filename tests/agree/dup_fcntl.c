/* dup2(1, 10) and fcntl(1, F_DUPFD, 20) / F_DUPFD_CLOEXEC: the copies get
 * the numbers asked for (the lowest free one at or above 20), the close-on-
 * exec flag only where asked, and writes through them reach stdout, in
 * order, also once stdout itself is closed. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		_exit(2);
}

int main(void)
{
	char line[128];
	int d10 = dup2(1, 10), d20 = fcntl(1, F_DUPFD, 20), d21 = fcntl(1, F_DUPFD, 20);
	int dc = fcntl(1, F_DUPFD_CLOEXEC, 30);

	snprintf(line, sizeof(line), "dup2: %d, F_DUPFD: %d then %d, F_DUPFD_CLOEXEC: %d\n", d10,
		 d20, d21, dc);
	say(1, line);
	snprintf(line, sizeof(line), "FD_CLOEXEC: 10 %d, 20 %d, 30 %d\n",
		 fcntl(10, F_GETFD) & FD_CLOEXEC, fcntl(20, F_GETFD) & FD_CLOEXEC,
		 fcntl(30, F_GETFD) & FD_CLOEXEC);
	say(1, line);
	say(10, "through 10\n");
	say(20, "through 20\n");
	close(1);
	say(21, "through 21, stdout closed\n");
	snprintf(line, sizeof(line), "write to the closed 1: %zd\n", write(1, "x", 1));
	say(30, line);
	say(30, "done\n");
	return 0;
}
