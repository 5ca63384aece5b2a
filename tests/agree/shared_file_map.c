/* A file mapped shared and writable, as sqlite's WAL index and POSIX
 * shared memory are: what the file held before the mapping shows in it,
 * the stores of a fork child show in its parent, writes and ftruncate
 * through a descriptor show in the mapping, and a second, read-only
 * mapping of the file shows the stores but cannot be made writable. A
 * MAP_SYNC mapping fails as on a disk without DAX (/tmp is not one). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#define PAGE 4096

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAILED: %s (%s)\n", what, strerror(errno));
		exit(1);
	}
}

static void put(int fd, const char *s, off_t at)
{
	check(pwrite(fd, s, strlen(s), at) == (ssize_t)strlen(s), "pwrite");
}

int main(void)
{
	char name[] = "/tmp/replicant-map-XXXXXX";
	int fd = mkstemp(name), ro, status;
	char *m, *m3, *r;
	pid_t child;

	check(fd >= 0, "mkstemp");
	check(ftruncate(fd, 2 * PAGE) == 0, "ftruncate");
	put(fd, "before", 100);
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mmap");
	printf("written before the mapping: %s\n", m + 100);

	child = fork();
	check(child >= 0, "fork");
	if (child == 0) {
		strcpy(m + 200, "the child's store");
		_exit(0);
	}
	check(waitpid(child, &status, 0) == child && status == 0, "waitpid");
	printf("the child stored: %s\n", m + 200);

	put(fd, "after", 300);
	printf("written after the mapping: %s\n", m + 300);

	check(ftruncate(fd, 3 * PAGE) == 0, "ftruncate to 3 pages");
	put(fd, "third page", 2 * PAGE + 10);
	m3 = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PAGE);
	check(m3 != MAP_FAILED, "mmap of the third page");
	printf("the third page: %s\n", m3 + 10);
	strcpy(m3 + 20, "stored in page 3");

	errno = 0;
	printf("MAP_SYNC: %s\n", mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				      MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0) == MAP_FAILED ?
					 strerror(errno) : "mapped");

	ro = open(name, O_RDONLY);
	check(ro >= 0, "open read-only");
	r = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
	check(r != MAP_FAILED, "read-only mmap");
	printf("read-only view: %s / %s / %s\n", r + 200, r + 300, r + 2 * PAGE + 20);
	status = mprotect(r, PAGE, PROT_READ | PROT_WRITE);
	printf("mprotect writable: %d %s\n", status, status ? strerror(errno) : "");

	check(munmap(r, 3 * PAGE) == 0 && munmap(m3, PAGE) == 0 && munmap(m, 2 * PAGE) == 0,
	      "munmap");
	close(ro);
	close(fd);
	check(unlink(name) == 0, "unlink");
	printf("done\n");
	return 0;
}
