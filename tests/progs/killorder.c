/* A parent that stops its child with SIGTERM, and reads in memory they
 * share whether the child has started to stop: before its kill, or only
 * after. It cannot be before in a plain run. Under replicant, a replica
 * whose parent is behind its peers' must not have its child stopped by
 * their kill before its own: Apache worker's parent, behind, counted the
 * threads of a child its peers had stopped as dead, and forked another.
 * The child waits in a read of a pipe nobody writes to, a call the monitor
 * holds, where a signal reaches it at once; --perturb puts one replica's
 * parent a few calls behind the other's. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#define BEFORE 150	/* 2 ms sleeps before the kill */
#define AFTER 150	/* and after it */

static volatile int *dying;

static void on_term(int sig)
{
	(void)sig;
	*dying = 1;
}

static void nap(void)
{
	struct timeval tv = { 0, 2000 };

	select(0, NULL, NULL, NULL, &tv);
}

int main(void)
{
	struct sigaction sa;
	int i, seen = -1, fds[2];
	pid_t child;
	char c;

	dying = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (dying == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	if (sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("sigaction");
		return 1;
	}
	if (pipe(fds) < 0) {
		perror("pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		close(fds[1]);
		while (!*dying && read(fds[0], &c, 1) != 0)
			;
		_exit(0);
	}
	close(fds[0]);
	for (i = 0; i < BEFORE + AFTER; i++) {
		if (i == BEFORE && kill(child, SIGTERM) < 0) {
			perror("kill");
			return 1;
		}
		nap();
		if (seen < 0 && *dying)
			seen = i;
	}
	waitpid(child, NULL, 0);
	close(fds[1]);
	printf("the child stopped %s it was told to\n",
	       seen < 0 ? "later than" : seen < BEFORE ? "before" : "after");
	return 0;
}
