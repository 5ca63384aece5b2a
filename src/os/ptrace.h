/* ptrace requests on a replica's thread, checked. A thread may die at any
 * moment (a peer's divergence kills its replica, its process exits), so
 * ESRCH is expected and silent; any other failure is the monitor's own
 * mistake and is reported. Each returns 0 or -errno. Only the tracer
 * thread may call them (pt_on_tracer). */
#ifndef REPLICANT_PTRACE_H
#define REPLICANT_PTRACE_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/user.h>

/* The calling thread becomes the tracer: the one that spawns the replicas. */
void pt_init_tracer(void);
bool pt_on_tracer(void);

int pt_cont(pid_t tid, int sig);
/* Resumes tid to its next syscall-exit stop. */
int pt_syscall(pid_t tid);
int pt_getregs(pid_t tid, struct user_regs_struct *regs);
int pt_setregs(pid_t tid, const struct user_regs_struct *regs);
/* The event message of a PTRACE_EVENT stop (a new thread's id). */
int pt_eventmsg(pid_t tid, unsigned long *msg);

#endif
