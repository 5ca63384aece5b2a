/* Stalls: a live replica that does not reach a position its peers reached,
 * or a domain of sequential regions where it stays behind, within
 * --stall-timeout. */
#ifndef REPLICANT_STALL_H
#define REPLICANT_STALL_H

/* Called by the main loop at every turn: reports a stall, and kills the
 * stalled replicas or ends the run as --on-divergence says. */
void stall_check(void);

#endif
