/* The directory descriptor of a call whose path is absolute is ignored by
 * the kernel. MariaDB's mysys opens a file without following symbolic
 * links (my_open_parent_dir_nosymlinks) by walking its path:
 * openat(-1, "/tmp", O_PATH|O_NOFOLLOW), then each component from the
 * last descriptor. Then calls whose ignored descriptor holds what differs
 * between replicas (stack garbage: an address under ASLR). */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/agree-dirfd.XXXXXX", path[64], *comp, *next;
	int dfd = -1, fd, junk = (int)((uintptr_t)&dfd >> 4);	/* differs by address layout */
	struct stat st;
	ssize_t n;
	char buf[16];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, "contents\n", 9) != 9)
		return 1;
	close(fd);

	/* the walk: "/tmp" from -1, then each component from the last */
	comp = dir + 1;
	dfd = openat(-1, "/tmp", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	printf("openat(-1, \"/tmp\", O_PATH): %s\n", dfd >= 0 ? "a descriptor" : strerror(errno));
	if (dfd < 0)
		return 1;
	comp = strchr(comp, '/') + 1;
	while ((next = strchr(comp, '/'))) {
		*next = 0;
		fd = openat(dfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		*next = '/';
		close(dfd);
		dfd = fd;
		comp = next + 1;
	}
	fd = openat(dfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	dfd = fd;
	fd = openat(dfd, "file", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	printf("the file at the end of the walk: %.*s", n > 0 ? (int)n : 1, n > 0 ? buf : "?\n");
	close(fd);
	close(dfd);

	/* an ignored descriptor that differs between replicas */
	errno = 0;
	n = fstatat(junk, path, &st, 0);
	printf("fstatat(junk, absolute): %zd %s, size %lld\n", n, strerror(errno),
	       n == 0 ? (long long)st.st_size : -1LL);
	fd = openat(junk, path, O_RDONLY | O_CLOEXEC);
	printf("openat(junk, absolute): %s\n", fd >= 0 ? "a descriptor" : strerror(errno));
	close(fd);
	printf("unlinkat(-1, absolute): %d\n", unlinkat(-1, path, 0));
	printf("unlinkat(junk, absolute dir, AT_REMOVEDIR): %d\n", unlinkat(junk, dir, AT_REMOVEDIR));
	printf("done\n");
	return 0;
}
