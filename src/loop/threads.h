/* New threads and processes: each forms a peer group with its
 * counterparts in the other replicas, and runs once a majority of the
 * replicas created theirs. */
#ifndef REPLICANT_THREADS_H
#define REPLICANT_THREADS_H

#include "model/model.h"

/* PTRACE_EVENT_CLONE, _FORK or _VFORK in p's thread. */
void threads_on_clone(struct peer *p, bool process);
/* A thread's first stop came before its creator's clone event. */
void threads_early_stop(pid_t tid);
/* A held thread's first stop: it runs once its group is released. */
void threads_first_stop(struct peer *p);
/* Starts the threads --perturb delayed that are due; the milliseconds
 * until the next one is (-1: none). */
int threads_start_delayed(void);

#endif
