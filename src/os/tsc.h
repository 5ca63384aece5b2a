/* Whether the time-stamp counter traps where replicas read it. */
#ifndef REPLICANT_TSC_H
#define REPLICANT_TSC_H

#include <stdbool.h>

/* Set by tsc_probe: rdtsc faults under PR_TSC_SIGSEGV on this machine, so
 * the monitor can make every replica read the same counter. */
extern bool tsc_traps;

/* Runs rdtsc in a child that asked for PR_TSC_SIGSEGV: some machines
 * (AMD EPYC virtual machines among them) accept the request and never
 * fault. Once, at start. */
void tsc_probe(void);

#endif
