#include "end/stall.h"

#include "end/report.h"
#include "list/answer.h"
#include "list/decide.h"
#include "list/provisional.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/procfs.h"
#include "os/util.h"
#include "table/filter.h"
#include "seq/seq.h"

/* The replicas in missing may be killed and the run go on. */
static bool may_kill(uint32_t missing)
{
	return opt.on_div == DIV_KILL_MINORITY &&
	       run_healthy() - __builtin_popcount(missing) >= majority;
}

/* How long past --stall-timeout a replica whose thread waits for a CPU
 * is excused (a thread that loops on calls the monitor never sees could
 * look like that for ever). */
#define CPU_WAIT_MAX 10

/* Of the replicas in missing, those whose thread is in a call the monitor
 * has not read yet: they are not behind, the monitor is (15,000 threads
 * of three replicas on two CPUs kept a replica's exit unread for over 10 s
 * while it had long made it). And, for a while, those whose thread was
 * woken in a call and waits for a CPU (3,000 threads leaving a barrier at
 * once at -n 3 on two CPUs: one still in its futex wait, runnable, after
 * the 1 s of a 1 s timeout while a peer had exited). */
static uint32_t on_the_way(const struct group *g, const struct entry *e, uint32_t missing)
{
	bool cpu_ok = now_ns() - e->first_ns < (CPU_WAIT_MAX + 1) * opt.stall_ns;
	uint32_t way = 0;
	unsigned long arg0;
	long nr;
	int i;

	for (i = 0; i < opt.n; i++) {
		const struct peer *p = g->member[i];

		if (!(missing & (1u << i)) || !p || p->exited || p->waiting != W_NONE)
			continue;
		if (procfs_task_call(p->proc->pid, p->tid, &nr, &arg0) != TASK_IN_CALL)
			continue;
		if (filter_notifies(nr) ||
		    (cpu_ok && procfs_task_sched(p->proc->pid, p->tid) == 'R'))
			way |= 1u << i;
	}
	return way;
}

/* A live replica that has not reached the oldest entry others reached
 * stalls the run once --stall-timeout has passed, unless its call is on
 * its way. */
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
	if (!missing)
		return;	/* no clock read: the main loop comes here for every
			 * group, a server's hundreds, at each of its turns */
	waited = now_ns() - e->stall_from;
	if (waited < opt.stall_ns)
		return;
	if (!(missing & ~on_the_way(g, e, missing))) {
		e->stall_from = now_ns(); /* the monitor's backlog does not count */
		return;
	}
	waited = now_ns() - e->first_ns;
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
