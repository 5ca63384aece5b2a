/* The run: its options, its replicas, which of them are live, and how it
 * ends. The state every layer reads, so it sits at the bottom. */
#ifndef REPLICANT_RUN_H
#define REPLICANT_RUN_H

#include "model/model.h"

extern struct options opt;
extern struct replica replicas[MAX_REPLICAS];
extern int majority;

/* How the run ends. */
extern bool run_over;		/* stop starting anything; kill what is left */
extern int run_end_code;	/* exit code decided by a divergence, refusal, signal; or -1 */
extern bool run_exit_agreed;	/* a majority agreed on the initial process's exit_group */

void run_init(void);
/* Replicas counted in votes, as a mask. */
uint32_t run_live_mask(void);
/* Those a vote still waits for: the live ones, and those dead of a signal
 * their peers may yet die of (list/excuse.c). */
uint32_t run_vote_mask(void);
/* Replicas not killed by replicant: running, or ended on their own. */
int run_healthy(void);
bool run_all_reaped(void);
/* Ends the run with code: no call is answered or executed after this. */
void run_end(int code);
/* Kills every replica that is not reaped yet. */
void run_kill_all(void);
/* Kills replica idx as a minority or stalled one; false if it was not live. */
bool run_kill_replica(int idx);
/* The initial process's exit_group with status, agreed by a majority. */
void run_exit_agree(int status);
/* The status replicant exits with. */
int run_final_code(void);

#endif
