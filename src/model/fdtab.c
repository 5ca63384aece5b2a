#include "model/fdtab.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "model/plocks.h"
#include "os/util.h"

struct fobj *fobj_new(int mfd, bool private_)
{
	struct fobj *o = xcalloc(1, sizeof(*o));
	struct stat st;
	int fl;

	o->mfd = mfd;
	o->instfd = -1;
	o->private_ = private_;
	if (mfd >= 0 && fstat(mfd, &st) == 0)
		o->type = st.st_mode & S_IFMT, o->rdev = st.st_rdev;
	fl = mfd >= 0 ? fcntl(mfd, F_GETFL) : -1;
	o->accmode = fl >= 0 ? (fl & O_ACCMODE) : O_RDWR;
	o->direct = fl >= 0 ? !!(fl & O_DIRECT) : -1;
	return o;
}

/* family is a cache: a socket's never changes */
int fobj_family(const struct fobj *o)
{
	int *family = &((struct fobj *)o)->family;
	socklen_t len = sizeof(*family);

	if (!*family && o->mfd >= 0 && S_ISSOCK(o->type) &&
	    getsockopt(o->mfd, SOL_SOCKET, SO_DOMAIN, family, &len) < 0)
		*family = 0;
	return *family;
}

void fobj_get(struct fobj *o)
{
	o->refs++;
}

/* Watched objects by monitor descriptor: few (a server's channels). */
static struct fobj **watched;
static int nwatched;

void fobj_watch(struct fobj *o, bool on)
{
	if (o->mfd < 0)
		return;
	if (on && o->mfd >= nwatched) {
		int n = nwatched ? nwatched : 64;

		while (n <= o->mfd)
			n *= 2;
		watched = xrealloc(watched, n * sizeof(*watched));
		memset(watched + nwatched, 0, (n - nwatched) * sizeof(*watched));
		nwatched = n;
	}
	if (o->mfd < nwatched)
		watched[o->mfd] = on ? o : NULL;
}

struct fobj *fobj_watched(int mfd)
{
	return mfd >= 0 && mfd < nwatched ? watched[mfd] : NULL;
}

int fobj_watched_max(void)
{
	return nwatched;
}

void fobj_put(struct fobj *o)
{
	if (--o->refs > 0)
		return;
	fobj_watch(o, false);
	if (o->mfd >= 0)
		close(o->mfd);
	if (o->instfd >= 0)
		close(o->instfd);
	free(o->epdata);
	free(o);
}

/* Regular files, directories and the memory devices (null, zero, full,
 * random, urandom: major 1) never block. */
bool fobj_may_block(const struct fobj *o)
{
	if (o->type == S_IFCHR && major(o->rdev) == 1)
		return false;
	return o->type != S_IFREG && o->type != S_IFDIR;
}

struct fobj *fdtab_get(const struct fdtab *t, long fd)
{
	if (fd < 0 || fd >= t->size)
		return NULL;
	return t->ent[fd].obj;
}

static void fdtab_grow(struct fdtab *t, int fd)
{
	int n = t->size ? t->size : 64;

	if (fd < t->size)
		return;
	while (n <= fd)
		n *= 2;
	t->ent = xrealloc(t->ent, n * sizeof(*t->ent));
	memset(t->ent + t->size, 0, (n - t->size) * sizeof(*t->ent));
	t->size = n;
}

void fdtab_set(struct fdtab *t, int fd, struct fobj *o, bool cloexec)
{
	fdtab_grow(t, fd);
	fobj_get(o);	/* first: o may be the object it replaces */
	fdtab_close(t, fd);
	t->ent[fd].obj = o;
	t->ent[fd].cloexec = cloexec;
	t->ent[fd].reserved = false;
	t->ent[fd].closing = false;
}

bool fdtab_is_free(const struct fdtab *t, int fd)
{
	return fd >= t->size || (!t->ent[fd].obj && !t->ent[fd].reserved && !t->ent[fd].closing);
}

bool fdtab_holds(const struct fdtab *t, const struct fobj *o)
{
	int fd;

	for (fd = 0; fd < t->size; fd++)
		if (t->ent[fd].obj == o)
			return true;
	return false;
}

bool fdtab_free_once_closed(const struct fdtab *t, int fd)
{
	return fd >= t->size || (!t->ent[fd].obj && !t->ent[fd].reserved);
}

void fdtab_reserve(struct fdtab *t, int fd)
{
	fdtab_grow(t, fd);
	t->ent[fd].reserved = true;
}

void fdtab_close(struct fdtab *t, int fd)
{
	if (fd < 0 || fd >= t->size || !t->ent[fd].obj)
		return;
	plock_closed(t->vpid, t->ent[fd].obj);
	fobj_put(t->ent[fd].obj);
	t->ent[fd].obj = NULL;
}

void fdtab_closing(struct fdtab *t, int fd)
{
	fdtab_close(t, fd);
	if (fd >= 0 && fd < t->size)
		t->ent[fd].closing = true;
}

void fdtab_closed(struct fdtab *t, int fd)
{
	if (fd >= 0 && fd < t->size)
		t->ent[fd].closing = false;
}

void fdtab_set_cloexec(struct fdtab *t, int fd, bool cloexec)
{
	if (fd >= 0 && fd < t->size && t->ent[fd].obj)
		t->ent[fd].cloexec = cloexec;
}

int fdtab_lowest_free(const struct fdtab *t, int min)
{
	int fd;

	for (fd = min; fd < t->size; fd++)
		if (!t->ent[fd].obj && !t->ent[fd].reserved && !t->ent[fd].closing)
			return fd;
	return fd < min ? min : fd;
}

void fdtab_exec(struct fdtab *t)
{
	int fd;

	for (fd = 0; fd < t->size; fd++)
		if (t->ent[fd].obj && t->ent[fd].cloexec)
			fdtab_close(t, fd);
}

void fdtab_clear(struct fdtab *t)
{
	int fd;

	for (fd = 0; fd < t->size; fd++)
		fdtab_close(t, fd);
	free(t->ent);
	t->ent = NULL;
	t->size = 0;
}
