/* The monitor's loop: what wakes it. One listener thread per replica
 * receives its seccomp notifications; the main thread (the tracer) waits
 * for ptrace events, signals sent to replicant, answers left for it and
 * timers; worker threads finish calls that may block. Each takes the
 * monitor lock around what it does. */
#ifndef REPLICANT_LOOP_H
#define REPLICANT_LOOP_H

/* Before the replicas are spawned: signals, the run's state. */
void loop_setup(void);
/* The initial peers, once the replicas are spawned. */
void loop_add_initial_peers(void);
/* Runs until every replica is reaped; the status to exit with. */
int loop_run(void);

#endif
