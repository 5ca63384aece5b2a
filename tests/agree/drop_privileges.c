/* A process that drops root (setgroups, setgid, setuid to nobody, as
 * memcached -u and Apache's User do) gets from the files what the kernel
 * gives nobody, though the monitor that opens them for it is root: a
 * public file opens, a private one, /etc/shadow and a file created in a
 * directory of root's do not. As a user that cannot drop, the same calls
 * give a plain run's answers too. The parent, still root, cleans up. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void try_open(const char *what, const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	printf("%s: %s\n", what, fd >= 0 ? "opened" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char dir[] = "/tmp/agree-creds.XXXXXX";
	int status;
	pid_t pid;

	if (!mkdtemp(dir) || chmod(dir, 0755) || chdir(dir))
		return 1;
	close(open("public", O_CREAT | O_WRONLY, 0644));
	close(open("secret", O_CREAT | O_WRONLY, 0600));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int dropped = !setgroups(0, NULL) && !setgid(65534) && !setuid(65534);

		printf("dropped to nobody: %s\n", dropped || getuid() ? "yes, or never root" : "no");
		try_open("a public file", "public", O_RDONLY);
		try_open("a file of root's alone", "secret", O_RDONLY);
		try_open("/etc/shadow", "/etc/shadow", O_RDONLY);
		try_open("a new file in root's directory", "new", O_CREAT | O_WRONLY);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	unlink("new");
	unlink("public");
	unlink("secret");
	if (chdir("/") || rmdir(dir))
		return 1;
	printf("done\n");
	return 0;
}
