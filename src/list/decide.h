/* The vote's decision at an entry: a divergence, or an output that now
 * has its majority. */
#ifndef REPLICANT_DECIDE_H
#define REPLICANT_DECIDE_H

#include "model/model.h"

/* Looks at e after an arrival or a death. */
void decide_examine(struct entry *e);
/* Kills the replicas in mask as a minority: they stop counting, and the
 * sequential regions stop waiting for them. */
void decide_kill(uint32_t mask);

/* A replica ended: inputs that waited for every replica may run now. */
void decide_waiting(void);
/* The replicas in gone no longer count in votes (list/excuse.c): every
 * entry still waiting for one of them is looked at again. */
void decide_missing(uint32_t gone);

#endif
