/* Unit tests of the majority vote, table-driven: each case gives the
 * replicas' records as letters ('.' = not arrived) and the live mask. */
#include <stdio.h>
#include <string.h>

#include "table/call.h"
#include "tap.h"
#include "table/vote.h"

struct vcase {
	const char *recs;	/* one letter per replica: same letter, same record */
	unsigned live;
	int winner;		/* expected winner, -1 for none */
	unsigned differ;
	int possible;
};

static const struct vcase cases[] = {
	{ "AA", 0x3, 0, 0x0, 1 },
	{ "AB", 0x3, -1, 0x2, 0 },
	{ "A.", 0x3, -1, 0x0, 1 },
	{ "AAB", 0x7, 0, 0x4, 1 },
	{ "ABA", 0x7, 0, 0x2, 1 },
	{ "BAA", 0x7, 1, 0x1, 1 },
	{ "AB.", 0x7, -1, 0x2, 1 },
	{ "ABC", 0x7, -1, 0x6, 0 },
	{ "AB.", 0x3, -1, 0x2, 0 },  /* replica 2 dead: no majority can form */
	{ "A..", 0x7, -1, 0x0, 1 },
	{ "AABB.", 0x1f, -1, 0xc, 1 },
	{ "AABBC", 0x1f, -1, 0x1c, 0 },
	{ "AAABB", 0x1f, 0, 0x18, 1 },
	{ "ABCDEFGHIJKLMNOP", 0xffff, -1, 0xfffe, 0 },
	{ "AAAAAAAAABBBBBBB", 0xffff, 0, 0xfe00, 1 },
};

int main(void)
{
	size_t i, ncases = sizeof(cases) / sizeof(cases[0]);

	plan((int)ncases + 1);
	for (i = 0; i < ncases; i++) {
		const struct vcase *vc = &cases[i];
		struct call recs[16], *ptrs[16];
		int n = strlen(vc->recs), j;
		struct tally t;

		for (j = 0; j < n; j++) {
			memset(&recs[j], 0, sizeof(recs[j]));
			recs[j].nr = RSYS_SIGNALED; /* compared by args[0] */
			recs[j].args[0] = vc->recs[j];
			ptrs[j] = vc->recs[j] == '.' ? NULL : &recs[j];
		}
		vote_tally(ptrs, n, vc->live, vote_majority(n), &t);
		if (!ok(t.winner == vc->winner && t.differ == vc->differ &&
			t.possible == vc->possible, "%s live %#x", vc->recs, vc->live))
			diag("got winner %d differ %#x possible %d, expected %d %#x %d", t.winner,
			     t.differ, t.possible, vc->winner, vc->differ, vc->possible);
	}
	ok(vote_majority(2) == 2 && vote_majority(3) == 2 && vote_majority(4) == 3 &&
	   vote_majority(16) == 9, "majority sizes");
	return tap_exit();
}
