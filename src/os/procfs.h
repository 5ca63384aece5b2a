/* What /proc tells of a replica's thread. */
#ifndef REPLICANT_PROCFS_H
#define REPLICANT_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

enum task_state {
	TASK_UNKNOWN,	/* gone, or /proc could not be read */
	TASK_RUNNING,	/* running outside any syscall */
	TASK_IN_CALL,	/* blocked or running in syscall *nr */
};

/* Reads /proc/PID/task/TID/syscall: the call thread tid is in, and its
 * first argument. */
enum task_state procfs_task_call(pid_t pid, pid_t tid, long *nr, unsigned long *arg0);

/* Whether thread tid sleeps on a futex with no deadline (FUTEX_WAIT or
 * FUTEX_WAIT_BITSET, no timeout): 1; in anything else, 0; gone, -1. */
int procfs_task_futex_forever(pid_t pid, pid_t tid);

/* The scheduler's state of thread tid (/proc/PID/task/TID/stat: 'R'
 * runnable, 'S' sleeping...), 0 if it cannot be read. */
char procfs_task_sched(pid_t pid, pid_t tid);

/* Reads /proc/PID/NAME whole (cmdline, environ), at most max bytes, into
 * a buffer the caller frees: 0 or -errno. */
int procfs_read_all(pid_t pid, const char *name, size_t max, char **buf, size_t *len);

/* The device and inode of the file /proc/PID/NAME links to (exe, cwd). */
int procfs_link_id(pid_t pid, const char *name, dev_t *dev, ino_t *ino);

/* A thread's blocked signals, its process's caught and ignored ones, and
 * those pending for either (bit sig-1), from /proc/PID/task/TID/status:
 * 0 or -errno. */
int procfs_task_sigmasks(pid_t pid, pid_t tid, uint64_t *blocked, uint64_t *caught,
			 uint64_t *pending, uint64_t *ignored);

#endif
