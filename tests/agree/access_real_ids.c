/* access() checks with the real user and group ids, open() with the
 * effective ones: a process whose real uid is nobody and effective uid root
 * (setresuid, as a set-user-ID program runs) may open a file of root's alone
 * but access() says it may not, though the monitor that checks it for the
 * process is root. faccessat with AT_EACCESS checks as open does. As a user
 * that cannot switch, the same calls give a plain run's answers too. The
 * parent cleans up. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r)
{
	printf("%s: %s\n", what, r == 0 ? "yes" : strerror(errno));
}

int main(void)
{
	char dir[] = "/tmp/agree-access.XXXXXX";
	int status, fd;
	pid_t pid;

	if (!mkdtemp(dir) || chmod(dir, 0755) || chdir(dir))
		return 1;
	close(open("secret", O_CREAT | O_WRONLY, 0600));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int real = !setresgid(65534, -1, -1) && !setresuid(65534, -1, -1);

		printf("real ids nobody's: %s\n", real || getuid() ? "yes, or never root" : "no");
		show("access(secret, R_OK)", access("secret", R_OK));
		show("faccessat(secret, R_OK, AT_EACCESS)",
		     faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
		fd = open("secret", O_RDONLY);
		show("open(secret)", fd >= 0 ? 0 : -1);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	unlink("secret");
	if (chdir("/") || rmdir(dir))
		return 1;
	printf("done\n");
	return 0;
}
