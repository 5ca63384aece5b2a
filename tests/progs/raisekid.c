/* Children that signal themselves: one calls raise(SIGTERM), one abort()
 * (raise(SIGABRT)). glibc's raise sends tgkill(getpid(), tid) with the tid
 * the kernel wrote into the child's thread descriptor at fork. Prints how
 * each child ended. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, int st)
{
	if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int main(void)
{
	struct rlimit no_core = { 0, 0 };
	pid_t p;
	int st;

	setrlimit(RLIMIT_CORE, &no_core);
	p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(p, &st, 0);
	report("raise(SIGTERM)", st);
	fflush(stdout);
	p = fork();
	if (p < 0)
		return 1;
	if (p == 0)
		abort();
	waitpid(p, &st, 0);
	report("abort()", st);
	return 0;
}
