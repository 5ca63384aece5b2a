#include "list/decide.h"

#include "end/report.h"
#include "list/answer.h"
#include "list/execute.h"
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
}

/* Acts on a divergence at e according to --on-divergence. */
static void diverged(struct entry *e, const struct tally *t)
{
	if (opt.on_div == DIV_ABORT || !t->possible) {
		report_divergence(e, t, t->winner < 0 ?
				  "run aborted; no majority, the call was not performed" :
				  "run aborted; only the majority's call was performed");
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

void decide_examine(struct entry *e)
{
	struct tally t;
	int i;

	vote_tally(e->call, opt.n, run_live_mask(), majority, &t);
	if (t.differ & run_live_mask()) {
		diverged(e, &t);
		if (run_over)
			return;
		vote_tally(e->call, opt.n, run_live_mask(), majority, &t);
	} else if (!t.possible) {
		diverged(e, &t);
		return;
	}
	if (e->mode == M_OUTPUT && e->state == E_WAIT && t.winner >= 0)
		execute_start(e, t.winner);
	for (i = 0; i < opt.n && e->state == E_DONE; i++) {
		struct peer *p = e->grp->member[i];

		if (p && p->waiting != W_NONE && p->entry == e && !run_over)
			answer_deliver(e, p);
	}
}
