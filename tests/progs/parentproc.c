/* Opens its parent's /proc/PID files, directly and through /proc/self/..:
 * under replicant the parent is the monitor, whose memory and descriptors
 * no replica may reach, even all of them agreeing (tests/t/98-attack.t).
 * Its output goes to a file: run plainly, it truncates its parent's stdout. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try(const char *label, const char *fmt, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), fmt, (int)getppid());
	fd = open(path, flags);
	printf("%s: %s\n", label, fd >= 0 ? "opened" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char path[64];

	try("parent's mem", "/proc/%d/mem", O_RDWR);
	try("parent's environ", "/proc/%d/environ", O_RDONLY);
	try("parent's stdout", "/proc/%d/fd/1", O_WRONLY);
	try("parent's mem through /proc/self/..", "/proc/self/../%d/mem", O_RDWR);
	snprintf(path, sizeof(path), "/proc/%d/fd/1", (int)getppid());
	printf("truncate parent's stdout: %s\n", truncate(path, 0) == 0 ? "done" : strerror(errno));
	snprintf(path, sizeof(path), "/proc/%d/cwd/parentproc.made", (int)getppid());
	printf("mkdir in parent's cwd: %s\n", mkdir(path, 0700) == 0 ? "done" : strerror(errno));
	return 0;
}
