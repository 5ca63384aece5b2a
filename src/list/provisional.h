/* Writes answered before they run (list/provisional.c). */
#ifndef REPLICANT_PROVISIONAL_H
#define REPLICANT_PROVISIONAL_H

#include "model/model.h"

/* Answers g's writes that waited long enough for their peers. */
void provisional_check(struct group *g);
/* p's replica has writes answered early that have not run: it may not
 * lead an input. */
bool provisional_holds(const struct peer *p);
/* e ran: its early replicas may lead again, and their held inputs start. */
void provisional_settle(struct entry *e);

#endif
