/* What /proc tells of a replica's thread. */
#ifndef REPLICANT_PROCFS_H
#define REPLICANT_PROCFS_H

#include <sys/types.h>

enum task_state {
	TASK_UNKNOWN,	/* gone, or /proc could not be read */
	TASK_RUNNING,	/* running outside any syscall */
	TASK_IN_CALL,	/* blocked or running in syscall *nr */
};

/* Reads /proc/PID/task/TID/syscall: the call thread tid is in, and its
 * first argument. */
enum task_state procfs_task_call(pid_t pid, pid_t tid, long *nr, unsigned long *arg0);

#endif
