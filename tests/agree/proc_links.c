/* Paths that reach /proc/self through a symbolic link (as /etc/mtab and
 * /dev/stdin do) name the process's own /proc/self: the monitor that opens
 * them for it must not take them for its own. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *label, const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	printf("%s: %s", label, n > 0 ? buf : "(cannot read)\n");
}

int main(void)
{
	char dir[] = "/tmp/proc_linksXXXXXX";
	struct stat st;
	int fd;

	if (!mkdtemp(dir) || chdir(dir) < 0)
		return 1;
	if (symlink("/proc/self/comm", "comm") < 0 || symlink("/proc/self/cwd", "here") < 0)
		return 1;
	show("comm through a link", "comm");
	show("comm through /proc/self/..", "/proc/self/../self/comm");
	fd = open("here/made", O_CREAT | O_WRONLY, 0600);
	printf("made through the link to cwd: %s\n",
	       fd >= 0 && stat("made", &st) == 0 ? "here" : "elsewhere");
	if (fd >= 0)
		close(fd);
	unlink("made");
	unlink("comm");
	unlink("here");
	if (chdir("/") < 0 || rmdir(dir) < 0)
		return 1;
	printf("done\n");
	return 0;
}
