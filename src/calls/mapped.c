/* Shared mappings of files, and the writes that keep each replica's copy
 * of a mapped file in step with the file (model/shadows.h).
 *
 * mmap reaches the monitor only for shared mappings of a descriptor
 * (SF_SHARED_MAP). One of a regular file of the world is decided once: a
 * replica that may write through it (the descriptor is open for reading
 * and writing) gets its own copy, made from the file's content at that
 * place in the list, and installed at the descriptor's number before the
 * kernel maps it. The descriptor then names the copy in that replica's
 * kernel, which only its own mappings use: every call on the number still
 * reaches the monitor, which runs it on the file. A read-only mapping maps
 * the replica's copy when it has one (reopened read-only, so that
 * mprotect cannot make it writable), the file otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "model/run.h"
#include "model/shadows.h"

static enum mode mmap_classify(struct peer *p, struct call *c)
{
	struct fobj *o = proc_fobj(p->proc, (long)c->args[4]);

	if (!o || o->private_)
		return M_EACH;
	if (S_ISREG(o->type))
		return M_INPUT;
	if (o->accmode != O_RDONLY) {
		c->why = "a shared mapping of a device or socket open for writing would bypass "
			 "the vote";
		return M_REFUSE;
	}
	return M_EACH;
}

static struct answer mmap_each(struct entry *e, struct peer *p, struct call *c)
{
	(void)e;
	return proc_fobj(p->proc, (long)c->args[4]) ? ans_cont() : ans_val(-EBADF);
}

/* The snapshot replicas without a copy start from, when one may write.
 * MAP_SYNC (InnoDB's redo log, on a DAX disk) cannot map a copy: it fails
 * as on a disk without DAX, and the program falls back to writes. */
static enum prep mmap_prepare(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	struct fobj *o = list_fobj(e, e->agreed, 4);
	int err = 0;

	e->ret = 0;
	if ((c->args[3] & MAP_TYPE) == MAP_SHARED_VALIDATE && (c->args[3] & MAP_SYNC)) {
		e->ret = -EOPNOTSUPP;
		return PREP_DONE;
	}
	if (o && o->accmode == O_RDWR && shadow_missing(o->mfd, run_live_mask())) {
		e->shade = shade_snapshot(o->mfd, &err);
		e->ret = err;
	}
	return PREP_DONE;
}

/* A descriptor of the copy with the access mode of the replica's. */
static int copy_for(struct fobj *o, int r, const struct shade *snap)
{
	char path[64];
	int fd = shadow_take(o->mfd, r, o->accmode == O_RDWR ? snap : NULL);

	if (fd < 0 || o->accmode == O_RDWR)
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = open(path, (o->accmode == O_WRONLY ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static struct answer mmap_deliver(struct entry *e, struct peer *p)
{
	struct call *c = e->call[p->rep->idx];
	int fd = (int)c->args[4], copy, got;
	struct fobj *o = proc_fobj(p->proc, fd);

	if (!o)
		return ans_val(-EBADF);
	if (e->ret < 0)
		return ans_val(e->ret);
	copy = copy_for(o, p->rep->idx, e->shade);
	if (copy == -ENOENT)
		return ans_cont();	/* the file itself, read-only */
	if (copy < 0)
		return ans_val(copy);
	got = calls_addfd(p, copy, fd, p->proc->fds.ent[fd].cloexec);
	if (o->accmode != O_RDWR)
		close(copy);
	return got < 0 ? ans_val(got) : ans_cont();
}

const struct handler h_mmap = {
	.classify = mmap_classify,
	.each = mmap_each,
	.prepare = mmap_prepare,
	.deliver = mmap_deliver,
};

/* Where a write that returned ret put its bytes: its offset argument, or
 * the file position it left (the monitor shares the open file). */
static off_t written_at(const struct call *c, int mfd, long ret, int off_arg)
{
	off_t end;

	if (off_arg >= 0 && (c->nr != SYS_pwritev2 || (int64_t)c->args[off_arg] != -1))
		return (off_t)c->args[off_arg];
	end = lseek(mfd, 0, SEEK_CUR);
	return end < 0 ? -1 : end - ret;
}

/* The write family only: the calls whose first argument is a descriptor
 * of a file whose content or size they change. */
static bool changes_file(long nr)
{
	switch (nr) {
	case SYS_write:
	case SYS_writev:
	case SYS_pwrite64:
	case SYS_pwritev:
	case SYS_pwritev2:
	case SYS_ftruncate:
	case SYS_fallocate:
		return true;
	default:
		return false;
	}
}

void mapped_note(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	int off_arg = c->nr == SYS_pwrite64 || c->nr == SYS_pwritev || c->nr == SYS_pwritev2 ? 3 : -1;
	struct fobj *o;
	off_t at;

	if (e->ret < 0 || e->mode != M_OUTPUT || !changes_file(c->nr))
		return;
	o = list_fobj(e, e->agreed, 0);
	if (!o || o->mfd < 0 || !S_ISREG(o->type) || !shadow_exists(o->mfd))
		return;
	if (c->nr == SYS_ftruncate) {
		e->shade = shade_truncate(o->mfd, (off_t)c->args[1]);
	} else if (c->nr == SYS_fallocate) {
		e->shade = shade_fallocate(o->mfd, (int)c->args[1], (off_t)c->args[2],
					   (off_t)c->args[3]);
	} else {
		at = written_at(c, o->mfd, e->ret, off_arg);
		if (at >= 0 && (size_t)e->ret <= c->len[1])
			e->shade = shade_write(o->mfd, at, c->buf[1], (size_t)e->ret);
	}
}

void mapped_deliver(struct entry *e, struct peer *p)
{
	if (e->shade)
		shade_apply(e->shade, p->rep->idx);
}
