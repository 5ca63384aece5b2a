/* Reads and writes on a file opened with O_DIRECT, as InnoDB does its log
 * and data files (pread of ib_logfile0 at its start): buffer, offset and
 * length aligned to 4096, which the kernel requires of the memory the
 * call is run with, the monitor's under replicant. pread, pwrite, read,
 * write, preadv and pwritev; each line the same plain and replicated. */
#define _GNU_SOURCE /* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define B 4096

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned s = 0;

	while (n--)
		s = s * 31 + *p++;
	return s;
}

int main(void)
{
	char path[] = "/tmp/agree-odirect.XXXXXX";
	unsigned char *buf, *two;
	struct iovec iov[2];
	int fd = mkstemp(path), i;
	long r;

	if (fd < 0 || posix_memalign((void **)&buf, B, B) || posix_memalign((void **)&two, B, 2 * B))
		return 1;
	for (i = 0; i < 4 * B; i++) {
		unsigned char c = (unsigned char)(i * 7 + i / B);

		if (write(fd, &c, 1) != 1)
			return 1;
	}
	close(fd);
	fd = open(path, O_RDWR | O_DIRECT);
	if (fd < 0) {
		/* a file system without O_DIRECT: nothing to show, alike */
		printf("open O_DIRECT: %s\n", errno == EINVAL ? "not supported here" : strerror(errno));
		unlink(path);
		printf("done\n");
		return 0;
	}
	r = pread(fd, buf, B, B);
	printf("pread at %d: %ld, sum %08x\n", B, r, sum(buf, B));
	memset(buf, 'x', B);
	r = pwrite(fd, buf, B, 2 * B);
	printf("pwrite at %d: %ld\n", 2 * B, r);
	r = read(fd, buf, B);
	printf("read at 0: %ld, sum %08x\n", r, sum(buf, B));
	r = write(fd, buf, B);
	printf("write at %d: %ld\n", B, r);
	iov[0] = (struct iovec){ two, B };
	iov[1] = (struct iovec){ two + B, B };
	r = preadv(fd, iov, 2, 2 * B);
	printf("preadv at %d: %ld, sums %08x %08x\n", 2 * B, r, sum(two, B), sum(two + B, B));
	memset(two, 'y', 2 * B);
	r = pwritev(fd, iov, 2, 0);
	printf("pwritev at 0: %ld\n", r);
	r = pread(fd, two, 2 * B, B);
	printf("pread of two blocks at %d: %ld, sums %08x %08x\n", B, r, sum(two, B), sum(two + B, B));
	/* an unaligned length fails alike */
	errno = 0;
	r = pread(fd, buf, 100, 0);
	printf("pread of 100 bytes: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	close(fd);
	/* O_DIRECT given later by F_SETFL, then taken away */
	fd = open(path, O_RDWR);
	if (fd < 0 || fcntl(fd, F_SETFL, O_DIRECT))
		return 1;
	r = pread(fd, buf, B, B);
	printf("pread after F_SETFL O_DIRECT: %ld, sum %08x\n", r, sum(buf, B));
	errno = 0;
	r = pread(fd, buf, 100, 0);
	printf("and of 100 bytes: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	if (fcntl(fd, F_SETFL, 0))
		return 1;
	r = pread(fd, buf, 100, 0);
	printf("pread of 100 bytes after F_SETFL 0: %ld\n", r);
	close(fd);
	unlink(path);
	printf("done\n");
	return 0;
}
