#include "model/plocks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/fdtab.h"
#include "os/util.h"

struct plock {
	pid_t vpid;
	dev_t dev;
	ino_t ino;
	int fd;
	struct plock *next;
};

static struct plock *plocks;

static bool file_id(const struct fobj *o, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (o->private_ || o->mfd < 0 || fstat(o->mfd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

static struct plock **find(pid_t vpid, dev_t dev, ino_t ino)
{
	struct plock **l;

	for (l = &plocks; *l; l = &(*l)->next)
		if ((*l)->vpid == vpid && (*l)->dev == dev && (*l)->ino == ino)
			break;
	return l;
}

/* Read and write when the monitor may (a write lock needs a writable
 * description, and a process may lock through descriptors of both
 * kinds); else the mode of the descriptor the process locks through. The
 * monitor never reads or writes through it. */
static int reopen(const struct fobj *o)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", o->mfd);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		fd = open(path, o->accmode | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd;
}

int plock_fd(pid_t vpid, const struct fobj *o)
{
	struct plock **l, *pl;
	dev_t dev;
	ino_t ino;
	int fd;

	if (!file_id(o, &dev, &ino)) {
		errno = EBADF;
		return -1;
	}
	l = find(vpid, dev, ino);
	if (*l)
		return (*l)->fd;
	fd = reopen(o);
	if (fd < 0)
		return -1;
	pl = xcalloc(1, sizeof(*pl));
	*pl = (struct plock){ vpid, dev, ino, fd, plocks };
	plocks = pl;
	return fd;
}

void plock_closed(pid_t vpid, const struct fobj *o)
{
	struct plock **l, *pl;
	dev_t dev;
	ino_t ino;

	for (pl = plocks; pl && pl->vpid != vpid; pl = pl->next)
		;
	if (!pl || !file_id(o, &dev, &ino))
		return;	/* the common case costs no fstat */
	l = find(vpid, dev, ino);
	if (!(pl = *l))
		return;
	*l = pl->next;
	close(pl->fd);
	free(pl);
}

/* Whether description fd holds a lock of type with that range: its
 * /proc fdinfo lists the locks it owns ("lock:\t1: OFDLCK ADVISORY WRITE
 * -1 08:01:1234 0 EOF"), ends inclusive. */
static bool holds(int fd, short type, off_t start, off_t len)
{
	char path[64], line[256], kind[16], end[32];
	long long s;
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (!(f = fopen(path, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "lock: %*d: OFDLCK %*s %15s %*d %*s %lld %31s", kind, &s, end) != 3)
			continue;
		if (strcmp(kind, type == F_WRLCK ? "WRITE" : "READ") || s != start)
			continue;
		found = len == 0 ? !strcmp(end, "EOF") : atoll(end) == start + len - 1;
	}
	fclose(f);
	return found;
}

pid_t plock_holder(pid_t vpid, const struct fobj *o, short type, off_t start, off_t len)
{
	struct plock *pl;
	dev_t dev;
	ino_t ino;

	if (!file_id(o, &dev, &ino))
		return -1;
	for (pl = plocks; pl; pl = pl->next)
		if (pl->vpid != vpid && pl->dev == dev && pl->ino == ino &&
		    holds(pl->fd, type, start, len))
			return pl->vpid;
	return -1;
}
