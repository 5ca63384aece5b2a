/* libreplicant's internal entry points, for the unit tests and the
 * benchmark, which link the library's objects directly. Hidden in the
 * shared object like everything but the API. */
#ifndef REPLICANT_INT_H
#define REPLICANT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "orderlog.h"

/* Runs the API in replicated mode as replica on a formatted region (what
 * HELLO + mmap do under replicant). A second call keeps the label table and
 * reserves its slots in the new region, as a fork child does. */
int rp_attach_region(void *mem, size_t size, unsigned replica, uint32_t spin);

/* The REPLICANT_SEQ_CHECK mode: a private region with one replica. */
int rp_attach_private(void);

/* Exported for libreplicant-pthread.so (lib/pthread/), beside the API:
 * rp_ names, default visibility, not in <replicant.h>. */
#define RP_INTERNAL_API __attribute__((visibility("default")))

/* Whether the API runs in replicated mode (else pass-through). */
RP_INTERNAL_API int rp_replicated(void);

/* A timing-dependent choice made once for all replicas: the proposal
 * (0..INT32_MAX) of the replica whose thread asks first (DECIDE, see
 * protocol.h). Without a monitor (pass-through, REPLICANT_SEQ_CHECK, or a
 * monitor that does not answer DECIDE) the caller's own proposal. */
RP_INTERNAL_API long rp_decide(long proposal);

/* What begin_seq(label) by the calling thread would find now, in this
 * replica (olog_peek()): OLOG_PEEK_FREE, _BUSY or _MINE; -EINVAL when label
 * names no domain or not in replicated mode. Reads only. */
RP_INTERNAL_API int rp_dom_peek(long label);

/* note(true, where) is called before a thread sleeps for its turn in a
 * domain (where: see olog's sleep_note), note(false, what it returned)
 * after. */
RP_INTERNAL_API void rp_on_sleep(uint32_t (*note)(bool asleep, uintptr_t where));

/* Whom thread self, which sleeps where (a note's), waits for now: self
 * when its own turn has come, another vtid (with olog's OLOG_WAIT_FOREIGN
 * when another replica's entry names it), or OLOG_WAIT_OWN (not known). */
RP_INTERNAL_API uint32_t rp_turn_whom(uintptr_t where, uint32_t self);

/* Which domain label names now, in terms every replica shares: the
 * number of the init_dom() that made it (the k-th domain made in this
 * process's region is the same domain in every replica, whatever its
 * label), 1 for a shared domain, 0 for none. An object freed and another
 * made at its address has a new one, where a label alone would not tell. */
RP_INTERNAL_API uint32_t rp_dom_gen(long label);

/* The calling thread's identity in log entries: the same in every
 * replica. */
RP_INTERNAL_API uint32_t rp_vtid(void);

/* init_dom(), destroy_dom(), begin_seq() and end_seq() for
 * libreplicant-pthread.so. The API's calls tell the monitor about every
 * error (MISUSE, protocol.h: a line in its report); with RP_QUIET in flags
 * only about EPROTO, for callers whose other errors are part of their
 * normal operation (begin_seq()'s EINVAL probing for a domain, init_dom()'s
 * EEXIST when the domain is there already). */
#define RP_QUIET 1u

RP_INTERNAL_API int rp_init_dom(long label, unsigned flags);
RP_INTERNAL_API int rp_destroy_dom(long label, unsigned flags);
RP_INTERNAL_API int rp_begin_seq(long label, unsigned flags);
RP_INTERNAL_API int rp_end_seq(long label, unsigned flags);

/* Process-shared objects: their domains are made in the process tree's
 * shared region (the first one since execve, which fork children keep
 * mapped), so threads of every process of a replica take them in one
 * order. rp_init_dom_shared() is init_dom() there; it must be called
 * inside a region of rp_shared_zero(), the label of that region's domain
 * 0, which serialises it among the replica's processes as domain 0 does
 * among its threads (destroy_dom() of a shared domain too). The rest of
 * the API takes their labels as any other. rp_dom_shared(): whether label
 * names a shared domain here. */
RP_INTERNAL_API int rp_init_dom_shared(long label, unsigned flags);
/* Takes a shared domain's label out of this process's table, leaving the
 * domain to the processes that still use it (one of them destroys it).
 * EINVAL: label names no shared domain here. */
RP_INTERNAL_API int rp_forget_dom_shared(long label);
RP_INTERNAL_API long rp_shared_zero(void);
RP_INTERNAL_API bool rp_dom_shared(long label);

/* begin_seq() that may be refused, the same way in every replica
 * (olog_try_enter_nap()): 0 inside, EBUSY refused, or begin_seq()'s errors.
 * nap NULL: a trylock, decided at once; else nap(arg) waits a while, or
 * returns false when the caller's deadline has passed. Pass-through: 0. */
RP_INTERNAL_API int rp_try_begin_seq(long label, unsigned flags, bool (*nap)(void *), void *arg);

/* The calling thread's identity in log entries (its vtid; a test gives the
 * corresponding threads of simulated replicas the same one). */
void rp_set_vtid(uint32_t vtid);

/* The order log the API runs on (replicated mode). */
struct olog *rp_olog(void);

/* The slot of a label or alias (replicated mode). EINVAL: none. */
int rp_lookup(long label, uint32_t *slot);

#endif
