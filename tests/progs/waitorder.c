/* Two children: the second exits at once, the first 200 ms later, while the
 * parent waits for the first by its pid; then it waits for the second. The
 * second child's SIGCHLD reaches the parent in the middle of its first
 * wait4 (a traced process stops for it, and the call restarts). Prints
 * whether each waitpid returned the pid fork returned, and the statuses. */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec d = { 0, 200000000 };
	pid_t a, b, wa, wb;
	int sa, sb;

	a = fork();
	if (a < 0)
		return 1;
	if (a == 0) {
		nanosleep(&d, NULL);
		_exit(1);
	}
	b = fork();
	if (b < 0)
		return 1;
	if (b == 0)
		_exit(2);
	wa = waitpid(a, &sa, 0);
	printf("first child: waitpid %s, exited %d\n", wa == a ? "returned its pid" : "returned another pid",
	       WIFEXITED(sa) ? WEXITSTATUS(sa) : -1);
	wb = waitpid(b, &sb, 0);
	printf("second child: waitpid %s, exited %d\n", wb == b ? "returned its pid" : "returned another pid",
	       WIFEXITED(sb) ? WEXITSTATUS(sb) : -1);
	return 0;
}
