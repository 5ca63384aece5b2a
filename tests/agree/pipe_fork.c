/* A pipe from a forked child to its parent: the child writes 20 numbered
 * lines and exits 7; the parent reads them all to EOF (after closing its
 * write end), prints them, and waitpid gives it the child's status. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2], status = -1, i;
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	pid_t pid, w;

	if (pipe(p)) {
		perror("pipe");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (i = 0; i < 20; i++) {
			char line[32];
			int len = snprintf(line, sizeof(line), "child line %d\n", i);

			if (write(p[1], line, len) != len)
				_exit(1);
		}
		_exit(7);
	}
	close(p[1]);
	while ((n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	w = waitpid(pid, &status, 0);
	fputs(buf, stdout);
	printf("read %zu bytes, last read %zd\n", got, n);
	printf("waitpid: %s, exited %d, status %d\n", w == pid ? "the child" : "another",
	       WIFEXITED(status), WEXITSTATUS(status));
	printf("done\n");
	return 0;
}
