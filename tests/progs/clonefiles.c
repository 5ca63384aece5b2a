/* A child process that shares its parent's descriptor table (CLONE_FILES
 * without CLONE_THREAD): replicant refuses it (exit 125). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	long pid;

	printf("before clone\n");
	fflush(stdout);
	pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	printf("done\n");
	return 0;
}
