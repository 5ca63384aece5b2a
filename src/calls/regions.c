/* libreplicant's calls (lib/protocol.h): HELLO, which gives a process its
 * sequential region (seq/seq.c), DECIDE, an outcome decided once for
 * every replica, MISUSE, a region call that failed, and BLOCKED, whether
 * a thread waits for the outside world. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../lib/protocol.h"
#include "calls/calls.h"
#include "end/report.h"
#include "model/peers.h"
#include "seq/seq.h"

const struct handler h_hello = {
	.each = seq_hello,
};

/* The proposal is not compared: replicas propose different things, and
 * the first one's is the answer. */
static enum prep decide_prepare(struct entry *e)
{
	uint64_t v = e->call[e->agreed]->args[0];

	e->ret = v > INT32_MAX ? -EINVAL : (long)v;
	return PREP_DONE;
}

const struct handler h_decide = {
	.prepare = decide_prepare,
};

static const char *rp_call_name(uint64_t call)
{
	static const char *const names[] = {
		[RP_CALL_INIT_DOM] = "init_dom", [RP_CALL_DESTROY_DOM] = "destroy_dom",
		[RP_CALL_ALIAS_DOM] = "alias_dom", [RP_CALL_BEGIN_SEQ] = "begin_seq",
		[RP_CALL_END_SEQ] = "end_seq",
	};

	return call < sizeof(names) / sizeof(names[0]) && names[call] ? names[call] : "?";
}

/* Once, for the first replica: the others made the same call with the same
 * error (or diverge here). */
static enum prep misuse_prepare(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	char what[160];

	snprintf(what, sizeof(what), "%s(%#llx) failed: %s", rp_call_name(c->args[0]),
		 (unsigned long long)c->args[2], strerror((int)c->args[1]));
	report_misuse(e->grp->id, e->grp->vtid, what);
	e->ret = 0;
	return PREP_DONE;
}

const struct handler h_misuse = {
	.prepare = misuse_prepare,
};

/* Only a call the monitor runs for it and has no result for yet waits for
 * the world. Waiting for the other replicas is not: the thread goes on as
 * soon as they come, whatever the world does, and in the replica that
 * comes last the same call is answered at once. */
static struct answer blocked_each(struct entry *e, struct peer *p, struct call *c)
{
	struct peer *q = peer_of_vtid(p->rep, (pid_t)c->args[0]);

	(void)e;
	if (!q || q == p || q->exited || q->waiting != W_NOTIF || !q->entry)
		return ans_val(0);
	return ans_val(q->entry->state == E_RUN && q->entry->mode == M_INPUT);
}

const struct handler h_blocked = {
	.each = blocked_each,
	.unlisted = true,
};
