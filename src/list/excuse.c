/* A replica dead of a signal replicant sent it: a SIGTERM forwarded to
 * every replica, a kill between a replica's own processes, a SIGPIPE. Its
 * peers got, or are about to get, the same signal at the same position and
 * die of it too, but not at the same instant: the tracer reaps one replica
 * while another still has a thread in a call the dead one never made (a
 * clone of a thread that creates threads all day). Counted out at once, the
 * dead replica would make that call short of a majority for good, a
 * divergence, and the run would end 86 where a plain run ends 143.
 *
 * So the dead replica stays counted in votes (run_vote_mask) while its
 * peers may still die of the signal: until --stall-timeout has passed since
 * its death and since the last time that signal went to any replica. This
 * only delays decisions: a call it never made still has no vote, outputs
 * run on a majority of the others, and a call every replica must make
 * waits. Should a peer live on (it catches a signal the dead one did not,
 * a divergence), the waiting calls are looked at again once the excuse
 * ends, and the vote finds it then. */
#include "list/excuse.h"

#include "list/decide.h"
#include "model/run.h"
#include "os/util.h"
#include "signals/signals.h"

void excuse_death(struct replica *r, int sig)
{
	if (sig < 1 || sig > 64 || !(r->sigs_sent & (1ull << (sig - 1))))
		return;
	r->excuse_sig = sig;
	r->excused_from = now_ns();
	debugmsg("replica %d died of signal %d replicant sent it: counted in votes while its "
		 "peers may die of it too", r->idx, sig);
}

static bool excuse_over(const struct replica *r, uint64_t now)
{
	uint64_t from = r->excused_from, sent = sig_last_sent(r->excuse_sig);

	if (sent > from)
		from = sent;
	return now - from >= opt.stall_ns;
}

void excuse_check(void)
{
	uint32_t ended = 0;
	uint64_t now;
	int i;

	for (i = 0; i < opt.n; i++)
		if (replicas[i].excused_from)
			break;
	if (i == opt.n)
		return;	/* no clock read on the main loop's every turn */
	now = now_ns();
	for (i = 0; i < opt.n; i++) {
		struct replica *r = &replicas[i];

		if (r->excused_from && excuse_over(r, now)) {
			r->excused_from = 0;
			ended |= 1u << i;
		}
	}
	if (ended)
		decide_missing(ended);
}
