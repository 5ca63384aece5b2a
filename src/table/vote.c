#include "table/vote.h"

int vote_majority(int n)
{
	return n / 2 + 1;
}

void vote_tally(struct call *const calls[], int n, uint32_t live, int majority,
		struct tally *t)
{
	int i, j, pending = 0, best = 0, first = -1;

	t->winner = -1;
	t->agree = 0;
	t->differ = 0;
	for (i = 0; i < n; i++)
		if (!calls[i] && (live & (1u << i)))
			pending++;
	for (i = 0; i < n; i++) {
		uint32_t same = 0;
		int count = 0;

		if (!calls[i])
			continue;
		if (first < 0)
			first = i;
		for (j = 0; j < n; j++) {
			if (calls[j] && (j == i || call_equal(calls[i], calls[j]))) {
				same |= 1u << j;
				count++;
			}
		}
		if (count > best)
			best = count;
		if (count >= majority && t->winner < 0) {
			t->winner = i;
			t->agree = same;
		}
	}
	for (i = 0; i < n; i++) {
		if (!calls[i])
			continue;
		if (t->winner >= 0 ? !(t->agree & (1u << i)) : !call_equal(calls[first], calls[i]))
			t->differ |= 1u << i;
	}
	t->possible = t->winner >= 0 || best + pending >= majority;
}
