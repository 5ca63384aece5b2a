/* Worker threads that run calls which may block (reads from pipes and
 * sockets, accept, poll), so no thread that serves replicas waits on the
 * world. */
#ifndef REPLICANT_POOL_H
#define REPLICANT_POOL_H

#include <stdbool.h>

struct entry;

/* done(e) is called in the worker once e has run. */
void pool_init(void (*done)(struct entry *e));
void pool_submit(struct entry *e);
/* A signal for a replica interrupts e, which a worker runs or is to run:
 * its call fails with EINTR (or ends with what it did so far). */
void pool_interrupt(struct entry *e);
/* e, a call that cannot block, runs in the calling thread once it lets
 * the monitor lock go (pool_run_deferred), and then completes like a
 * worker's. No signal interrupts it: it is not a worker's call. */
void pool_defer(struct entry *e);
/* The calling thread may defer one more. */
bool pool_defer_room(void);
/* The calling thread has let the monitor lock go: runs what it deferred. */
void pool_run_deferred(void);
/* Sends the interruption again to calls still running (main loop's tick). */
void pool_interrupt_retry(void);

#endif
