/* Signals delivered at a position: a signal sent to replicant (to the
 * initial thread of every replica), a timer's SIGALRM, a kill between a
 * replica's own threads and processes, and the kernel's SIGCHLD reach
 * every replica's thread at the same point of its peer group's syscall
 * list (signals.c); and the signals each peer is owed on the way there
 * (peersig.c). The one way a signal goes to a replica's thread is
 * sig_send. */
#ifndef REPLICANT_SIGNALS_H
#define REPLICANT_SIGNALS_H

#include "model/model.h"

/* signals.c */
/* Delivers sig to g's thread in every replica at one position. False when
 * too many signals are on their way already. */
bool sig_group(struct group *g, int sig, bool external);
/* A signal sent to replicant: to the initial thread of every replica. */
void sig_forward(int sig);
/* A signal sent to replicant is on its way, or was forwarded within the
 * last ns nanoseconds. */
bool sig_external_within(uint64_t ns);
/* A signal is on its way to g: its arrivals may be the position. */
bool sig_targets(const struct group *g);
/* Signal sig (any, for 0) is on its way to g. */
bool sig_sending(const struct group *g, int sig);
/* Sends what is on its way to the threads at their position. */
void sig_check(void);
/* g is freed: it is no target any more. */
void sig_forget(const struct group *g);

/* interrupt.c */
/* sig was sent to p: it interrupts the call a worker runs for p, if p's
 * handlers and mask say it would. */
void sig_interrupt_call(struct peer *p, int sig);
/* The answer val of p's call, which a signal may have interrupted: the
 * restart code its kernel would have given. */
long sig_interrupted_answer(struct entry *e, struct peer *p, long val);
/* A child of p's process ended, as the tracer saw: its SIGCHLD, which p's
 * thread cannot take while it waits in a call a worker runs, is counted. */
void sig_chld_unseen(struct peer *p);
/* p stopped with a SIGCHLD that sig_chld_unseen counted already. */
bool sig_chld_was_unseen(struct peer *p);

/* peersig.c */
/* Sends sig to p's thread now (a SIGCHLD of ours is let in). */
void sig_send(struct peer *p, int sig);
/* When sig last went to a thread of any replica (now_ns), 0 if never. */
uint64_t sig_last_sent(int sig);
/* Sends sig as p's traced call returns, at its exit stop. */
void sig_at_exit(struct peer *p, int sig);
/* p's traced call returns: the signals positioned there go out. */
void sig_exit_stop(struct peer *p);
/* p's call was received: the signals held back from it go out, to be
 * delivered as it returns. */
void sig_send_deferred(struct peer *p);
/* Tracer: p stopped with signal sig. True when signals/ took care of it
 * (held back, or dropped as one already delivered at a position). */
bool sig_stopped(struct peer *p, int sig);

/* A signal p's thread gets as it is (sig_stopped() false): a call the
 * kernel then makes again is not a new one (peersig.c). */
void sig_passes(struct peer *p, int sig);

#endif
