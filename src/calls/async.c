/* O_ASYNC and F_SETOWN on external descriptors. The open file description
 * is one for every replica and the monitor, so its owner cannot be each
 * replica's process: the monitor owns it, with F_SETSIG so that the
 * signal says which descriptor, and passes SIGIO on to the owner's thread
 * in every replica at one position of its syscall list (sig_group), as a
 * kill between a replica's processes is. nginx's master asks for SIGIO on
 * its channel to each worker and stops if it cannot have it. */
#include "calls/async.h"

#include <fcntl.h>
#include <unistd.h>

#include "model/model.h"
#include "model/peers.h"
#include "model/run.h"
#include "signals/signals.h"

void async_apply(struct fobj *o)
{
	bool on = o->async && o->owner > 0;
	int fl;

	if (o->mfd < 0)
		return;
	if (on) {
		fcntl(o->mfd, F_SETSIG, SIG_ASYNC);
		fcntl(o->mfd, F_SETOWN, getpid());
	} else {
		fcntl(o->mfd, F_SETOWN, 0);
	}
	fl = fcntl(o->mfd, F_GETFL);
	if (fl >= 0)
		fcntl(o->mfd, F_SETFL, o->async ? fl | O_ASYNC : fl & ~O_ASYNC);
	fobj_watch(o, on);
}

void async_overflow(void)
{
	int mfd;

	for (mfd = 0; mfd < fobj_watched_max(); mfd++)
		async_signal(mfd);
}

void async_signal(int mfd)
{
	struct fobj *o = fobj_watched(mfd);
	struct peer *t;
	pid_t real;
	int r;

	if (!o || !o->async || o->owner <= 0)
		return;
	for (r = 0; r < opt.n; r++) {
		if (!replicas[r].alive)
			continue;
		real = peer_real_tid(&replicas[r], o->owner);
		if (real > 0 && (t = peer_find(real))) {
			sig_group(t->grp, SIGIO, false);
			return;
		}
	}
}
