#include "model/groups.h"

#include <stdio.h>
#include <stdlib.h>

#include "list/clockstream.h"
#include "model/run.h"
#include "os/util.h"

struct group group0;
struct group *all_groups = &group0;
static int ngroups = 1;

/* Virtual ids of threads and processes after the first lie above every
 * real id (pid_max), so that a real id can never be taken for one. */
static pid_t vtid_base(void)
{
	static pid_t base;
	FILE *f;

	if (base)
		return base;
	base = 4194304;
	f = fopen("/proc/sys/kernel/pid_max", "re");
	if (f) {
		if (fscanf(f, "%d", &base) != 1 || base <= 0)
			base = 4194304;
		fclose(f);
	}
	return base;
}

struct group *group_child(struct group *g, int k)
{
	struct group *c;

	if (k < g->nkids)
		return g->kids[k]; /* NULL once finished and freed */
	g->kids = xrealloc(g->kids, (k + 1) * sizeof(*g->kids));
	c = xcalloc(1, sizeof(*c));
	c->id = ngroups++;
	c->vtid = vtid_base() + c->id;
	c->next_all = all_groups;
	c->parent = g;
	c->index = g->nkids;
	all_groups = c;
	g->kids[g->nkids++] = c;
	return c;
}

/* Every thread reported its end (a replica's ending does not mean its
 * threads' ends were reported yet), and no live replica has yet to create
 * its own. */
bool group_finished(const struct group *g)
{
	int i;

	if (!g->is_thread || g->base_seq != g->next_seq)
		return false;
	for (i = 0; i < opt.n; i++)
		if (g->member[i] ? !g->member[i]->exited : replicas[i].alive)
			return false;
	return true;
}

void group_free(struct group *g)
{
	struct group **pp;
	int i;

	for (pp = &all_groups; *pp && *pp != g; pp = &(*pp)->next_all)
		;
	if (*pp)
		*pp = g->next_all;
	if (g->parent && g->index < g->parent->nkids && g->parent->kids[g->index] == g)
		g->parent->kids[g->index] = NULL;
	for (i = 0; i < g->nkids; i++)
		if (g->kids[i])
			g->kids[i]->parent = NULL;
	for (i = 0; i < opt.n; i++)
		free(g->member[i]);
	free(g->kids);
	free(g->ring);
	free(g->past);
	clockstream_free(g);
	free(g);
}
