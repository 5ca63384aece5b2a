/* Writes answered before they run (list/provisional.c). */
#ifndef REPLICANT_PROVISIONAL_H
#define REPLICANT_PROVISIONAL_H

#include "model/model.h"

/* Answers g's writes that waited long enough for their peers. */
void provisional_check(struct group *g);
/* p arrived at e, a write still short of a majority: answered now when
 * its result is known and nobody waits on the file (a regular file). */
void provisional_at_once(struct entry *e, struct peer *p);
/* p's replica has writes answered early that have not run: it may not
 * lead an input. */
bool provisional_holds(const struct peer *p);
/* A refusal ends the run: p's replica's writes answered early run first,
 * once its peers come to them (they were made before it). True: held. */
bool provisional_defer_refusal(struct peer *p, struct call *c, const char *why);
/* e ran: its early replicas may lead again, and their held inputs start. */
void provisional_settle(struct entry *e);

#endif
