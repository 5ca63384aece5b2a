#include "os/ptrace.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ptrace.h>

#include "os/util.h"

static pthread_t tracer;

void pt_init_tracer(void)
{
	tracer = pthread_self();
}

bool pt_on_tracer(void)
{
	return pthread_equal(pthread_self(), tracer);
}

static int checked(long r, const char *what, pid_t tid)
{
	int err = errno;

	if (r >= 0)
		return 0;
	if (err != ESRCH)
		warnmsg("ptrace(%s) of thread %d: %s", what, (int)tid, strerror(err));
	return -err;
}

int pt_cont(pid_t tid, int sig)
{
	return checked(ptrace(PTRACE_CONT, tid, 0, (long)sig), "PTRACE_CONT", tid);
}

int pt_syscall(pid_t tid)
{
	return checked(ptrace(PTRACE_SYSCALL, tid, 0, 0), "PTRACE_SYSCALL", tid);
}

int pt_getregs(pid_t tid, struct user_regs_struct *regs)
{
	return checked(ptrace(PTRACE_GETREGS, tid, 0, regs), "PTRACE_GETREGS", tid);
}

int pt_setregs(pid_t tid, const struct user_regs_struct *regs)
{
	return checked(ptrace(PTRACE_SETREGS, tid, 0, regs), "PTRACE_SETREGS", tid);
}

int pt_eventmsg(pid_t tid, unsigned long *msg)
{
	return checked(ptrace(PTRACE_GETEVENTMSG, tid, 0, msg), "PTRACE_GETEVENTMSG", tid);
}
