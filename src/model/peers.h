/* Peers: a replica's threads, found by their real id, and the virtual
 * ids every replica sees for them. */
#ifndef REPLICANT_PEERS_H
#define REPLICANT_PEERS_H

#include "model/model.h"

#include "model/groups.h"

/* A new peer of replica r, thread tid of process pr, in group g. */
struct peer *peer_new(struct replica *r, pid_t tid, struct proc *pr, struct group *g);
struct peer *peer_find(pid_t tid);
/* An ended thread leaves the tid hash (its id may be reused), not its group. */
void peer_remove(struct peer *p);
/* Visits every peer in the tid hash. */
void peer_each(void (*fn)(struct peer *p));

/* The virtual thread id of replica r's thread with real id tid, or tid
 * itself when it is not one of r's threads. */
pid_t peer_vtid(const struct replica *r, pid_t tid);
/* The real thread id in replica r of virtual thread id vtid, or -1. */
pid_t peer_real_tid(const struct replica *r, pid_t vtid);

/* Where replica r's thread of virtual id vtid is in its life: not made
 * yet (its peers made theirs), running, or ended (so is a thread no group
 * knows: its group ended everywhere and was freed). */
enum thread_life { THREAD_UNBORN, THREAD_LIVE, THREAD_ENDED };
enum thread_life peer_life(const struct replica *r, pid_t vtid);
/* Replica r's thread of virtual id vtid, or NULL (not made, or no group
 * knows it). */
struct peer *peer_of_vtid(const struct replica *r, pid_t vtid);

#endif
