/* Running an entry's agreed call once: inline when it cannot block, else
 * in a worker thread (list/pool.c), then answering every replica that
 * waits on it. */
#ifndef REPLICANT_EXECUTE_H
#define REPLICANT_EXECUTE_H

#include "model/model.h"

/* Runs e as replica agreed's call (its prepare, the call, its finish). */
void execute_start(struct entry *e, int agreed);
/* e ran (inline or in a worker): answer the replicas that wait on it. */
void execute_complete(struct entry *e);
/* Takes e's credentials for its run (os/creds.h), unless it runs as the
 * monitor (as_monitor); true when creds_leave must follow. */
bool execute_creds_enter(const struct entry *e);
/* Runs e, which execute_start deferred, in the calling thread that let
 * the monitor lock go (list/pool.c); execute_complete follows, locked. */
void execute_outside(struct entry *e);
/* An input whose first arrival, replica r's, was held
 * (list/provisional.c): r leads it now. */
void execute_input(struct entry *e, int r);

#endif
