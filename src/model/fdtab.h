/* File objects and each replica's descriptor table.
 *
 * Every descriptor a replica holds was installed by the monitor (with
 * SECCOMP_IOCTL_NOTIF_ADDFD), so the monitor knows each replica's table
 * exactly. An external object is one open file description shared by the
 * monitor and every replica: the monitor performs its inputs and outputs
 * on its own descriptor. A private object belongs to one replica, which
 * uses it directly (pipes inside a replica, its own /proc files). */
#ifndef REPLICANT_FDTAB_H
#define REPLICANT_FDTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct fobj {
	int refs;		/* descriptors (in all replicas) that refer to it */
	int mfd;		/* the monitor's descriptor; -1 for private objects */
	int instfd;		/* what replicas get, when not mfd: a readable reopen
				 * of an O_PATH descriptor, which ADDFD cannot pass */
	bool private_;		/* replica-private: the replica runs its own calls */
	bool inner;		/* an end of a pipe or socketpair the replicas
				 * made: both ends may be in their processes */
	mode_t type;		/* S_IFMT bits of the file */
	int family;		/* a socket's address family, once fobj_family()
				 * read it; 0 before */
	dev_t rdev;		/* device number of a character device */
	int accmode;		/* O_RDONLY, O_WRONLY or O_RDWR */
	int8_t direct;		/* O_DIRECT: 1 or 0; -1 after an F_SETFL, until the
				 * monitor reads the flags again (calls/generic.c) */
	pid_t owner;		/* F_SETOWN's process (a virtual pid), 0 for none */
	bool async;		/* O_ASYNC: its owner gets SIGIO (calls/async.c) */
	uint64_t *epdata;	/* an epoll object: each replica's event data by
				 * watched fd, epdata[fd * MAX_REPLICAS + replica] */
	int epsize;		/* fds epdata has room for */
};

struct fdent {
	struct fobj *obj;
	bool cloexec;
	bool reserved;		/* chosen for a call this replica has yet to make */
	bool closing;		/* a close the replica has been let make may not
				 * have happened yet: the number is not free */
};

struct fdtab {
	struct fdent *ent;
	int size;
	pid_t vpid;		/* its process's (model/plocks.h: a close ends its locks) */
};

/* Wraps a monitor descriptor (taken over) as a new external object. */
struct fobj *fobj_new(int mfd, bool private_);
void fobj_get(struct fobj *o);
void fobj_put(struct fobj *o);
/* A socket's address family (AF_UNIX...), read once; 0 for anything else. */
int fobj_family(const struct fobj *o);
/* True when calls on it may block (anything but regular files and dirs). */
bool fobj_may_block(const struct fobj *o);

/* The object whose monitor descriptor is mfd, among those watched for
 * SIGIO (calls/async.c); a watched object stops being one when freed. */
void fobj_watch(struct fobj *o, bool on);
struct fobj *fobj_watched(int mfd);
/* Monitor descriptors below this may be watched. */
int fobj_watched_max(void);

struct fobj *fdtab_get(const struct fdtab *t, long fd);
void fdtab_set(struct fdtab *t, int fd, struct fobj *o, bool cloexec);
void fdtab_close(struct fdtab *t, int fd);
/* Closes fd in the table and keeps its number from reuse until
 * fdtab_closed(): for a close the replica makes itself (CONTINUE). */
void fdtab_closing(struct fdtab *t, int fd);
void fdtab_closed(struct fdtab *t, int fd);
void fdtab_set_cloexec(struct fdtab *t, int fd, bool cloexec);
/* Lowest fd >= min that is free (neither open nor reserved). */
int fdtab_lowest_free(const struct fdtab *t, int min);
bool fdtab_is_free(const struct fdtab *t, int fd);
/* Whether some descriptor of t refers to o. */
bool fdtab_holds(const struct fdtab *t, const struct fobj *o);
/* Free, or closed by a close its thread made and will have finished before
 * its next call. */
bool fdtab_free_once_closed(const struct fdtab *t, int fd);
void fdtab_reserve(struct fdtab *t, int fd);
void fdtab_exec(struct fdtab *t);
void fdtab_clear(struct fdtab *t);

#endif
