/* A replica dead of a signal replicant sent it, while its peers die of the
 * same signal (list/excuse.c). */
#ifndef REPLICANT_EXCUSE_H
#define REPLICANT_EXCUSE_H

#include "model/model.h"

/* r's initial process died of sig: r stays counted in votes for a while
 * if replicant sent it sig. */
void excuse_death(struct replica *r, int sig);
/* Ends the excuses whose time is up: the calls those replicas never made
 * count against the waiting entries again. */
void excuse_check(void);

#endif
