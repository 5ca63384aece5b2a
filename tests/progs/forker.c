/* Calls fork(): child processes are refused (exit 125) for now. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid;

	printf("before fork\n");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("done\n");
	return 0;
}
