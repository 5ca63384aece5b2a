/* A program that misuses the sequential-region API once of each kind, for
 * tests/t/95-seq-misuse.t: under replicant every failed call is a line in
 * the monitor's report (MISUSE, protocol.h). It prints each call and its
 * error number, the same in every replica and with REPLICANT_SEQ_CHECK=1.
 * Labels are constants, not addresses, so that the report's lines are the
 * same from run to run. It links libreplicant's objects to reach its
 * replica's state in the shared region (rp_olog()), which a program never
 * needs: nesting 2^32 deep and a scribbled log are made by hand. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <replicant.h>

#include "protocol.h"
#include "replicant_int.h"

#define DOM_A 0x1000L		/* a domain */
#define DOM_B 0x2000L		/* another */
#define DOM_P 0x3000L		/* the one whose log is scribbled on */
#define NONE 0x5eedL		/* names no domain */
#define ALIAS 0x4000L

static void say(const char *what, int err)
{
	char line[80];
	int n = snprintf(line, sizeof(line), "%s: %d\n", what, err);

	if (write(1, line, (size_t)n) != n)
		exit(3);
}

/* The slot of a label in the shared region, or exit. */
static char *slot_of(long label)
{
	struct olog *lg = rp_olog();
	uint32_t slot;

	if (rp_lookup(label, &slot))
		exit(4);
	return lg->doms + (size_t)slot * lg->dom_stride;
}

/* This replica's state in label's domain. */
static struct rp_rstate *state_of(long label)
{
	return (struct rp_rstate *)(slot_of(label) + sizeof(struct rp_dom)) + rp_olog()->replica;
}

int main(void)
{
	struct rp_rstate *rs;
	char *log;

	if (!rp_replicated()) {
		fprintf(stderr, "misuse: not under replicant nor REPLICANT_SEQ_CHECK=1\n");
		return 2;
	}
	if (init_dom(DOM_A) || init_dom(DOM_B) || init_dom(DOM_P))
		return 1;

	say("init_dom twice (EEXIST)", init_dom(DOM_A));
	say("init_dom(0) (EEXIST)", init_dom(0));
	say("begin_seq unknown label (EINVAL)", begin_seq(NONE));
	say("end_seq unknown label (EINVAL)", end_seq(NONE));
	say("end_seq without begin_seq (EPERM)", end_seq(DOM_A));
	say("destroy_dom unknown label (EINVAL)", destroy_dom(NONE));
	say("destroy_dom(0) (EPERM)", destroy_dom(0));
	say("alias_dom unknown label (EINVAL)", alias_dom(NONE, ALIAS));
	say("alias_dom to another domain (EEXIST)", alias_dom(DOM_A, DOM_B));

	if (begin_seq(DOM_A))
		return 1;
	say("destroy_dom while inside (EBUSY)", destroy_dom(DOM_A));
	/* nesting 2^32 - 1 deep, by hand */
	rs = state_of(DOM_A);
	atomic_store(&rs->depth, UINT32_MAX);
	say("begin_seq nested too deep (EAGAIN)", begin_seq(DOM_A));
	atomic_store(&rs->depth, 1);
	if (end_seq(DOM_A))
		return 1;

	/* every replica fills the log with the same entries of no lap */
	log = slot_of(DOM_P) + rp_olog()->dom_log_off;
	memset(log, 0x5a, (size_t)8 << rp_olog()->log_shift);
	say("begin_seq on a scribbled log (EPROTO)", begin_seq(DOM_P));

	say("correct calls after them", destroy_dom(DOM_A) | destroy_dom(DOM_B));
	return 0;
}
