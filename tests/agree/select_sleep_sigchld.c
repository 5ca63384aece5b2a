/* A sleep with select, interrupted by a child's SIGCHLD, then continued
 * for the time left, which the kernel wrote back into the timeout (as
 * Apache's parent sleeps while it reaps its children). The time left
 * differs by replica (the signal came at another moment in each): a
 * timeout the replica runs itself, on no descriptor, is not compared. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld;

static void on_chld(int sig)
{
	(void)sig;
	chld = 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_chld };
	struct timeval tv = { 0, 400000 };
	int st;
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		_exit(3);
	}
	while (select(0, NULL, NULL, NULL, &tv) < 0 && errno == EINTR)
		;
	waitpid(pid, &st, 0);
	printf("SIGCHLD seen: %d, child status %d\n", (int)chld, WEXITSTATUS(st));
	printf("done\n");
	return 0;
}
