/* Peer groups: the corresponding threads (or processes) of every replica,
 * born from the same creation event, each with its syscall list. */
#ifndef REPLICANT_GROUPS_H
#define REPLICANT_GROUPS_H

#include "model/model.h"

extern struct group group0;		/* the initial thread's peer group */
extern struct group *all_groups;	/* every group, newest first */

/* The k-th group that g's members create (the same in every replica),
 * made when first asked; NULL once it was finished and freed. */
struct group *group_child(struct group *g, int k);
/* A thread's group whose members all ended and whose list is empty. */
bool group_finished(const struct group *g);
/* Unlinks and frees a finished group with its peers. */
void group_free(struct group *g);

#endif
