/* What seq/seq.c (the regions and their HELLO) shares with
 * seq/seqwatch.c (the watchdog and the stall reports). */
#ifndef REPLICANT_SEQREG_H
#define REPLICANT_SEQREG_H

#include "../lib/orderlog.h"
#include "seq/seq.h"

/* Every mutex of a program under --pthread is a domain: room for a million
 * (the region is sparse; a slot costs memory once used). A leader may run
 * LOG_CAP regions ahead of the slowest replica in a domain. */
#define DOM_MAX (1u << 20)

/* A domain where a replica lags, as the watchdog last saw it. */
struct suspect {
	uint32_t slot;
	uint64_t turns[MAX_REPLICAS];
	uint64_t since;
};

struct seqreg {
	struct seqreg *next;
	int gid;			/* the HELLO: peer group and position */
	uint64_t pos;
	int memfd;
	struct rp_region *rg;		/* the monitor's mapping */
	size_t size;
	struct olog view;		/* replica 0's view, for reading: its
					 * geometry is the monitor's own copy,
					 * checked when the region was made */
	struct proc *proc[MAX_REPLICAS]; /* each replica's process that has it */
	uint32_t holders;		/* replicas whose process still maps it */
	uint32_t given;			/* replicas that got it */
	int tree_users;			/* processes (of every replica) that keep it
					 * as their process tree's first region:
					 * where the domains of process-shared
					 * objects are (lib/replicant.c) */
	struct suspect *sus;		/* domains where a replica lags */
	size_t nsus;
};

/* Every region, newest first. */
extern struct seqreg *seq_regions;

#endif
