#include "os/procfs.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/util.h"

/* /proc/PID/task/TID/NAME, a line or two, into buf as a string: its
 * length, or 0 if it cannot be read. */
static ssize_t read_task_file(pid_t pid, pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return n;
}

enum task_state procfs_task_call(pid_t pid, pid_t tid, long *nr, unsigned long *arg0)
{
	char buf[256];

	if (!read_task_file(pid, tid, "syscall", buf, sizeof(buf)))
		return TASK_UNKNOWN;
	if (!strncmp(buf, "running", 7))
		return TASK_RUNNING;
	*arg0 = 0;
	if (sscanf(buf, "%ld %lx", nr, arg0) < 1 || *nr < 0)
		return TASK_UNKNOWN; /* -1: in no call, stopped */
	return TASK_IN_CALL;
}

int procfs_task_futex_forever(pid_t pid, pid_t tid)
{
	unsigned long a[4];
	char buf[256];
	long nr, cmd;

	errno = 0;
	if (!read_task_file(pid, tid, "syscall", buf, sizeof(buf)))
		return errno == ENOENT || errno == ESRCH ? -1 : 0;
	if (sscanf(buf, "%ld %lx %lx %lx %lx", &nr, &a[0], &a[1], &a[2], &a[3]) != 5 ||
	    nr != SYS_futex)
		return 0;
	cmd = (long)(a[1] & FUTEX_CMD_MASK);
	return (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && a[3] == 0;
}

char procfs_task_sched(pid_t pid, pid_t tid)
{
	char buf[512], *close_paren;

	if (!read_task_file(pid, tid, "stat", buf, sizeof(buf)))
		return 0;
	/* the name may hold anything, ')' too: the state follows the last */
	close_paren = strrchr(buf, ')');
	return close_paren && close_paren[1] == ' ' ? close_paren[2] : 0;
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

/* "SigBlk:\t0000000000010000" and its like, from a thread's status. */
static int mask_field(const char *status, const char *name, uint64_t *mask)
{
	const char *at = strstr(status, name);

	if (!at || sscanf(at + strlen(name), " %" SCNx64, mask) != 1)
		return -EINVAL;
	return 0;
}

int procfs_task_sigmasks(pid_t pid, pid_t tid, uint64_t *blocked, uint64_t *caught,
			 uint64_t *pending, uint64_t *ignored)
{
	uint64_t own = 0, shared = 0;
	char name[64], *buf;
	size_t len;
	int err;

	snprintf(name, sizeof(name), "task/%d/status", (int)tid);
	err = procfs_read_all(pid, name, 8192, &buf, &len);
	if (err)
		return err;
	buf[len < 8192 ? len : len - 1] = 0;
	err = mask_field(buf, "\nSigBlk:", blocked);
	if (!err)
		err = mask_field(buf, "\nSigCgt:", caught);
	if (!err)
		err = mask_field(buf, "\nSigIgn:", ignored);
	if (!err)
		err = mask_field(buf, "\nSigPnd:", &own);
	if (!err)
		err = mask_field(buf, "\nShdPnd:", &shared);
	*pending = own | shared;
	free(buf);
	return err;
}
