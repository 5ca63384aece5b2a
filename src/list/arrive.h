/* A replica's call arrives: it is classified by its row and handler, and
 * takes its peer's next position in the peer group's list, or is answered
 * at once as the replica's own business. */
#ifndef REPLICANT_ARRIVE_H
#define REPLICANT_ARRIVE_H

#include <linux/seccomp.h>

#include "model/model.h"

/* A seccomp notification from replica r. */
void arrive_notification(struct replica *r, const struct seccomp_notif *req);
/* p's call c (taken over) arrives at p's next position. */
void arrive(struct peer *p, struct call *c);

/* p's traced call c (a wait, stopped at its entry) takes its place as an
 * input. Its entry when p is the first there and leads it (runs it in its
 * own kernel); NULL when p follows (answered by its handler) or the run is
 * over. */
struct entry *arrive_traced(struct peer *p, struct call *c);

#endif
