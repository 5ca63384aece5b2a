/* Pieces several families of handlers share. */
#include "calls/calls.h"
#include "model/procs.h"
#include "os/notif.h"

int calls_addfd(struct peer *p, int mfd, int target, bool cloexec)
{
	return notif_addfd(p->rep->listener, p->notif_id, mfd, target, cloexec, false);
}

int calls_addfd_send(struct peer *p, int mfd, int target, bool cloexec)
{
	int fd = notif_addfd(p->rep->listener, p->notif_id, mfd, target, cloexec, true);

	if (fd >= 0)
		p->waiting = W_NONE; /* the ioctl answered the call */
	return fd;
}

void calls_newfd_finish(struct entry *e)
{
	if (e->ret >= 0) {
		e->priv = fobj_new((int)e->ret, false);
		fobj_get(e->priv); /* the entry's reference */
	}
}

/* Gives the new external object to p as the call's result. */
struct answer calls_newfd_deliver(struct entry *e, struct peer *p, bool cloexec)
{
	int fd, err;

	if (e->ret < 0 || !e->priv)
		return ans_val(e->ret);
	err = generic_copy_out(e, p);
	if (err)
		return ans_val(err);
	fd = calls_addfd_send(p, e->priv->instfd >= 0 ? e->priv->instfd : e->priv->mfd,
			     proc_fd_number(e, p, 0, 0), cloexec);
	if (fd < 0)
		return ans_val(fd);
	fdtab_set(&p->proc->fds, fd, e->priv, cloexec);
	return ans_sent();
}

/* A call the replica makes itself, after comparison, that touches nothing
 * outside it:
 * - a thread's exit keeps its place in the list, but does not wait for its
 *   peers, who may be blocked on a lock this thread's replica-mates hold
 *   (pigz joins its threads in whatever order they end);
 * - credentials the process changes for itself: with no_new_privs it can
 *   only give privileges up (posix_spawn with POSIX_SPAWN_RESETIDS);
 * - the prctl options in calls/proc.c's prctl_own. */
struct answer calls_own_each(struct entry *e, struct peer *p, struct call *c)
{
	(void)e, (void)p, (void)c;
	return ans_cont();
}

enum prep calls_cont_prepare(struct entry *e)
{
	e->cont = true;
	return PREP_DONE;
}
