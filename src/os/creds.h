/* The monitor acts for a process with that process's credentials: a path
 * it opens, creates or removes for it is checked by the kernel as if the
 * process made the call. The monitor's thread takes the process's file
 * system ids, supplementary groups and effective capabilities for the
 * call (per thread: raw setfsuid, setfsgid, setgroups and capset), and
 * gives them back after. With a file system uid other than 0 the kernel
 * drops the file capabilities (CAP_DAC_OVERRIDE and the rest) by itself;
 * a uid-0 process that dropped them has them dropped by capset. */
#ifndef REPLICANT_CREDS_H
#define REPLICANT_CREDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "model/model.h"

/* Reads process pid's credentials from /proc; 0 or -errno. */
int creds_read(pid_t pid, struct creds *c);
/* The calling thread takes c (nothing to do when c is root's with the
 * file capabilities, or when the monitor is not root); true when it did
 * and creds_leave must follow. */
bool creds_enter(const struct creds *c);
/* Whether creds_enter(c) would change the thread's credentials: some ten
 * calls, there and back. */
bool creds_switch(const struct creds *c);
void creds_leave(void);

#endif
