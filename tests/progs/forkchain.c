/* fork + exec + wait, for the tests of child processes (90-processes.t).
 *
 * 1. argv[1] times (default 20), one after the other: fork; the child prints
 *    its getpid() and getppid(), then execs /bin/echo (even rounds) or
 *    /usr/bin/printf (odd rounds) with arguments; the parent waits for it
 *    and prints the fork() and waitpid() return values and WEXITSTATUS.
 * 2. a child that exits 3.
 * 3. a child that waits in pause() until the parent kills it with SIGKILL;
 *    the parent reports WIFSIGNALED and WTERMSIG.
 * 4. a nested chain argv[2] deep (default 4): every process forks the next
 *    one and exits with its child's status + 1; the last one execs echo.
 *
 * Every line a child prints is flushed before the parent prints again, so
 * the output has one order. The pids are printed raw: the test checks that
 * the child's getpid() equals the parent's fork() value, then masks them to
 * compare with a plain run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, pid_t forked, pid_t waited, int status)
{
	printf("%s: fork returned %ld, waitpid returned %ld, ", what, (long)forked, (long)waited);
	if (WIFEXITED(status))
		printf("exited %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("killed by signal %d\n", WTERMSIG(status));
	else
		printf("status 0x%x\n", status);
	fflush(stdout);
	return status;
}

static void child_hello(const char *what)
{
	printf("%s: child pid %ld ppid %ld\n", what, (long)getpid(), (long)getppid());
	fflush(stdout);
}

/* Depth d of the nested chain: returns the exit status for the level above. */
static int nest(int d, int depth)
{
	char what[32], arg[32];
	pid_t pid, w;
	int status;

	snprintf(what, sizeof(what), "nest %d", d);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 100;
	}
	if (pid == 0) {
		child_hello(what);
		if (d + 1 == depth) {
			snprintf(arg, sizeof(arg), "leaf at depth %d", d + 1);
			execl("/bin/echo", "echo", arg, (char *)NULL);
			perror("execl");
			_exit(127);
		}
		_exit(nest(d + 1, depth));
	}
	w = waitpid(pid, &status, 0);
	report(what, pid, w, status);
	return WIFEXITED(status) ? WEXITSTATUS(status) + 1 : 101;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	int depth = argc > 2 ? atoi(argv[2]) : 4;
	int i, status, p[2];
	char what[32], arg[32], c;
	pid_t pid, w;

	printf("parent pid %ld\n", (long)getpid());
	fflush(stdout);
	for (i = 0; i < rounds; i++) {
		snprintf(what, sizeof(what), "round %d", i);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			child_hello(what);
			snprintf(arg, sizeof(arg), "%d", i * i);
			if (i % 2 == 0)
				execl("/bin/echo", "echo", "echo", "round", arg, "a  b", (char *)NULL);
			else
				execl("/usr/bin/printf", "printf", "printf round %s [%5s]\n", arg, "x y",
				      (char *)NULL);
			perror("execl");
			_exit(127);
		}
		w = waitpid(pid, &status, 0);
		report(what, pid, w, status);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return 2;
	}

	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		child_hello("exit3");
		_exit(3);
	}
	w = waitpid(pid, &status, 0);
	report("exit3", pid, w, status);

	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		child_hello("killed");
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		return 3;
	if (kill(pid, SIGKILL) < 0) {
		perror("kill");
		return 4;
	}
	w = waitpid(pid, &status, 0);
	report("killed", pid, w, status);

	status = nest(0, depth);
	printf("nested chain of %d: status %d\n", depth, status);
	printf("done\n");
	return 0;
}
