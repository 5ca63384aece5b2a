#include "model/peers.h"

#include <stdlib.h>

#include "model/run.h"
#include "os/util.h"

#define TID_HASH 1024

static struct peer *tid_hash[TID_HASH];

struct peer *peer_new(struct replica *r, pid_t tid, struct proc *pr, struct group *g)
{
	struct peer *p = xcalloc(1, sizeof(*p));
	struct peer **b = &tid_hash[tid % TID_HASH];

	p->tid = tid;
	p->rep = r;
	p->proc = pr;
	p->grp = g;
	p->closing_fd = -1;
	p->closing_hi = -1;
	pr->refs++;
	g->member[r->idx] = p;
	p->hnext = *b;
	*b = p;
	return p;
}

struct peer *peer_find(pid_t tid)
{
	struct peer *p;

	for (p = tid_hash[tid % TID_HASH]; p; p = p->hnext)
		if (p->tid == tid)
			return p;
	return NULL;
}

void peer_remove(struct peer *p)
{
	struct peer **pp = &tid_hash[p->tid % TID_HASH];

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
}

void peer_each(void (*fn)(struct peer *p))
{
	struct peer *p, *next;
	int i;

	for (i = 0; i < TID_HASH; i++)
		for (p = tid_hash[i]; p; p = next) {
			next = p->hnext;
			fn(p);
		}
}

/* Ended threads leave the tid hash (their ids may be reused) but stay in
 * their groups: a child that has exited is still waited for by its id. */
pid_t peer_vtid(const struct replica *r, pid_t tid)
{
	struct peer *p = peer_find(tid);
	struct group *g;

	if (p && p->rep == r)
		return p->grp->vtid;
	for (g = all_groups; g; g = g->next_all)
		if (g->member[r->idx] && g->member[r->idx]->tid == tid)
			return g->vtid;
	return tid;
}

/* The group whose threads every replica sees as vtid, or NULL. */
static struct group *group_of_vtid(pid_t vtid)
{
	struct group *g;

	for (g = all_groups; g; g = g->next_all)
		if (g->vtid == vtid)
			return g;
	return NULL;
}

struct peer *peer_of_vtid(const struct replica *r, pid_t vtid)
{
	struct group *g = group_of_vtid(vtid);

	return g ? g->member[r->idx] : NULL;
}

pid_t peer_real_tid(const struct replica *r, pid_t vtid)
{
	struct peer *p = peer_of_vtid(r, vtid);

	return p ? p->tid : -1;
}

enum thread_life peer_life(const struct replica *r, pid_t vtid)
{
	struct group *g = group_of_vtid(vtid);

	if (!g)
		return THREAD_ENDED;
	if (!g->member[r->idx])
		return THREAD_UNBORN;
	return g->member[r->idx]->exited ? THREAD_ENDED : THREAD_LIVE;
}
