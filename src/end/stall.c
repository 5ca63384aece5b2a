#include "end/stall.h"

#include "end/report.h"
#include "list/answer.h"
#include "list/decide.h"
#include "list/provisional.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/util.h"
#include "seq/seq.h"

/* The replicas in missing may be killed and the run go on. */
static bool may_kill(uint32_t missing)
{
	return opt.on_div == DIV_KILL_MINORITY &&
	       run_healthy() - __builtin_popcount(missing) >= majority;
}

/* A live replica that has not reached the oldest entry others reached
 * stalls the run once --stall-timeout has passed. */
static void check_group(struct group *g)
{
	struct entry *e = list_head(g);
	uint32_t live = run_live_mask(), arrived = 0, missing;
	uint64_t waited;
	int i;

	provisional_check(g);
	if (!e || run_over)
		return;
	for (i = 0; i < opt.n; i++)
		if (e->call[i])
			arrived |= 1u << i;
	missing = live & ~arrived;
	waited = now_ns() - e->first_ns;
	if (!missing || waited < opt.stall_ns)
		return;
	if (may_kill(missing)) {
		report_stall(e, missing, waited, "stalled replica(s) killed; the run goes on");
		decide_kill(missing);
		decide_examine(e);
		answer_gc(g);
		return;
	}
	report_stall(e, missing, waited, "run aborted");
	run_end(opt.divergence_exit);
}

/* A domain of sequential regions where live replicas stopped behind the
 * one furthest ahead: those are the stalled ones. */
static void region_stalled(const struct seq_stall *st)
{
	uint32_t live = run_live_mask(), behind = 0;
	uint64_t hi = 0;
	int i;

	for (i = 0; i < opt.n; i++)
		if ((live & (1u << i)) && st->turn[i] > hi)
			hi = st->turn[i];
	for (i = 0; i < opt.n; i++)
		if ((live & (1u << i)) && st->turn[i] < hi)
			behind |= 1u << i;
	if (may_kill(behind)) {
		report_region_stall(st, "stalled replica(s) killed; the run goes on");
		decide_kill(behind);
		return;
	}
	report_region_stall(st, "run aborted");
	run_end(opt.divergence_exit);
}

void stall_check(void)
{
	struct seq_stall st;
	struct group *g;

	for (g = all_groups; g && !run_over; g = g->next_all)
		check_group(g);
	if (!run_over && seq_check_stall(&st))
		region_stalled(&st);
}
