/* Majority voting over the call records of one syscall-list entry. */
#ifndef REPLICANT_VOTE_H
#define REPLICANT_VOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "table/call.h"

struct tally {
	int winner;		/* a replica whose record a majority shares, or -1 */
	uint32_t agree;		/* replicas whose record equals the winner's */
	uint32_t differ;	/* arrived replicas that differ (from the winner, or
				 * from one another while there is none) */
	bool possible;		/* a majority can still form with the replicas yet to come */
};

/* calls[i] is replica i's record or NULL when it has not arrived; live is
 * the mask of replicas still running. */
void vote_tally(struct call *const calls[], int n, uint32_t live, int majority,
		struct tally *t);
int vote_majority(int n);

#endif
