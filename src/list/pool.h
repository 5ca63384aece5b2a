/* Worker threads that run calls which may block (reads from pipes and
 * sockets, accept, poll), so no thread that serves replicas waits on the
 * world. */
#ifndef REPLICANT_POOL_H
#define REPLICANT_POOL_H

struct entry;

/* done(e) is called in the worker once e has run. */
void pool_init(void (*done)(struct entry *e));
void pool_submit(struct entry *e);
/* A signal for a replica interrupts e, which a worker runs or is to run:
 * its call fails with EINTR (or ends with what it did so far). */
void pool_interrupt(struct entry *e);
/* Sends the interruption again to calls still running (main loop's tick). */
void pool_interrupt_retry(void);

#endif
