/* stat, lstat and fstat of /etc/passwd and stat of / and of a missing
 * file: only what is the same on every machine (the file type bits,
 * whether the size is > 0, that the three calls agree on inode and size,
 * the errno). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *type(mode_t m)
{
	return S_ISREG(m) ? "regular file" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" :
		"other";
}

int main(void)
{
	struct stat a, b, c, d;
	int fd = open("/etc/passwd", O_RDONLY), r;

	if (fd < 0 || stat("/etc/passwd", &a) || lstat("/etc/passwd", &b) || fstat(fd, &c) ||
	    stat("/", &d)) {
		perror("stat");
		return 1;
	}
	printf("/etc/passwd: %s, size > 0: %s\n", type(a.st_mode), a.st_size > 0 ? "yes" : "no");
	printf("stat, lstat and fstat agree: %s\n",
	       a.st_ino == c.st_ino && a.st_size == c.st_size && a.st_dev == c.st_dev &&
	       (S_ISLNK(b.st_mode) || (b.st_ino == a.st_ino && b.st_size == a.st_size)) ?
	       "yes" : "no");
	printf("/: %s\n", type(d.st_mode));
	r = stat("/etc/no-such-file-here", &d);
	printf("stat of a missing file: %d %s\n", r, strerror(errno));
	close(fd);
	printf("done\n");
	return 0;
}
