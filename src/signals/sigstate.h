/* The signals a peer is owed, and when they go out. Only signals/ reads or
 * writes these (signals/peersig.c); they live in struct peer. */
#ifndef REPLICANT_SIGSTATE_H
#define REPLICANT_SIGSTATE_H

#include <stdbool.h>
#include <stdint.h>

struct peer_sigs {
	int chld_real;		/* SIGCHLDs the kernel sent this thread (held back) */
	int chld_given;		/* SIGCHLDs given to it at decided positions */
	bool chld_inject;	/* the next SIGCHLD stop is one we sent: let it in */
	bool restart_answered;	/* its call was answered ERESTARTSYS: interrupted
				 * by a signal sent while the monitor ran it */
	int chld_unseen;	/* SIGCHLDs counted in chld_real before their stop
				 * came: sent while the thread waited in a call
				 * a worker runs (signals/interrupt.c) */
	uint64_t at_exit;	/* to send as its traced call returns, at the exit
				 * stop: the call is their position (bit sig - 1) */
	uint64_t deferred;	/* held back from a call the monitor had not
				 * received yet (bit sig - 1) */
};

/* A set of signals (bit sig - 1), as a peer keeps those it owes. */
static inline void sigmask_add(uint64_t *mask, int sig)
{
	*mask |= 1ull << (sig - 1);
}

/* The lowest signal in *mask, taken out of it; 0: none. */
static inline int sigmask_pop(uint64_t *mask)
{
	int sig;

	if (!*mask)
		return 0;
	sig = __builtin_ctzll(*mask) + 1;
	*mask &= *mask - 1;
	return sig;
}

#endif
