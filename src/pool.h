/* Worker threads that run calls which may block (reads from pipes and
 * sockets, accept, poll), so the monitor's loop never waits on the world. */
#ifndef REPLICANT_POOL_H
#define REPLICANT_POOL_H

struct entry;

/* Returns an eventfd that becomes readable when entries are done. */
int pool_init(void);
void pool_submit(struct entry *e);
/* Next finished entry, or NULL. */
struct entry *pool_take_done(void);

#endif
