#include "list/decide.h"

#include <stdio.h>

#include "end/report.h"
#include "list/answer.h"
#include "list/execute.h"
#include "model/groups.h"
#include "model/run.h"
#include "os/util.h"
#include "seq/seq.h"
#include "table/vote.h"

void decide_kill(uint32_t mask)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if ((mask & (1u << i)) && run_kill_replica(i))
			seq_replica_gone(i);
	decide_waiting();
}

/* What the report says of a run that a divergence at e ends: whether the
 * call ran, and whose. A report must never say a call was not performed
 * when it was: an input runs for the first replica to arrive, and a call
 * on a replica's own objects runs in each replica at once. */
static const char *abort_action(const struct entry *e, const struct tally *t)
{
	static char buf[160];

	if (e->state == E_WAIT)
		return "run aborted; no majority, the call was not performed";
	if (e->mode == M_EACH)
		return "run aborted; each replica that made the call ran it itself, on its own objects";
	if (t->winner >= 0 && e->agreed >= 0 && (t->agree & (1u << e->agreed)))
		return "run aborted; only the majority's call was performed";
	snprintf(buf, sizeof(buf), "run aborted; the call was performed once, for replica %d (the "
		 "first to arrive), and not for the others", e->agreed);
	return buf;
}

/* Acts on a divergence at e according to --on-divergence. */
static void diverged(struct entry *e, const struct tally *t)
{
	if (opt.on_div == DIV_ABORT || !t->possible) {
		report_divergence(e, t, abort_action(e, t));
		run_end(opt.divergence_exit);
		return;
	}
	if (t->winner < 0)
		return; /* wait for the replicas yet to come */
	if (e->agreed >= 0 && !(t->agree & (1u << e->agreed))) {
		report_divergence(e, t, "run aborted; a minority replica's input was already performed");
		run_end(opt.divergence_exit);
		return;
	}
	report_divergence(e, t, "minority replica(s) killed; the run goes on");
	decide_kill(t->differ);
	if (run_healthy() < majority) {
		warnmsg("fewer than %d replicas are left; run aborted", majority);
		run_end(opt.divergence_exit);
	}
}

/* Every replica the vote waits for has made its call at e. */
static bool all_came(const struct entry *e)
{
	uint32_t live = run_vote_mask();
	int i;

	for (i = 0; i < opt.n; i++)
		if ((live & (1u << i)) && !e->call[i])
			return false;
	return true;
}

/* Looks again at every waiting entry pick(e, gone) chooses. */
static void examine_waiting(bool (*pick)(const struct entry *e, uint32_t gone), uint32_t gone)
{
	struct group *g;
	uint64_t s;

	for (g = all_groups; g && !run_over; g = g->next_all)
		for (s = g->base_seq; s < g->next_seq && !run_over; s++) {
			struct entry *e = g->ring[s & (g->ring_cap - 1)];

			if (e && e->state == E_WAIT && pick(e, gone))
				decide_examine(e);
		}
}

static bool waits_for_all(const struct entry *e, uint32_t gone)
{
	(void)gone;
	return e->wait_all;
}

/* e still lacks the call of a replica in gone. */
static bool lacks(const struct entry *e, uint32_t gone)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if ((gone & (1u << i)) && !e->call[i])
			return true;
	return false;
}

void decide_waiting(void)
{
	examine_waiting(waits_for_all, 0);
}

void decide_missing(uint32_t gone)
{
	examine_waiting(lacks, gone);
}

void decide_examine(struct entry *e)
{
	struct tally t;
	int i;

	vote_tally(e->call, opt.n, run_vote_mask(), majority, &t);
	if (t.differ & run_live_mask()) {
		diverged(e, &t);
		if (run_over)
			return;
		vote_tally(e->call, opt.n, run_vote_mask(), majority, &t);
	} else if (!t.possible) {
		diverged(e, &t);
		return;
	}
	if (e->mode == M_OUTPUT && e->state == E_WAIT && t.winner >= 0 && !e->wait_all)
		execute_start(e, t.winner);
	else if (e->wait_all && e->state == E_WAIT && t.winner >= 0 && all_came(e))
		execute_start(e, t.winner);
	for (i = 0; i < opt.n && e->state == E_DONE; i++) {
		struct peer *p = e->grp->member[i];

		if (p && p->waiting != W_NONE && p->entry == e && !run_over)
			answer_deliver(e, p);
	}
}
