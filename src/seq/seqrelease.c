/* Letting a replica go from the order logs. A replica waits at its turn
 * in a domain for the thread its leader put there. When that thread ended
 * without entering (it saw a flag no region covers earlier than in the
 * leader: Apache's workers read workers_may_exit with no lock as they
 * stop), the entry is passed in that replica (pass_ended()), and it goes
 * on following the logs. When that thread waits, through other domains,
 * for a thread that waits for it (two threads that took two locks in the
 * other order than in the leader), or sleeps outside the regions while
 * every thread of its process sleeps too (a condition variable whose
 * wake-up its leader had and it will never have), the replica can never
 * move again. Rather than a stall that ends the run, its threads take
 * every region of that process as a plain lock from then on: nothing about
 * its outputs changes, each is still voted, so a replica whose threads now
 * run in another order than its peers' shows as a divergence if that order
 * reaches an output, and otherwise (a server that stops) the run ends as
 * it would have. */
#include "end/report.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/procfs.h"
#include "seq/seqreg.h"

/* Entries of an ended thread passed in one go. */
#define PASS_MAX 64

/* Threads followed from one domain in search of a cycle. */
#define CHAIN_MAX 16

uint32_t seq_awaited(const struct seqreg *s, uint32_t slot, int r, bool *order)
{
	const struct rp_rstate *rs = olog_rstate(&s->view, slot, (unsigned)r);
	uint64_t st = atomic_load(&rs->state), t = rp_st_turn(st), e;

	*order = !(st & RP_ST_BUSY);
	if (!*order)
		return atomic_load(&rs->holder);
	e = olog_entry(&s->view, slot, t);
	if (rp_ent_tag(e) != rp_ent_tag_of(t, s->view.log_shift) || (rp_ent_id(e) & RP_ENT_FAILED))
		return 0;
	return rp_ent_id(e);
}

/* Whether replica r's threads wait for each other around a cycle that
 * passes domain slot's turn: each asleep for its turn in a domain whose
 * next (or holder) is the following one, with at least one of them
 * waiting on an order entry (a cycle of holders only is the program's own
 * deadlock, the same unordered). */
static bool waits_in_cycle(const struct seqreg *s, int r, uint32_t slot)
{
	uint32_t v[CHAIN_MAX];
	bool order[CHAIN_MAX];
	pid_t tid;
	int n, i;

	for (n = 0; n < CHAIN_MAX; n++) {
		v[n] = seq_awaited(s, slot, r, &order[n]);
		if (!v[n])
			return false;
		for (i = 0; i < n; i++)
			if (v[i] == v[n])
				break;
		if (i < n) {
			/* v[i] waits in the domain of edge i + 1 ... back to itself */
			for (i++; i <= n; i++)
				if (order[i])
					return true;
			return false;
		}
		tid = peer_real_tid(&replicas[r], (pid_t)v[n]);
		if (tid < 0 || !seq_turn_wait(s, r, s->proc[r]->pid, tid, &slot))
			return false;
	}
	return false;
}

/* Whether every thread of replica r's process sleeps on a futex with no
 * deadline: for a turn, in a condition variable, in a join. Nothing in the
 * process can wake one of them then. Apache worker's stop with 64 threads
 * a child came to it: in the replica behind, the main thread and the
 * listener waited for their turn behind a worker that its leader had
 * woken, and that slept here in its condition variable, for the main
 * thread's broadcast (a cycle through a wait no domain shows). */
static bool process_asleep(const struct seqreg *s, int r)
{
	const struct proc *pr = s->proc[r];
	struct group *g;
	int asleep = 0, k;

	for (g = all_groups; g; g = g->next_all) {
		const struct peer *p = g->member[r];

		if (!p || p->proc != pr)
			continue;
		k = procfs_task_futex_forever(pr->pid, p->tid);
		if (k == 0)
			return false;
		asleep += k > 0;
	}
	return asleep > 0;
}

/* Slots a scan wakes sleepers in: the slot count comes from memory that
 * replicas write, so the work a scan does may not grow with it. */
#define WAKE_MAX 4096u

static void release(struct seqreg *s, int r, uint32_t slot, uint32_t v, const char *why)
{
	s->released |= 1u << r;
	olog_release_replica(&s->view, (unsigned)r);
	s->wake_from = 0;
	report_released(s->gid, r, slot, v, why);
}

/* Wakes the released replicas' threads asleep for a turn, in the used
 * slots from where the last scan stopped: once a replica is released, and
 * again at each scan for a thread that missed the wake. */
static void wake_released(struct seqreg *s)
{
	uint32_t bump = seq_slot_end(s), slot, n = 0;
	int r;

	for (slot = seq_next_used_slot(s, s->wake_from, bump); slot < bump && n < WAKE_MAX;
	     slot = seq_next_used_slot(s, slot + 1, bump), n++)
		for (r = 0; r < opt.n; r++)
			if (s->released & (1u << r))
				olog_wake_sleepers(&s->view, slot, (unsigned)r);
	s->wake_from = slot < bump ? slot : 0;
}

/* Replica r waits in domain slot at the entry of thread v, which ended
 * there without making the region: its peer in the leading replica made one
 * more (Apache's workers read workers_may_exit with no lock as they stop,
 * and one pops the queue once more in one replica). The entry is passed in
 * r, as if v had made an empty region; the others' order holds, and r
 * still follows the logs. Said in the report, not on stderr: nothing is
 * wrong with the run. */
static void pass_ended(struct seqreg *s, int r, uint32_t slot, uint32_t v)
{
	int n = olog_pass_ended(&s->view, slot, (unsigned)r, v, PASS_MAX);

	if (n)
		report_passed(s->gid, r, slot, v, n);
}

/* Replica r, behind a peer in domain slot and still where it was a scan
 * ago; *cycles gets its bit when it waits in a cycle now. */
static void check_replica(struct seqreg *s, int r, uint32_t slot, uint32_t *cycles)
{
	uint32_t v, bit = 1u << r;
	const char *why;
	bool order;

	v = seq_awaited(s, slot, r, &order);
	if ((s->released & bit) || !v || !order)
		return;
	if (peer_life(&replicas[r], (pid_t)v) == THREAD_ENDED) {
		pass_ended(s, r, slot, v);
		return;
	}
	if (waits_in_cycle(s, r, slot))
		why = "waits for a thread that waits for it, through other domains";
	else if (process_asleep(s, r))
		why = "waits for a thread asleep outside the sequential regions, with every thread of "
		      "its process asleep";
	else
		return;
	/* read from /proc while threads move, it can be a mirage: it counts
	 * when two scans a second apart both see it */
	*cycles |= bit;
	if (s->cycled & bit)
		release(s, r, slot, v, why);
}

void seq_release_check(struct seqreg *s, uint64_t now, uint64_t scan_ns)
{
	uint32_t live = run_live_mask() & ~s->released, cycles = 0;
	size_t k;
	int r;

	for (k = 0; k < s->nsus; k++) {
		const struct suspect *x = &s->sus[k];
		uint64_t hi = 0;

		if (now - x->since < scan_ns)
			continue;
		for (r = 0; r < opt.n; r++)
			if ((live & (1u << r)) && x->turns[r] > hi)
				hi = x->turns[r];
		for (r = 0; r < opt.n; r++)
			if ((live & (1u << r)) && s->proc[r] && x->turns[r] < hi &&
			    olog_turn(&s->view, x->slot, (unsigned)r) == x->turns[r])
				check_replica(s, r, x->slot, &cycles);
	}
	s->cycled = cycles & ~s->released;
	if (s->released)
		wake_released(s);
}
