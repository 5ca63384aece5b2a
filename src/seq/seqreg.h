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
	uint32_t released;		/* replicas let go from the logs
					 * (seqrelease.c) */
	uint32_t cycled;		/* replicas seen waiting in a cycle at
					 * the last scan */
	uint32_t wake_from;		/* where the next scan wakes released
					 * replicas' sleepers */
};

/* Every region, newest first. */
extern struct seqreg *seq_regions;

/* The slots replicas made in s so far (its bump), at most DOM_MAX: the
 * header is memory replicas write. */
uint32_t seq_slot_end(const struct seqreg *s);
/* The first slot of s from slot on (before end) that replicas wrote, or
 * end: the region is sparse, and reading a page none touched would make
 * the kernel allocate it (seqwatch.c). */
uint32_t seq_next_used_slot(const struct seqreg *s, uint32_t slot, uint32_t end);
/* Whether thread tid of process pid (replica r's) sleeps for replica r's
 * turn in a domain of s: which one in *slot. */
bool seq_turn_wait(const struct seqreg *s, int r, pid_t pid, pid_t tid, uint32_t *slot);
/* The thread replica r waits for in domain slot of s: the one inside
 * (*order false), or the one whose entry is at its turn (*order true); 0
 * if none (no entry there yet, one of an earlier lap, or a FAILED one:
 * nobody goes in for it). */
uint32_t seq_awaited(const struct seqreg *s, uint32_t slot, int r, bool *order);
/* Lets go from the logs each replica of s that can no longer follow them
 * (seqrelease.c), judged on the domains where it lagged a scan ago, at
 * least scan_ns before now. */
void seq_release_check(struct seqreg *s, uint64_t now, uint64_t scan_ns);

#endif
