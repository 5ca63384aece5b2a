#include "os/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/notif.h"
#include "os/util.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define LISTENER_FD 3 /* the lowest free fd once the child closed all from 3 */

extern char **environ;

/* Drills and tests: REPLICANT_INJECT_START=R:MS makes replica R start its
 * program MS milliseconds late, as a loaded machine may: a majority can
 * then finish the whole run before it starts. The sleep is a local call,
 * after the filter, so the monitor is not held up. */
static void late_start(int idx)
{
	const char *v = getenv("REPLICANT_INJECT_START");
	struct timespec ts;
	int r, ms;

	if (!v || sscanf(v, "%d:%d", &r, &ms) != 2 || r != idx || ms <= 0)
		return;
	ts = (struct timespec){ ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* In the child: nothing here may return. Once the filter is loaded every
 * syscall but the local ones waits for the monitor, which first must take
 * the listener; so the filter is the last thing before execve. */
static void child(int idx, const struct sock_fprog *prog, bool killable, const char *path,
		  char **argv)
{
	sigset_t none;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(EXIT_REPLICANT_ERROR);
	if (syscall(SYS_close_range, LISTENER_FD, ~0U, 0) < 0)
		_exit(EXIT_REPLICANT_ERROR);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0) {
		perror("replicant: prctl");
		_exit(EXIT_REPLICANT_ERROR);
	}
	/* A core dump is a file (or a pipe to a handler) that one replica's
	 * crash would write outside the vote; calls/proc.c keeps it off. */
	if (setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }) < 0) {
		perror("replicant: setrlimit(RLIMIT_CORE)");
		_exit(EXIT_REPLICANT_ERROR);
	}
	/* Once the monitor has received a call, only a fatal signal may end
	 * the replica's wait (WAIT_KILLABLE_RECV, Linux 5.19): another signal
	 * is delivered when the call returns, at a point the monitor chose,
	 * and no call the monitor holds fails with EINTR that would not have
	 * in a plain run. The monitor probed the flag (notif_killable_recv) and
	 * relies on what it found, so the child does not fall back on its own. */
	err = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		      SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      (killable ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0), prog);
	if (err < 0) {
		perror("replicant: seccomp");
		_exit(EXIT_REPLICANT_ERROR);
	}
	if (err != LISTENER_FD)
		_exit(EXIT_REPLICANT_ERROR);
	late_start(idx);
	execve(path, argv, environ);
	/* The monitor let the exec through, so these calls are the program's
	 * as far as the vote is concerned: every replica fails alike. */
	fprintf(stderr, "replicant: %s: %s\n", path, strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static bool is_listener(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return strcmp(link, "anon_inode:seccomp notify") == 0;
}

/* Polls until the child has loaded its filter, then takes its listener.
 * The child cannot tell us itself: any syscall it makes after loading the
 * filter waits for us. */
static int take_listener(pid_t pid)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), fd = -1, tries;
	struct timespec ts = { 0, 100000 };

	if (pidfd < 0)
		die_errno("pidfd_open(%d)", (int)pid);
	for (tries = 0; tries < 50000; tries++) {
		int status;

		fd = syscall(SYS_pidfd_getfd, pidfd, LISTENER_FD, 0);
		if (fd >= 0 && is_listener(fd))
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (waitpid(pid, &status, WNOHANG | __WALL) == pid)
			die("replica process %d ended before it started the program", (int)pid);
		nanosleep(&ts, NULL);
	}
	close(pidfd);
	if (fd < 0)
		die("replica process %d did not install its seccomp filter", (int)pid);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		die_errno("fcntl on listener");
	/* Older kernels lack the flag; the run only gets slower without it. */
	(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	return fd;
}

void spawn_replica(struct replica *r, const struct sock_fprog *prog, const char *path, char **argv)
{
	bool killable = notif_killable_recv();
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0)
		child(r->idx, prog, killable, path, argv);
	r->pid = pid;
	r->alive = true;
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE |
		   PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD) < 0)
		die_errno("ptrace(PTRACE_SEIZE, %d)", (int)pid);
	r->listener = take_listener(pid);
}
