/* Answering a replica's call: by seccomp notification, by ptrace for an
 * emulated instruction, or held back while the thread runs too far ahead
 * of its peers. Answers to notifications are queued and sent once the
 * monitor lock is dropped (answer_flush). */
#ifndef REPLICANT_ANSWER_H
#define REPLICANT_ANSWER_H

#include "model/model.h"

/* Before any answer. */
void answer_init(void);
/* Readable when other threads left ptrace answers for the tracer. */
int answer_wake_fd(void);
/* Tracer thread: gives those answers. */
void answer_ptrace_pending(void);
/* Sends the queued answers; called without the monitor lock. */
void answer_flush(void);

/* Gives p the answer a for the call it waits in. */
void answer_send(struct peer *p, struct answer a);
/* Answers notification id of a thread the monitor does not know (it is
 * dying) with err. */
void answer_unknown(struct replica *r, uint64_t id, long err);
/* e is done: p's answer, from e's handler or the generic path. */
void answer_deliver(struct entry *e, struct peer *p);
/* Frees what g's live replicas consumed, and sends the answers held back
 * from threads that are no longer too far ahead. */
void answer_gc(struct group *g);
/* Ends the run because p's call c is refused: report and exit 125. */
void answer_refuse(struct peer *p, const struct call *c, const char *why);

#endif
