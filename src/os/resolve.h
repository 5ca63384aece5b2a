/* Paths the monitor opens for a process, as that process's kernel would
 * resolve them (os/resolve.c). */
#ifndef REPLICANT_RESOLVE_H
#define REPLICANT_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* Whom a path is resolved for. */
struct resolve_as {
	pid_t pid, tid;		/* /proc/self and /proc/thread-self */
	int cwd;		/* its working directory, as the monitor holds it */
};

/* openat(dirfd, path, flags, mode) for as: /proc/self is its process,
 * /proc/PID/cwd its working directory as the monitor holds it, and no path
 * leads into the monitor's /proc/PID, nor writes into another replica's.
 * The new descriptor (close-on-exec), or -errno. */
int resolve_open(const struct resolve_as *as, int dirfd, const char *path, int flags, mode_t mode);

/* A path another call (stat, unlink, rename...) names, made safe to pass
 * to the kernel as the monitor: path itself when resolving it reaches no
 * procfs and no magic link (nearly always), else the object resolved for
 * as (follow: the call follows a last symbolic link) or its directory and
 * last name, spelt through the monitor's /proc/self/fd/HOLD. */
struct resolved {
	const char *path;	/* what to pass */
	int hold;		/* the descriptor it names, -1 if none */
	char buf[PATH_MAX + 32];
};

/* 0, or -errno for a path that leads where as may not go. */
int resolve_path(const struct resolve_as *as, int dirfd, const char *path, bool follow,
		 struct resolved *r);

#endif
