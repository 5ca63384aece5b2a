#include "os/procfs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
