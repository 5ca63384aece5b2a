/* libreplicant's internal entry points, for the unit tests and the
 * benchmark, which link the library's objects directly. Hidden in the
 * shared object like everything but the API. */
#ifndef REPLICANT_INT_H
#define REPLICANT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "orderlog.h"

/* Runs the API in replicated mode as replica on a formatted region (what
 * HELLO + mmap do under replicant). A second call keeps the label table and
 * reserves its slots in the new region, as a fork child does. */
int rp_attach_region(void *mem, size_t size, unsigned replica, uint32_t spin);

/* The REPLICANT_SEQ_CHECK mode: a private region with one replica. */
int rp_attach_private(void);

/* Whether the API runs in replicated mode (else pass-through). */
int rp_replicated(void);

/* The calling thread's identity in log entries (its vtid; a test gives the
 * corresponding threads of simulated replicas the same one). */
void rp_set_vtid(uint32_t vtid);

/* The order log the API runs on (replicated mode). */
struct olog *rp_olog(void);

/* The slot of a label or alias (replicated mode). EINVAL: none. */
int rp_lookup(long label, uint32_t *slot);

#endif
