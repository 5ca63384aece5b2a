/* Temporary names drawn from the clock and ASLR (list/tempname.c). */
#ifndef REPLICANT_TEMPNAME_H
#define REPLICANT_TEMPNAME_H

#include "model/model.h"

/* Gives p's exclusive create c at e the name the first replica chose,
 * when the two differ only in one run of a temporary name. */
void tempname_align(const struct entry *e, struct peer *p, struct call *c);

#endif
