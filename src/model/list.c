#include "model/list.h"

#include <stdlib.h>
#include <string.h>

#include "end/profile.h"
#include "model/run.h"
#include "model/shadows.h"
#include "os/util.h"

static void entry_free(struct entry *e)
{
	int i;

	for (i = 0; i < MAX_REPLICAS; i++) {
		if (e->call[i]) {
			call_free(e->call[i]);
			free(e->call[i]);
		}
	}
	for (i = 0; i < 6; i++)
		free(e->out[i]);
	if (e->priv)
		fobj_put(e->priv);
	if (e->priv2)
		fobj_put(e->priv2);
	if (e->pinned)
		fobj_put(e->pinned);
	for (i = 0; i < e->nheld; i++)
		fobj_put(e->held[i]);
	free(e->held);
	free(e->heldnum);
	shade_free(e->shade);
	free(e);
}

void entry_hold(struct entry *e, struct fobj *o)
{
	e->held = xrealloc(e->held, (e->nheld + 1) * sizeof(*e->held));
	e->heldnum = xrealloc(e->heldnum, (e->nheld + 1) * sizeof(*e->heldnum));
	fobj_get(o);
	e->heldnum[e->nheld] = -1;
	e->held[e->nheld++] = o;
}

struct entry *list_head(const struct group *g)
{
	return g->base_seq < g->next_seq ? g->ring[g->base_seq & (g->ring_cap - 1)] : NULL;
}

void list_gc(struct group *g)
{
	uint32_t live = run_live_mask();
	struct entry *e;

	while ((e = list_head(g)) && e->state == E_DONE && (e->answered & live) == live) {
		g->ring[g->base_seq & (g->ring_cap - 1)] = NULL;
		g->base_seq++;
		entry_free(e);
	}
}

struct proc *list_proc(const struct entry *e, int r)
{
	return e->grp->member[r]->proc;
}

/* The object pinned when the call was answered before it ran
 * (list/provisional.c) is the one: the replica may have closed or reused
 * the number since. */
struct fobj *list_fobj(const struct entry *e, int r, int i)
{
	if (e->pinned && i == 0)
		return e->pinned;
	return fdtab_get(&list_proc(e, r)->fds, (long)e->call[r]->args[i]);
}

bool list_is_new(const struct entry *e)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if (e->call[i])
			return false;
	return true;
}

static void ring_grow(struct group *g)
{
	uint64_t cap = g->ring_cap ? g->ring_cap * 2 : 256, s;
	struct entry **ring = xcalloc(cap, sizeof(*ring));

	for (s = g->base_seq; s < g->next_seq; s++)
		ring[s & (cap - 1)] = g->ring[s & (g->ring_cap - 1)];
	free(g->ring);
	g->ring = ring;
	g->ring_cap = cap;
}

struct entry *list_entry(struct group *g, uint64_t seq)
{
	struct entry *e;

	if (seq < g->base_seq || seq > g->next_seq)
		return NULL;
	if (seq < g->next_seq)
		return g->ring[seq & (g->ring_cap - 1)];
	if (g->next_seq - g->base_seq >= g->ring_cap)
		ring_grow(g);
	e = xcalloc(1, sizeof(*e));
	e->seq = g->next_seq++;
	e->grp = g;
	e->agreed = -1;
	e->fdnum[0] = e->fdnum[1] = -1;
	/* --profile's wait column wants it exact; a stall or a held write
	 * only to its tick, with no call (os/util.c) */
	e->first_ns = profile_on ? now_ns() : coarse_ns();
	e->stall_from = e->first_ns;
	g->ring[e->seq & (g->ring_cap - 1)] = e;
	return e;
}

struct entry *list_take(struct peer *p, struct call *c, enum mode m, const struct handler *h)
{
	struct entry *e = list_entry(p->grp, p->pos++);

	if (!e || e->call[p->rep->idx])
		die("internal error: peer group %d has no free position %llu", p->grp->id,
		    (unsigned long long)(p->pos - 1));
	if (list_is_new(e)) {
		e->mode = m;
		e->h = h;
	}
	e->call[p->rep->idx] = c;
	list_remember(p->grp, p->rep->idx, e->seq, c);
	return e;
}

void list_remember(struct group *g, int r, uint64_t seq, const struct call *c)
{
	struct past_call *pc;

	if (!g->past)
		g->past = xcalloc((size_t)opt.n * PAST_CALLS, sizeof(*g->past));
	pc = &g->past[r * PAST_CALLS + seq % PAST_CALLS];
	pc->seq = seq;
	pc->nr = c->nr;
	memcpy(pc->args, c->args, sizeof(pc->args));
	pc->used = true;
}

const struct past_call *list_past(const struct group *g, int r, uint64_t seq)
{
	const struct past_call *pc;

	if (!g->past)
		return NULL;
	pc = &g->past[r * PAST_CALLS + seq % PAST_CALLS];
	return pc->used && pc->seq == seq ? pc : NULL;
}
