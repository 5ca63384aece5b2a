#include "model/shadows.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/model.h"
#include "os/util.h"

struct shadow {
	dev_t dev;
	ino_t ino;
	int fd[MAX_REPLICAS];	/* each replica's copy, or -1 */
	int file;		/* the file, held open so that its inode number
				 * names no other file while the copies live */
	struct shadow *next;
};

struct shade {
	struct shadow *s;	/* the copied file; NULL for a snapshot */
	enum { SH_SNAP, SH_WRITE, SH_TRUNC, SH_FALLOC } kind;
	int fd;			/* SH_SNAP: the snapshot (a memfd) */
	int mode;		/* SH_FALLOC's */
	off_t off, len;		/* SH_TRUNC: off is the size */
	void *data;		/* SH_WRITE's bytes */
};

/* Few: the files a run maps shared (a database's index, semaphores). */
static struct shadow *shadows;

static struct shadow *find(int mfd)
{
	struct shadow *s;
	struct stat st;

	if (!shadows || fstat(mfd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	for (s = shadows; s; s = s->next)
		if (s->dev == st.st_dev && s->ino == st.st_ino)
			return s;
	return NULL;
}

bool shadow_exists(int mfd)
{
	return find(mfd) != NULL;
}

bool shadow_missing(int mfd, uint32_t replicas)
{
	struct shadow *s = find(mfd);
	int r;

	for (r = 0; r < MAX_REPLICAS; r++)
		if ((replicas & (1u << r)) && (!s || s->fd[r] < 0))
			return true;
	return false;
}

static int pwrite_all(int fd, const void *buf, size_t len, off_t at)
{
	const char *b = buf;

	while (len) {
		ssize_t n = pwrite(fd, b, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		b += n, len -= (size_t)n, at += n;
	}
	return 0;
}

/* Copies size bytes of from into a new memfd; -errno. */
static int copy_of(int from, off_t size)
{
	static char buf[1 << 16];
	int fd = memfd_create("replicant-copy", MFD_CLOEXEC);
	off_t at;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0)
		goto fail;
	for (at = 0; at < size;) {
		size_t want = size - at < (off_t)sizeof(buf) ? (size_t)(size - at) : sizeof(buf);
		ssize_t got = pread(from, buf, want, at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;	/* the file shrank: the rest stays zero */
		if (pwrite_all(fd, buf, (size_t)got, at) < 0)
			goto fail;
		at += got;
	}
	return fd;
fail:
	at = -errno;
	close(fd);
	return (int)at;
}

struct shade *shade_snapshot(int mfd, int *err)
{
	struct shade *sh;
	struct stat st;
	int fd;

	if (fstat(mfd, &st) < 0) {
		*err = -errno;
		return NULL;
	}
	fd = copy_of(mfd, st.st_size);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	sh = xcalloc(1, sizeof(*sh));
	sh->kind = SH_SNAP;
	sh->fd = fd;
	return sh;
}

static struct shadow *shadow_add(int mfd)
{
	struct shadow *s = xcalloc(1, sizeof(*s));
	struct stat st;
	int r;

	if (fstat(mfd, &st) < 0)
		die_errno("fstat of a mapped file");
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->file = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
	if (s->file < 0)
		die_errno("keeping a mapped file open");
	for (r = 0; r < MAX_REPLICAS; r++)
		s->fd[r] = -1;
	s->next = shadows;
	shadows = s;
	return s;
}

int shadow_take(int mfd, int r, const struct shade *snap)
{
	struct shadow *s = find(mfd);
	struct stat st;
	int fd;

	if (s && s->fd[r] >= 0)
		return s->fd[r];
	if (!snap || snap->kind != SH_SNAP)
		return -ENOENT;
	if (fstat(snap->fd, &st) < 0)
		return -errno;
	fd = copy_of(snap->fd, st.st_size);
	if (fd < 0)
		return fd;
	if (!s)
		s = shadow_add(mfd);
	s->fd[r] = fd;
	return fd;
}

static struct shade *shade_new(int mfd, int kind, off_t off, off_t len)
{
	struct shadow *s = find(mfd);
	struct shade *sh;

	if (!s)
		return NULL;
	sh = xcalloc(1, sizeof(*sh));
	sh->s = s;
	sh->kind = kind;
	sh->fd = -1;
	sh->off = off;
	sh->len = len;
	return sh;
}

struct shade *shade_write(int mfd, off_t off, const void *data, size_t len)
{
	struct shade *sh = len ? shade_new(mfd, SH_WRITE, off, (off_t)len) : NULL;

	if (sh) {
		sh->data = xmalloc(len);
		memcpy(sh->data, data, len);
	}
	return sh;
}

struct shade *shade_truncate(int mfd, off_t size)
{
	return shade_new(mfd, SH_TRUNC, size, 0);
}

struct shade *shade_fallocate(int mfd, int mode, off_t off, off_t len)
{
	struct shade *sh = shade_new(mfd, SH_FALLOC, off, len);

	if (sh)
		sh->mode = mode;
	return sh;
}

/* The copy is the replica's own memory: a failure to follow the file is
 * reported, and the replica goes on with what it has. */
void shade_apply(const struct shade *sh, int r)
{
	int fd = sh && sh->s ? sh->s->fd[r] : -1;
	struct stat st;
	int err = 0;

	if (fd < 0)
		return;
	switch (sh->kind) {
	case SH_WRITE:
		if (fstat(fd, &st) == 0 && st.st_size < sh->off + sh->len)
			err = ftruncate(fd, sh->off + sh->len);
		if (!err)
			err = pwrite_all(fd, sh->data, (size_t)sh->len, sh->off);
		break;
	case SH_TRUNC:
		err = ftruncate(fd, sh->off);
		break;
	case SH_FALLOC:
		err = fallocate(fd, sh->mode, sh->off, sh->len);
		break;
	case SH_SNAP:
	default:
		break;
	}
	if (err < 0)
		warnmsg("replica %d's copy of a file it maps shared did not follow a change "
			"to the file: %s", r, strerror(errno));
}

void shade_free(struct shade *sh)
{
	if (!sh)
		return;
	if (sh->kind == SH_SNAP && sh->fd >= 0)
		close(sh->fd);
	free(sh->data);
	free(sh);
}
