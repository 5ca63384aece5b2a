/* A SIGCHLD handler installed without SA_RESTART, as dash does; a child
 * exits at once while the parent makes argv[1] stat calls (default 10000),
 * half of "/" and half of a missing file: the signal arrives in the middle
 * of them. Prints how many succeeded and how many SIGCHLD were handled. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_chld(int sig)
{
	(void)sig;
	got++;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_chld }; /* no SA_RESTART */
	int n = argc > 1 ? atoi(argv[1]) : 10000, i, ok = 0, eintr = 0;
	struct stat st;
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(0);
	for (i = 0; i < n; i++) {
		if (stat(i % 2 ? "/no-such-file" : "/", &st) == 0)
			ok++;
		else if (errno == EINTR)
			eintr++;
	}
	while (waitpid(pid, NULL, 0) < 0)
		;
	printf("%d of %d stat calls succeeded, %d failed with EINTR, %d SIGCHLD handled\n", ok, n, eintr,
	       (int)got);
	return 0;
}
