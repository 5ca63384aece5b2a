/* An O_PATH|O_NOFOLLOW descriptor of a symbolic link (glibc's systemd name
 * service opens /lib so on Debian, where /lib is one): fstat and readlink
 * through it see the link itself. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/replicant-opath-XXXXXX", link[64], got[64];
	struct stat st;
	ssize_t n;
	int fd;

	if (!mkdtemp(dir))
		return 1;
	snprintf(link, sizeof(link), "%s/link", dir);
	if (symlink("the/target", link))
		return 1;
	fd = open(link, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	printf("open: %s\n", fd >= 0 ? "ok" : "failed");
	if (fd >= 0) {
		printf("fstat: %s\n", fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 &&
					      S_ISLNK(st.st_mode) ? "a symbolic link" : "not a link");
		n = readlinkat(fd, "", got, sizeof(got) - 1);
		got[n > 0 ? n : 0] = 0;
		printf("readlink: %s\n", got);
		close(fd);
	}
	unlink(link);
	rmdir(dir);
	printf("done\n");
	return 0;
}
