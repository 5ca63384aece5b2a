/* The ptrace side of the monitor: what the replicas' threads do that no
 * notification tells (exec, exits, signal stops, new threads, a trapped
 * rdtsc, the traced calls' entry and exit stops). The main thread is the
 * tracer; it runs these with the monitor lock held. */
#ifndef REPLICANT_TRACER_H
#define REPLICANT_TRACER_H

/* SIGCHLD: reaps every pending ptrace stop and exit. */
void tracer_on_sigchld(void);

#endif
