/* Says whether rdtsc faults under PR_TSC_SIGSEGV on this machine, as the
 * monitor's own probe finds out (src/os/tsc.c): "traps" or "does not trap". */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
			_exit(1);
		(void)__rdtsc();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	printf("%s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? "traps" : "does not trap");
	return 0;
}
