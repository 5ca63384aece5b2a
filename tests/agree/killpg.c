/* Signals to process groups (killpg, kill(0), kill(-pgrp)): the parent
 * makes a group of its own with two children in it, and a third child
 * that leads a group of its own; killpg of the parent's group reaches the
 * parent and its two children, not the third, and kill(-pgrp) of the
 * third's group reaches it. Under replicant these reach the replica's own
 * processes in that group; before, kill(-pgrp) answered ESRCH (the id's
 * upper half was read as part of it) and kill(0) reached only the caller. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

/* A child: tells the parent it is ready, waits for SIGUSR1 (or SIGTERM,
 * which kills it), exits 7 once it came. */
static pid_t child(int ready, int own_group)
{
	sigset_t none;
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (own_group && setpgid(0, 0))
		exit(2);
	sigemptyset(&none);
	if (write(ready, "r", 1) != 1)
		exit(3);
	while (!got)
		sigsuspend(&none);
	exit(7);
}

static const char *how(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 7)
		return "got SIGUSR1";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
		return "ended by SIGTERM";
	return "something else";
}

int main(void)
{
	struct sigaction sa;
	sigset_t usr1;
	pid_t kids[3];
	int p[2], i, status;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_BLOCK, &usr1, NULL) || pipe(p) ||
	    setpgid(0, 0))
		return 1;
	for (i = 0; i < 3; i++)
		kids[i] = child(p[1], i == 2);
	/* the shells' way: the child and the parent both move it, so the
	 * group is made before the parent goes on, whichever runs first */
	if (setpgid(kids[2], kids[2]))
		return 1;
	for (i = 0; i < 3; i++)
		if (read(p[0], &c, 1) != 1)
			return 1;
	if (killpg(getpgrp(), SIGUSR1))
		return 1;
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	printf("parent: %s\n", got ? "got SIGUSR1 from its own killpg" : "no signal");
	for (i = 0; i < 2; i++) {
		if (waitpid(kids[i], &status, 0) != kids[i])
			return 1;
		printf("child %d in the parent's group: %s\n", i, how(status));
	}
	if (kill(-kids[2], SIGTERM))
		return 1;
	if (waitpid(kids[2], &status, 0) != kids[2])
		return 1;
	printf("child 2 in a group of its own: %s\n", how(status));
	printf("done\n");
	return 0;
}
