/* The order log: the core of sequential regions, on a region laid out as in
 * protocol.h. Pure: it does not care how the memory was obtained (a memfd
 * the monitor made, an anonymous mapping, a test's buffer), so the monitor,
 * the library, the unit tests and the benchmark all drive it the same way.
 *
 * One struct olog is one replica's view of a region. Calls that take a vtid
 * are made by that thread; olog_dom_create() and olog_dom_destroy() must be
 * serialised per replica by the caller (the library's init lock). Every call
 * returns 0 or an error number. */
#ifndef REPLICANT_ORDERLOG_H
#define REPLICANT_ORDERLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* What olog_format() lays out. */
struct olog_geom {
	unsigned nreplicas;	/* 1..RP_MAX_REPLICAS */
	uint32_t dom_max;	/* domain slots, domain 0 included */
	uint32_t log_cap;	/* order log entries per domain, power of 2 >= 2 */
	uint32_t init_cap;	/* init log entries, power of 2 >= 2 */
};

struct olog {
	struct rp_region *rg;	/* the mapped region */
	char *doms;		/* slot 0 */
	_Atomic uint64_t *ilog;	/* the init log */
	unsigned replica;	/* this view's replica index */
	unsigned n;		/* replicas */
	unsigned log_shift;	/* log2(log_cap) */
	unsigned init_shift;	/* log2(init_cap) */
	uint32_t dom_max;
	uint32_t dom_stride;
	uint32_t dom_log_off;
	uint32_t spin;		/* spin iterations before sleeping */
	uint32_t dom_mark_off;	/* marks of FAILED entries, within a slot */
	/* called (if set) around a thread's sleep for its turn or for its
	 * replica to reach the entries another replica appended: before, with
	 * asleep true and where it waits (the address of its domain, for
	 * olog_turn_whom()); after, with asleep false and what the first call
	 * returned */
	uint32_t (*sleep_note)(bool asleep, uintptr_t where);
};

/* Whom thread self, which sleeps for its turn in domain d (a sleep_note's
 * where), waits for, now: self when its own entry is at the turn (it is on
 * its way in, whichever replica appended the entry), else the vtid of the
 * thread of this replica inside the region or whose entry is at the turn,
 * with OLOG_WAIT_FOREIGN set when another replica appended that entry (the
 * thread may not exist here yet), or OLOG_WAIT_OWN (not known). Asked when
 * it is needed, not at the sleep: a sleeper is woken only for its own turn,
 * so the thread ahead of it changes while it sleeps (and may have
 * exited). */
#define OLOG_WAIT_FOREIGN 0x80000000u
#define OLOG_WAIT_OWN UINT32_MAX
uint32_t olog_turn_whom(const struct olog *lg, const void *d, uint32_t self);

/* Whether d is the address of one of lg's domains. */
bool olog_holds(const struct olog *lg, const void *d);

/* Bytes a region of geometry g needs (0 if g is invalid). */
size_t olog_region_size(const struct olog_geom *g);

/* Lays out a zeroed region of size bytes (the monitor, or a test): every
 * replica live, domain 0 allocated. EINVAL: bad geometry or too small. */
int olog_format(void *mem, size_t size, const struct olog_geom *g);

/* Opens replica's view of a formatted region after checking its header.
 * EINVAL: not a region or bad replica; EPROTO: another protocol version. */
int olog_open(struct olog *lg, void *mem, size_t size, unsigned replica, uint32_t spin);

/* Enters a region of domain slot as thread vtid: waits for its turn in the
 * domain's log, appending itself when this replica is the one furthest
 * ahead. Nesting by the holder is counted. EINVAL: bad slot, vtid 0 or
 * with bit 31 set;
 * EAGAIN: nesting too deep; EPROTO: the log is inconsistent. */
int olog_enter(struct olog *lg, uint32_t slot, uint32_t vtid);

/* Tries to enter a region of domain slot as thread vtid, with an outcome
 * that is the same in every replica: the log records it. The replica that
 * gets to the end of the log first decides: 0 (entered: nobody of its
 * replica was inside or queued, so the region was its at once) or EBUSY
 * (it appends a FAILED entry, protocol.h's RP_ENT_FAILED, that every
 * replica's turn then passes). The others find the entry and act it out:
 * EBUSY without waiting, or wait for their turn and enter (see
 * olog_try_enter_nap() in orderlog.c for why that wait cannot deadlock).
 * A try never waits for a thread inside the region, except when the log is
 * full (log_cap entries pending before the slowest replica's turn). Nesting
 * by the holder is counted (0). EINVAL, EAGAIN, EPROTO as olog_enter(). */
int olog_try_enter(struct olog *lg, uint32_t slot, uint32_t vtid);

/* The same with a wait: while this replica would refuse, calls nap(arg)
 * (which waits a while, or returns false when the caller's deadline has
 * passed) and looks again; a replica decides EBUSY only when nap says so.
 * For timed locks. */
int olog_try_enter_nap(struct olog *lg, uint32_t slot, uint32_t vtid, bool (*nap)(void *),
		       void *arg);

/* Leaves it. EINVAL: bad slot; EPERM: vtid is not inside. */
int olog_exit(struct olog *lg, uint32_t slot, uint32_t vtid);

/* What olog_enter() by vtid would find now, without waiting or changing
 * anything (a trylock's proposal): OLOG_PEEK_MINE vtid is inside already;
 * OLOG_PEEK_BUSY another thread is inside, or is next in the log;
 * OLOG_PEEK_FREE it would go straight in. A snapshot, stale at once. */
enum olog_peek_result { OLOG_PEEK_FREE = 0, OLOG_PEEK_BUSY = 1, OLOG_PEEK_MINE = 2 };

int olog_peek(const struct olog *lg, uint32_t slot, uint32_t vtid);

/* The slot of this replica's next domain: the same slot in every replica
 * for the k-th call. ENOMEM: no slot was left (for every replica alike);
 * EPROTO: the init log is inconsistent. */
int olog_dom_create(struct olog *lg, uint32_t *slot);

/* This replica is done with the slot; the last live replica to say so
 * recycles it. EINVAL: bad slot or already destroyed here; EPERM: slot 0;
 * EBUSY: a thread of this replica is inside. */
int olog_dom_destroy(struct olog *lg, uint32_t slot);

/* Slots below nslots count as handed out (a fork child keeps the domains
 * it inherited: its fresh region must not hand their slots out again). */
void olog_reserve(struct olog *lg, uint32_t nslots);

/* The monitor: replica is gone, stop waiting for it. */
void olog_kill_replica(struct rp_region *rg, unsigned replica);

/* The monitor: replica's threads can no longer follow the logs (one they
 * wait for ended, or they wait in a cycle): from now on they take every
 * region as a plain lock, and the others stop waiting for them. Its
 * threads asleep for a turn must then be woken, slot by slot
 * (olog_wake_sleepers()); one that was just going to sleep misses the
 * wake, so the monitor wakes them again at each scan. */
void olog_release_replica(const struct olog *lg, unsigned replica);

/* The monitor: replica's turn in domain slot is at an entry of thread vtid,
 * which ended in that replica without making the region (its peer in the
 * leader made one more, on a path timing chose): passes that entry, and the
 * ones of vtid right after it, at most max, as if the region had been
 * made and left at once, and wakes the replica's sleepers. The others'
 * order stays. Returns how many it passed. */
int olog_pass_ended(const struct olog *lg, uint32_t slot, unsigned replica, uint32_t vtid,
		    int max);
void olog_wake_sleepers(const struct olog *lg, uint32_t slot, unsigned replica);

/* Iterations of the spin loop that take about ns nanoseconds here. */
uint32_t olog_spin_calibrate(unsigned ns);

/* For reports and tests: the replica's position in a slot's log, and the
 * entry at a position (0 if it is not in the log now). */
uint64_t olog_turn(const struct olog *lg, uint32_t slot, unsigned replica);
/* Replica's state in domain slot, or NULL when either is out of bounds
 * (the monitor's reports read it). */
struct rp_rstate *olog_rstate(const struct olog *lg, uint32_t slot, unsigned replica);
/* Where byte off of the region lies, by lg's own geometry: the domain
 * *slot, and the *replica whose state holds it with the byte *in_state of
 * that state (*replica -1: the domain's own header or its log). False for
 * the region's header, its init log, or past the last slot. */
bool olog_locate(const struct olog *lg, size_t off, uint32_t *slot, int *replica,
		 size_t *in_state);
uint64_t olog_entry(const struct olog *lg, uint32_t slot, uint64_t pos);

#endif
