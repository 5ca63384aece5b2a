#include "os/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/util.h"

enum task_state procfs_task_call(pid_t pid, pid_t tid, long *nr, unsigned long *arg0)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return TASK_UNKNOWN;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return TASK_UNKNOWN;
	buf[n] = 0;
	if (!strncmp(buf, "running", 7))
		return TASK_RUNNING;
	*arg0 = 0;
	if (sscanf(buf, "%ld %lx", nr, arg0) < 1 || *nr < 0)
		return TASK_UNKNOWN; /* -1: in no call, stopped */
	return TASK_IN_CALL;
}

int procfs_read_all(pid_t pid, const char *name, size_t max, char **buf, size_t *len)
{
	char path[64];
	size_t cap = 4096;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*buf = xmalloc(cap);
	*len = 0;
	while ((n = read(fd, *buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap && cap < max) {
			cap = cap * 2 > max ? max : cap * 2;
			*buf = xrealloc(*buf, cap);
		} else if (*len == cap) {
			break;
		}
	}
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

int procfs_link_id(pid_t pid, const char *name, dev_t *dev, ino_t *ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (stat(path, &st) < 0)
		return -errno;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}
