/* Writes answered before they run. A voted write waits until a majority of
 * replicas made it. When the write is made while its thread holds a lock
 * the monitor cannot see (stdio's lock on a FILE, shared by the program's
 * threads), replicas whose threads took that lock in different orders wait
 * for each other for ever: thread X of replica 0 writes and waits for X of
 * replica 1, which waits for the lock that Y of replica 1 holds while it
 * writes and waits for Y of replica 0, which waits for X's lock.
 *
 * So a write that has waited PROVISIONAL_NS for its peers is answered
 * with the result it will have, and run once a majority agrees, as always:
 * nothing leaves before the vote. Only writes whose result is known in
 * advance qualify: a blocking write of the whole buffer to a pipe, a
 * terminal or a regular file. Should it then return something else (the
 * disk filled up, the reader went away), the run stops: replicas were told
 * a result that did not happen.
 *
 * A write to a regular file or a memory device is answered at once
 * (provisional_at_once): no reader can go away there, and the first
 * replica need not wait at each write for the slowest. Either way one
 * replica at most is answered early at a write, and a replica with early
 * writes pending leads no input and ends no run (a refusal) until they
 * have run. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "list/answer.h"
#include "list/execute.h"
#include "list/provisional.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/procs.h"
#include "model/run.h"
#include "model/shadows.h"
#include "os/util.h"

#define PROVISIONAL_NS 50000000ull
/* Writes answered at once: at most this many pending per replica, each at
 * most this long (the monitor holds each replica's copy until it runs). */
#define AT_ONCE_MAX 256
#define AT_ONCE_LEN (64 * 1024)

/* The result a write will have, or 0 when it is not known in advance.
 * All replicas answered early must write to one file, the one the entry
 * pins: *file. */
static long known_result(const struct entry *e, int r, struct fobj **file)
{
	const struct call *c = e->call[r];
	struct fobj *o;
	int fl;

	if (c->nr != SYS_write || !c->len[1] || c->len[1] != c->args[2])
		return 0;
	o = list_fobj(e, r, 0);
	if (!o || o->private_ || o->mfd < 0 || (*file && o != *file))
		return 0;
	if (shadow_exists(o->mfd))
		return 0;	/* a replica's copy of it follows the write as it runs */
	*file = o;
	if (!S_ISFIFO(o->type) && !S_ISREG(o->type) && !S_ISCHR(o->type))
		return 0;
	fl = fcntl(o->mfd, F_GETFL);
	if (fl < 0 || (fl & (O_NONBLOCK | O_DIRECT)))
		return 0;	/* O_DIRECT: an unaligned length fails (EINVAL) */
	return (long)c->len[1];
}

/* Answers replica i of e with res, the result e will have. One replica at
 * most per entry: the others wait until e has run, so no later entry of
 * g finds a majority before e has one (two replicas answered early at a
 * write they made differently could agree on their next call, exit_group,
 * and leave the run before the vote on e). */
static void answer_early(struct group *g, struct entry *e, struct fobj *file, int i, long res)
{
	struct peer *p = g->member[i];

	if (e->early)
		return;
	e->provisional = res;
	if (!e->pinned) {
		fobj_get(file);
		e->pinned = file;
	}
	debugmsg("replica %d group %d pos %llu: answered %ld before the vote", i, g->id,
		 (unsigned long long)e->seq, res);
	answer_send(p, ans_val(res));
	e->answered |= 1u << i;
	e->early |= 1u << i;
	p->rep->unsettled++;
}

/* A write whose result cannot turn out otherwise short of a full disk:
 * to a regular file, or to a memory device (/dev/null), whose readers are
 * not waiting on it. A pipe's reader may go away before the vote (EPIPE):
 * only the wait of provisional_entry() answers those. */
void provisional_at_once(struct entry *e, struct peer *p)
{
	struct fobj *file = e->pinned, *o;
	int i = p->rep->idx;
	long res;

	/* not in a process with threads: its other threads' inputs would be
	 * held too, while the replica may lead orders its peers follow to get
	 * to this write (a stall seen once at -n 3, mixed.py) */
	if (e->state != E_WAIT || e->mode != M_OUTPUT || p->waiting != W_NOTIF || p->entry != e ||
	    p->proc->threaded || p->rep->unsettled >= AT_ONCE_MAX || !e->call[i] ||
	    e->call[i]->len[1] > AT_ONCE_LEN)
		return;
	o = list_fobj(e, i, 0);
	if (!o || !(S_ISREG(o->type) || (S_ISCHR(o->type) && major(o->rdev) == 1)))
		return;
	res = known_result(e, i, &file);
	if (res)
		answer_early(e->grp, e, file, i, res);
}

/* A write of g still waiting for a majority, if it waited long enough:
 * the replicas that made it go on. */
static void provisional_entry(struct group *g, struct entry *e)
{
	struct fobj *file = e ? e->pinned : NULL;
	int first = -1;		/* the first replica whose thread waits in e */
	long res = 0;
	int i;

	if (!e || e->state != E_WAIT || e->mode != M_OUTPUT || now_ns() - e->first_ns < PROVISIONAL_NS)
		return;
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];
		long got;

		if (!e->call[i] || !p || p->entry != e || p->waiting != W_NOTIF)
			continue;
		got = known_result(e, i, &file);
		if (!got || (res && got != res))
			return;
		res = got;
		if (first < 0)
			first = i;
	}
	if (res)
		answer_early(g, e, file, first, res);
}

/* A replica told that its write ran must not look at the world before it
 * has: its file, read back by another thread, would miss the data. So an
 * input is led only by a replica with no such write pending; one whose
 * first arrival is held here is run when the replica's writes have all
 * run (provisional_settle), unless a settled peer leads it before. */
bool provisional_holds(const struct peer *p)
{
	if (!p->rep->unsettled)
		return false;
	debugmsg("replica %d group %d: input held until %d write(s) answered early have run",
	       p->rep->idx, p->grp->id, p->rep->unsettled);
	return true;
}

bool provisional_defer_refusal(struct peer *p, struct call *c, const char *why)
{
	if (!p->rep->unsettled)
		return false;
	debugmsg("replica %d group %d: refusal held until %d write(s) answered early have run",
		 p->rep->idx, p->grp->id, p->rep->unsettled);
	p->refused = c;
	p->refused_why = why;
	p->entry = NULL;
	return true;
}

/* e ran: the replicas answered early may lead inputs again, and those
 * they were made to hold start now. */
void provisional_settle(struct entry *e)
{
	struct group *g;
	int i;

	for (i = 0; i < opt.n; i++) {
		if (!(e->early & (1u << i)) || --replicas[i].unsettled)
			continue;
		for (g = all_groups; g && !run_over; g = g->next_all) {
			struct peer *p = g->member[i];
			struct entry *held = p ? p->entry : NULL;

			if (p && p->refused) {
				answer_refuse(p, p->refused, p->refused_why);
				return;	/* the run is over */
			}

			if (held && p->waiting == W_NOTIF && held->mode == M_INPUT &&
			    held->state == E_WAIT && held->call[i])
				execute_input(held, i);
		}
	}
	e->early = 0;
}

/* Every write of g that a replica waits on, not only the oldest: a
 * replica answered early at position k goes on to its next write at k + 1
 * while its peers are still behind k, and that write may hold the same
 * FILE lock again (the cycle of the first one, a position later). */
void provisional_check(struct group *g)
{
	int i;

	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->waiting == W_NOTIF)
			provisional_entry(g, p->entry);
	}
}
