/* The order log (see orderlog.h and protocol.h).
 *
 * Each domain has one log of thread ids, shared by all replicas, and each
 * replica has its own position (turn) in it. A thread enters when its
 * replica's turn reaches its entry and no thread of its replica is inside;
 * leaving advances the turn. So the log fixes the order, the turn gives
 * mutual exclusion within a replica, and no replica talks to the monitor.
 *
 * Who appends: a thread looks for its entry from its replica's turn on. If
 * it finds none, it may append one at the end only when every pending entry
 * before it was appended by its own replica: then its replica is the one
 * furthest ahead (the thesis' master) and its threads queue up behind each
 * other, like a FIFO lock. Otherwise it waits, and looks again when its
 * replica reaches the end of the log. Every append is a CAS on the entry
 * itself, so replicas racing to lead agree on a single winner.
 *
 * Waiting: spin for a calibrated time, then sleep on the replica's futex
 * word (registered in the state word's waiter count, so leaving costs no
 * syscall when nobody sleeps). A thread sleeps on the bit of its vtid
 * (FUTEX_WAIT_BITSET), and leaving wakes only the bit of the next entry's
 * thread; all sleepers only when the next entry does not exist yet, since
 * then any of them may be the one to append it.
 *
 * Tries (olog_try_enter()): the log records the outcome. The replica
 * that gets to the end of the log first decides for the thread: a plain
 * entry when the region is its at once, else a FAILED one (the id's bit
 * 31). Every replica acts that out, the same way; a FAILED entry lets
 * nobody in, and each replica's turn passes it once its thread has seen it
 * (its mark byte), so a try never waits for the threads before it.
 *
 * Space: the entry for position p overwrites p - log_cap, so p may be
 * appended only after every live replica has passed p - log_cap. A replica
 * that is that far ahead sleeps until the slowest one has freed half the
 * log (one wake per log_cap / 2 entries, not one per entry), with a timeout
 * so that a replica the monitor killed stops holding it back.
 */
#include "orderlog.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <time.h>

#include "sys.h"

#define ld_acq(p) atomic_load_explicit((p), memory_order_acquire)
#define ld_rlx(p) atomic_load_explicit((p), memory_order_relaxed)
#define st_rel(p, v) atomic_store_explicit((p), (v), memory_order_release)
#define st_rlx(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)

#define BITS_ALL FUTEX_BITSET_MATCH_ANY

/* The entry and exit path's helpers, inlined: a call each cost about 4 ns
 * of a 33 ns begin+end pair (bench/seq.c). */
#define HOT static inline __attribute__((always_inline))

/* Internal: the monitor released this replica from the logs while a
 * thread looked or waited (released()); it takes the region as a plain
 * lock instead. Never returned to a caller. */
#define ERELEASED 0x10000

struct layout {
	uint32_t stride;	/* bytes per slot */
	uint32_t log_off;	/* order log within a slot */
	uint32_t mark_off;	/* per-replica marks of FAILED entries seen */
	uint64_t init_off;
	uint64_t dom_off;
	uint64_t size;
};

static const struct timespec space_poll = { 0, RP_SPACE_POLL_NS };

static bool pow2(uint32_t x)
{
	return x >= 2 && !(x & (x - 1));
}

static unsigned log2u(uint32_t x)
{
	return (unsigned)__builtin_ctz(x);
}

static bool layout(const struct olog_geom *g, struct layout *l)
{
	if (!g->nreplicas || g->nreplicas > RP_MAX_REPLICAS || !g->dom_max ||
	    g->dom_max >= RP_SLOT_NONE || !pow2(g->log_cap) || g->log_cap > (1u << 20) ||
	    !pow2(g->init_cap) || g->init_cap > (1u << 24))
		return false;
	l->log_off = sizeof(struct rp_dom) + g->nreplicas * sizeof(struct rp_rstate);
	l->mark_off = l->log_off + g->log_cap * 8;
	l->stride = (l->mark_off + g->nreplicas * g->log_cap + 63) & ~63u;
	l->init_off = RP_PAGE;
	l->dom_off = (RP_PAGE + (uint64_t)g->init_cap * 8 + RP_PAGE - 1) & ~(uint64_t)(RP_PAGE - 1);
	l->size = l->dom_off + (uint64_t)g->dom_max * l->stride;
	return true;
}

size_t olog_region_size(const struct olog_geom *g)
{
	struct layout l;

	return layout(g, &l) ? l.size : 0;
}

int olog_format(void *mem, size_t size, const struct olog_geom *g)
{
	struct rp_region *rg = mem;
	struct layout l;

	if (!mem || !layout(g, &l) || size < l.size)
		return EINVAL;
	rg->magic = RP_MAGIC;
	rg->version = REPLICANT_PROTOCOL_VERSION;
	rg->nreplicas = g->nreplicas;
	rg->log_cap = g->log_cap;
	rg->init_cap = g->init_cap;
	rg->dom_max = g->dom_max;
	rg->dom_stride = l.stride;
	rg->dom_log_off = l.log_off;
	rg->size = l.size;
	rg->init_off = l.init_off;
	rg->dom_off = l.dom_off;
	st_rlx(&rg->free_head, 0);
	st_rlx(&rg->bump, 1);	/* slot 0 is domain 0 */
	st_rel(&rg->live, (uint32_t)((1ull << g->nreplicas) - 1));
	return 0;
}

int olog_open(struct olog *lg, void *mem, size_t size, unsigned replica, uint32_t spin)
{
	struct rp_region *rg = mem;
	struct olog_geom g;
	struct layout l;

	if (!mem || size < sizeof(*rg) || rg->magic != RP_MAGIC)
		return EINVAL;
	if (rg->version != REPLICANT_PROTOCOL_VERSION)
		return EPROTO;
	g = (struct olog_geom){ .nreplicas = rg->nreplicas, .dom_max = rg->dom_max,
				.log_cap = rg->log_cap, .init_cap = rg->init_cap };
	if (!layout(&g, &l) || l.size > size || l.size != rg->size ||
	    l.stride != rg->dom_stride || l.log_off != rg->dom_log_off ||
	    l.init_off != rg->init_off || l.dom_off != rg->dom_off || replica >= g.nreplicas)
		return EINVAL;
	*lg = (struct olog){
		.rg = rg,
		.doms = (char *)mem + l.dom_off,
		.ilog = (_Atomic uint64_t *)((char *)mem + l.init_off),
		.replica = replica,
		.n = g.nreplicas,
		.log_shift = log2u(g.log_cap),
		.init_shift = log2u(g.init_cap),
		.dom_max = g.dom_max,
		.dom_stride = l.stride,
		.dom_log_off = l.log_off,
		.dom_mark_off = l.mark_off,
		.spin = spin,
	};
	return 0;
}

static inline struct rp_dom *dom_at(const struct olog *lg, uint32_t slot)
{
	return (struct rp_dom *)(lg->doms + (size_t)slot * lg->dom_stride);
}

static inline struct rp_rstate *rstate(struct rp_dom *d, unsigned replica)
{
	return (struct rp_rstate *)(d + 1) + replica;
}

static inline _Atomic uint64_t *dom_log(const struct olog *lg, struct rp_dom *d)
{
	return (_Atomic uint64_t *)((char *)d + lg->dom_log_off);
}

/* Replica r's mark bytes in d (protocol.h, RP_ENT_FAILED). */
static inline _Atomic uint8_t *marks_of(const struct olog *lg, struct rp_dom *d, unsigned r)
{
	return (_Atomic uint8_t *)((char *)d + lg->dom_mark_off) + ((size_t)r << lg->log_shift);
}

/* This replica's. */
static inline _Atomic uint8_t *dom_marks(const struct olog *lg, struct rp_dom *d)
{
	return marks_of(lg, d, lg->replica);
}

static inline bool ent_failed(uint64_t e)
{
	return (rp_ent_id(e) & RP_ENT_FAILED) != 0;
}

/* The first position of the log a replica in state st has neither passed
 * nor taken: its turn, or with a thread inside, the one after (the turn is
 * the holder's entry, or the last FAILED entry passed since it went in:
 * skip_failed()). Threads look for their entries from here on. */
static inline uint64_t open_pos(uint64_t st)
{
	return rp_st_turn(st) + (st & RP_ST_BUSY);
}

/* The futex word: the low half of the state, which every turn changes. */
static inline _Atomic uint32_t *futex_word(_Atomic uint64_t *state)
{
	return (_Atomic uint32_t *)state;
}

/* Whether the monitor released this replica from the logs (protocol.h's
 * `unordered`): its threads then take each region as a plain lock, the
 * busy bit of their state, and neither read nor append the log. */
static inline bool released(const struct olog *lg)
{
	return (ld_acq(&lg->rg->unordered) >> lg->replica) & 1u;
}

/* The futex bit a thread sleeps on; bit 31 is left to sleepers on all. */
static inline uint32_t vbit(uint32_t vtid)
{
	return 1u << (vtid % 31);
}

/* The one spin loop: olog_spin_calibrate() times exactly this. */
static bool spin_until_change(_Atomic uint64_t *w, uint64_t seen, uint32_t iters)
{
	uint32_t i;

	for (i = 0; i < iters; i++) {
		rp_cpu_relax();
		if (ld_rlx(w) != seen)
			return true;
	}
	return false;
}

uint32_t olog_spin_calibrate(unsigned ns)
{
	const uint32_t iters = 20000;
	_Atomic uint64_t w = 0;
	uint64_t best = UINT64_MAX, t, per;
	struct timespec a, b;
	int i;

	for (i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		spin_until_change(&w, 0, iters);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)b.tv_nsec -
		    (uint64_t)a.tv_nsec;
		if (t < best)
			best = t;
	}
	if (!best)
		best = 1;
	per = (uint64_t)ns * iters / best;
	return per > UINT32_MAX ? UINT32_MAX : (uint32_t)per;
}

static void wake_space(struct rp_rstate *rs, uint64_t at);

/* Sleeps on the replica's state while its low half still reads as in seen:
 * spins first, then registers as a waiter (so that whoever changes it
 * wakes), checks again and sleeps on bits. Returns when the state may have
 * changed; the caller looks again. A leader of another replica waiting for
 * this one to free log space is let go first: this replica stops here. */
static void sleep_on(const struct olog *lg, struct rp_rstate *rs, uint64_t seen, uint32_t bits,
		     uintptr_t where)
{
	_Atomic uint64_t *state = &rs->state;
	uint64_t old, space;
	uint32_t token;

	if (spin_until_change(state, seen, lg->spin))
		return;
	space = atomic_load(&rs->space_at);
	if (space)
		wake_space(rs, space);
	old = atomic_fetch_add(state, RP_ST_WAITER);
	if (rp_st_waiters(old) == RP_ST_WAITERS_MAX) {
		/* the count wrapped: nobody would wake us */
		atomic_fetch_sub(state, RP_ST_WAITER);
		rp_syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		return;
	}
	if ((uint32_t)old == (uint32_t)seen) {
		token = lg->sleep_note ? lg->sleep_note(true, where) : 0;
		rp_futex_wait(futex_word(state), (uint32_t)seen, bits, NULL);
		if (lg->sleep_note)
			lg->sleep_note(false, token);
	}
	atomic_fetch_sub(state, RP_ST_WAITER);
}

/* The lowest turn of the live replicas in d that follow the logs, and
 * which replica is there: every such replica has passed the positions
 * below it (a released one reads the log no more). */
static uint64_t horizon(const struct olog *lg, struct rp_dom *d, unsigned *slow)
{
	uint32_t live = ld_acq(&lg->rg->live) & ~ld_acq(&lg->rg->unordered);
	uint64_t min = UINT64_MAX, t;
	unsigned r;

	for (r = 0; r < lg->n; r++) {
		if (!(live & (1u << r)))
			continue;
		t = rp_st_turn(ld_acq(&rstate(d, r)->state));
		if (t < min) {
			min = t;
			*slow = r;
		}
	}
	return min;
}

/* Sleeps until the slow replica srs reaches turn want: asks for it in
 * space_at (the lowest asked wins), checks, and sleeps on space_word; with a
 * timeout, so that a replica killed meanwhile is seen. */
static void sleep_space(struct rp_rstate *srs, uint64_t want)
{
	uint32_t seen = atomic_load(&srs->space_word);
	uint64_t at = atomic_load(&srs->space_at);

	while ((!at || at > want) && !atomic_compare_exchange_weak(&srs->space_at, &at, want))
		;
	/* pairs with olog_exit(): it advances the turn, then reads space_at */
	if (rp_st_turn(atomic_load(&srs->state)) >= want)
		return;
	rp_futex_wait(&srs->space_word, seen, BITS_ALL, &space_poll);
}

/* Whether position p may be appended now: its entry overwrites p - cap,
 * which every live replica must have passed. The horizon is cached in the
 * replica's own state, so the other replicas' lines are read only once per
 * log_cap appends. When it may not, sleeps until the slowest replica has
 * freed half the log and returns false: the caller looks at the log again. */
HOT bool make_room(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs,
		      uint64_t p)
{
	uint64_t cap = 1ull << lg->log_shift, h = ld_rlx(&rs->horizon);
	unsigned slow = 0;

	if (h > p || p - h < cap)
		return true;
	h = horizon(lg, d, &slow);
	if (h == UINT64_MAX)
		return true;	/* no live replica: nothing to wait for */
	st_rlx(&rs->horizon, h);
	if (h > p || p - h < cap)
		return true;
	sleep_space(rstate(d, slow), p - cap / 2);
	return false;
}

enum scan_result {
	SCAN_FOUND,		/* vtid's entry, at *pos */
	SCAN_TAIL,		/* the end of the log, at *pos; this replica leads */
	SCAN_FOLLOW,		/* the end, after entries other replicas appended */
	SCAN_STALE,		/* the log moved on under the walk */
};

/* Walks d's log from a turn: to vtid's first entry, or to the end of the
 * log (*old: what the entry holds). More than a log of entries, or an
 * entry of a later lap, means every replica moved on while we looked.
 * marks NULL (an enter): vtid's entry is a plain one; FAILED entries are
 * other calls' (tries this thread made before). marks (a try, this
 * replica's marks): a FAILED entry of vtid's counts too, unless marked
 * (this thread has seen it already, in an earlier try). */
HOT enum scan_result scan(const struct olog *lg, _Atomic uint64_t *log,
			     _Atomic uint8_t *marks, uint64_t turn, uint32_t vtid, uint64_t *pos,
			     uint64_t *old)
{
	uint64_t mask = (1ull << lg->log_shift) - 1, p, e;
	bool ours = true;
	uint32_t tag;

	for (p = turn; p - turn <= mask + 1; p++) {
		tag = rp_ent_tag_of(p, lg->log_shift);
		e = ld_acq(&log[p & mask]);
		if (rp_ent_tag(e) == tag) {
			if (rp_ent_id(e) == vtid ||
			    (marks && rp_ent_id(e) == (vtid | RP_ENT_FAILED) &&
			     ld_acq(&marks[p & mask]) != rp_mark_of(p, lg->log_shift))) {
				*pos = p;
				*old = e;
				return SCAN_FOUND;
			}
			ours &= rp_ent_replica(e) == lg->replica;
			continue;
		}
		if (rp_ent_tag(e) != ((tag - 1) & RP_ENT_TAG_MASK))
			break;
		*pos = p;
		*old = e;
		return ours ? SCAN_TAIL : SCAN_FOLLOW;
	}
	return SCAN_STALE;
}

/* Finds thread vtid's position in d's log: its entry at or after its
 * replica's turn, or a new entry at the end when its replica is the one
 * furthest ahead (see the top of the file); else waits for its replica to
 * move and looks again. */
HOT int book(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint32_t vtid,
		uint64_t *pos)
{
	_Atomic uint64_t *log = dom_log(lg, d);
	uint64_t mask = (1ull << lg->log_shift) - 1, st, p = 0, e = 0;

	for (;;) {
		if (released(lg))
			return ERELEASED;
		st = ld_acq(&rs->state);
		switch (scan(lg, log, NULL, open_pos(st), vtid, &p, &e)) {
		case SCAN_FOUND:
			*pos = p;
			return 0;
		case SCAN_TAIL:
			/* a CAS that fails: another thread appended p first */
			if (make_room(lg, d, rs, p) &&
			    atomic_compare_exchange_strong_explicit(
				    &log[p & mask], &e,
				    rp_ent_make(p, lg->log_shift, lg->replica, vtid),
				    memory_order_acq_rel, memory_order_acquire)) {
				*pos = p;
				return 0;
			}
			break;
		case SCAN_FOLLOW:
			sleep_on(lg, rs, st, vbit(vtid), (uintptr_t)d);
			break;
		case SCAN_STALE:
			if (rp_st_turn(ld_acq(&rs->state)) == rp_st_turn(st))
				return EPROTO;
			break;
		default:
			return EPROTO;
		}
	}
}

uint32_t olog_turn_whom(const struct olog *lg, const void *dv, uint32_t self)
{
	struct rp_dom *d = (struct rp_dom *)dv;
	struct rp_rstate *rs = rstate(d, lg->replica);
	uint64_t st = ld_acq(&rs->state), turn = rp_st_turn(st), e;

	if (st & RP_ST_BUSY)
		return ld_rlx(&rs->holder);
	if (released(lg))
		return self;	/* nobody inside: it is on its way in */
	e = ld_acq(&dom_log(lg, d)[turn & ((1ull << lg->log_shift) - 1)]);
	if (rp_ent_tag(e) != rp_ent_tag_of(turn, lg->log_shift))
		return OLOG_WAIT_OWN;
	if ((rp_ent_id(e) & ~RP_ENT_FAILED) == self)
		return self;	/* its turn has come: it is on its way in */
	if (rp_ent_replica(e) != lg->replica)
		return OLOG_WAIT_FOREIGN | (rp_ent_id(e) & ~RP_ENT_FAILED);
	return rp_ent_id(e) & ~RP_ENT_FAILED;
}

bool olog_holds(const struct olog *lg, const void *d)
{
	const char *p = d;

	return lg->doms && p >= lg->doms &&
	       p < lg->doms + (size_t)lg->dom_max * lg->dom_stride &&
	       (size_t)(p - lg->doms) % lg->dom_stride == 0;
}

/* Waits until the replica is at pos with nobody inside (*st: the state
 * seen then). */
HOT int wait_turn(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint64_t pos,
		     uint32_t vtid, uint64_t *st)
{
	for (;;) {
		uint64_t turn;

		if (released(lg))
			return ERELEASED;
		*st = ld_acq(&rs->state);
		turn = rp_st_turn(*st);
		if (turn == pos && !(*st & RP_ST_BUSY))
			return 0;
		if (turn > pos)
			return EPROTO;
		sleep_on(lg, rs, *st, vbit(vtid), (uintptr_t)d);
	}
}

/* Nests vtid's region when it is inside already: 0 done, EAGAIN too deep,
 * -1 not inside. */
static int nest(struct rp_rstate *rs, uint32_t vtid)
{
	uint32_t depth;

	if (ld_rlx(&rs->holder) != vtid)
		return -1;
	depth = ld_rlx(&rs->depth);
	if (depth == UINT32_MAX)
		return EAGAIN;
	st_rlx(&rs->depth, depth + 1);
	return 0;
}

/* vtid is inside now. */
static void went_in(struct rp_rstate *rs, uint32_t vtid)
{
	st_rlx(&rs->holder, vtid);
	st_rlx(&rs->depth, 1);
}

/* Waits for the turn of vtid's entry at pos and goes in. Only the thread
 * of entry pos claims pos; a CAS all the same, since a release may let
 * another thread of the replica take the busy bit meanwhile. */
HOT int claim(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint64_t pos,
		 uint32_t vtid)
{
	uint64_t st;
	int err;

	do {
		err = wait_turn(lg, d, rs, pos, vtid, &st);
		if (err)
			return err;
	} while (!atomic_compare_exchange_weak_explicit(&rs->state, &st, st | RP_ST_BUSY,
							memory_order_acquire,
							memory_order_relaxed));
	went_in(rs, vtid);
	return 0;
}

/* A released replica's entry: the busy bit as a plain lock. With nap
 * (a try), while it is taken, nap(arg) says whether to look again; without
 * a try, sleeps until it is freed. */
static int plain_enter(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs,
		       uint32_t vtid, bool try, bool (*nap)(void *), void *arg)
{
	uint64_t st;

	for (;;) {
		st = ld_acq(&rs->state);
		if (!(st & RP_ST_BUSY)) {
			if (atomic_compare_exchange_weak_explicit(&rs->state, &st,
								  st | RP_ST_BUSY,
								  memory_order_acquire,
								  memory_order_relaxed)) {
				went_in(rs, vtid);
				return 0;
			}
			continue;
		}
		if (!try)
			sleep_on(lg, rs, st, vbit(vtid), (uintptr_t)d);
		else if (!nap || !nap(arg))
			return EBUSY;
	}
}

/* What an entry and a try begin with: the checks, and a nested entry of
 * the thread inside. >= 0: that is the answer (0, or an error); < 0: the
 * thread books a place in the log of *d. */
static int enter_start(struct olog *lg, uint32_t slot, uint32_t vtid, struct rp_dom **d,
		       struct rp_rstate **rs)
{
	if (slot >= lg->dom_max || !vtid || (vtid & RP_ENT_FAILED))
		return EINVAL;
	*d = dom_at(lg, slot);
	*rs = rstate(*d, lg->replica);
	return nest(*rs, vtid);
}

int olog_enter(struct olog *lg, uint32_t slot, uint32_t vtid)
{
	struct rp_rstate *rs;
	struct rp_dom *d;
	uint64_t pos;
	int err;

	err = enter_start(lg, slot, vtid, &d, &rs);
	if (err >= 0)
		return err;
	err = book(lg, d, rs, vtid, &pos);
	if (!err)
		err = claim(lg, d, rs, pos, vtid);
	return err == ERELEASED ? plain_enter(lg, d, rs, vtid, false, NULL, NULL) : err;
}

static void moved(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint64_t old,
		  uint64_t turn);
static void freed(struct rp_rstate *rs, uint64_t turn);

/* Passes the FAILED entries at the replica's first open position whose
 * threads have seen them here (marked). Everyone that moves the turn, or
 * marks an entry, calls it after, so the turn never rests before a marked
 * entry: the mark (or the entry) and the turn are each written before the
 * other is read, all seq_cst, so of a marker and a mover at least one sees
 * both. The CAS on the state makes a single thread pass each entry; it
 * then clears the mark, unless a later lap's owns the byte already. An
 * entry that is not marked holds the turn until its thread comes: that
 * thread is on its way (it did the try in the replica that decided), and
 * it may find the entry only from the turn on.
 *
 * While a thread is inside, the entries after its own are passed too (the
 * turn moves on, busy: see open_pos()). A FAILED entry lets nobody in, so
 * passing it early changes no order; it frees its place in the log, so a
 * thread that keeps trying while the holder stays inside does not fill
 * the log and wait for room behind that holder, which may be waiting for
 * what the trier holds. */
HOT void skip_failed_of(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs,
			   _Atomic uint8_t *marks)
{
	_Atomic uint64_t *log = dom_log(lg, d);
	uint64_t mask = (1ull << lg->log_shift) - 1, st, t, e;
	uint8_t m;

	for (;;) {
		st = atomic_load(&rs->state);
		t = open_pos(st);
		e = atomic_load(&log[t & mask]);
		if (rp_ent_tag(e) != rp_ent_tag_of(t, lg->log_shift) || !ent_failed(e))
			return;
		m = rp_mark_of(t, lg->log_shift);
		if (atomic_load(&marks[t & mask]) != m)
			return;
		if (!atomic_compare_exchange_strong(&rs->state, &st,
						    st + (1ull << RP_ST_TURN_SHIFT)))
			continue;
		atomic_compare_exchange_strong(&marks[t & mask], &m, 0);
		if (st & RP_ST_BUSY)
			freed(rs, t);	/* nobody may go in: only room was made */
		else
			moved(lg, d, rs, st, t + 1);
	}
}

HOT void skip_failed(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs)
{
	skip_failed_of(lg, d, rs, dom_marks(lg, d));
}

/* vtid has seen its FAILED entry at pos (in this replica): mark it, and pass
 * it if the turn is there. */
static void seen_failed(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs,
			uint64_t pos)
{
	atomic_store(&dom_marks(lg, d)[pos & ((1ull << lg->log_shift) - 1)],
		     rp_mark_of(pos, lg->log_shift));
	skip_failed(lg, d, rs);
}

/* A follower's try at the end of the log spins a while (the spin budget)
 * for the log or its replica's turn to move: the leading replica may be
 * about to decide. true: something moved, look again. */
static bool watch(const struct olog *lg, struct rp_rstate *rs, uint64_t st,
		  _Atomic uint64_t *ent, uint64_t e)
{
	const uint64_t low = (1ull << 48) - 1;	/* turn and busy, not waiters */
	uint32_t i;

	for (i = 0; i < lg->spin; i++) {
		rp_cpu_relax();
		if ((ld_rlx(&rs->state) & low) != (st & low) || ld_rlx(ent) != e)
			return true;
	}
	return false;
}

/* Finds or makes the entry of vtid's try in d's log (*failed: a FAILED
 * one). Its entry may be there already: the replica that got to the end of
 * the log first decided for it. Else this replica decides at the end:
 *
 * - entered: only when its turn is at the end and nobody is inside (no
 *   thread of this replica inside or queued), then the entry is a plain one
 *   at the turn, and the thread goes in at once. The state cannot change
 *   between that look and the CAS: the turn and the busy bit move only for
 *   an entry at the turn, and there is none until the CAS.
 * - refused otherwise (a FAILED entry), after nap(arg) said the deadline
 *   passed, or, without nap, at once; a replica that is not the one
 *   furthest ahead watches a little first, for the leader to decide. It
 *   decides all the same after that: waiting for its turn to move could be
 *   waiting for a thread that waits for a lock the trier holds.
 *
 * Following a plain entry means waiting for the turn, and that wait is
 * safe: in the replica that decided, every thread before the entry had
 * left the region when the trier looked, while the trier held what it
 * holds now, so none of them needs anything of the trier's to get out (in
 * this replica as in that one, since every replica follows the same order
 * in every domain). A FAILED entry is acted out without waiting; the turn
 * passes it (skip_failed()) once the thread has seen it and the threads
 * before it have left. */
static int try_book(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs,
		    uint32_t vtid, bool (*nap)(void *), void *arg, uint64_t *pos, bool *failed)
{
	_Atomic uint64_t *log = dom_log(lg, d);
	_Atomic uint8_t *marks = dom_marks(lg, d);
	uint64_t mask = (1ull << lg->log_shift) - 1, st, p = 0, e = 0, want;
	enum scan_result r;
	bool free;

	for (;;) {
		if (released(lg))
			return ERELEASED;
		st = atomic_load(&rs->state);
		r = scan(lg, log, marks, open_pos(st), vtid, &p, &e);
		switch (r) {
		case SCAN_FOUND:
			if (!ent_failed(e)) {
				*pos = p;
				*failed = false;
				return 0;
			}
			/* not marked: not seen, unless the turn passed it
			 * since (the mark is cleared after the turn moves) */
			if (open_pos(atomic_load(&rs->state)) > p)
				break;
			seen_failed(lg, d, rs, p);
			*failed = true;
			return 0;
		case SCAN_TAIL:
		case SCAN_FOLLOW:
			free = r == SCAN_TAIL && rp_st_turn(st) == p && !(st & RP_ST_BUSY);
			if (!free &&
			    (nap ? nap(arg) : r == SCAN_FOLLOW && watch(lg, rs, st, &log[p & mask], e)))
				break;
			if (!make_room(lg, d, rs, p))
				break;
			want = rp_ent_make(p, lg->log_shift, lg->replica,
					   free ? vtid : vtid | RP_ENT_FAILED);
			if (!atomic_compare_exchange_strong(&log[p & mask], &e, want))
				break;
			*pos = p;
			*failed = !free;
			if (!free)
				seen_failed(lg, d, rs, p);
			return 0;
		case SCAN_STALE:
			if (rp_st_turn(ld_acq(&rs->state)) == rp_st_turn(st))
				return EPROTO;
			break;
		default:
			return EPROTO;
		}
	}
}

int olog_try_enter_nap(struct olog *lg, uint32_t slot, uint32_t vtid, bool (*nap)(void *),
		       void *arg)
{
	struct rp_rstate *rs;
	struct rp_dom *d;
	uint64_t pos;
	bool failed;
	int err;

	err = enter_start(lg, slot, vtid, &d, &rs);
	if (err >= 0)
		return err;
	err = try_book(lg, d, rs, vtid, nap, arg, &pos, &failed);
	if (!err)
		err = failed ? EBUSY : claim(lg, d, rs, pos, vtid);
	return err == ERELEASED ? plain_enter(lg, d, rs, vtid, true, nap, arg) : err;
}

int olog_try_enter(struct olog *lg, uint32_t slot, uint32_t vtid)
{
	return olog_try_enter_nap(lg, slot, vtid, NULL, NULL);
}

int olog_peek(const struct olog *lg, uint32_t slot, uint32_t vtid)
{
	uint64_t mask = (1ull << lg->log_shift) - 1, st, turn, e;
	struct rp_rstate *rs;
	struct rp_dom *d;

	if (slot >= lg->dom_max || !vtid)
		return OLOG_PEEK_BUSY;
	d = dom_at(lg, slot);
	rs = rstate(d, lg->replica);
	st = ld_acq(&rs->state);
	if (st & RP_ST_BUSY)
		return ld_rlx(&rs->holder) == vtid ? OLOG_PEEK_MINE : OLOG_PEEK_BUSY;
	if (released(lg))
		return OLOG_PEEK_FREE;
	turn = rp_st_turn(st);
	e = ld_acq(&dom_log(lg, d)[turn & mask]);
	if (rp_ent_tag(e) == rp_ent_tag_of(turn, lg->log_shift) && rp_ent_id(e) != vtid)
		return OLOG_PEEK_BUSY;
	return OLOG_PEEK_FREE;
}

/* Wakes whoever may go next after position p - 1: the thread of entry p,
 * or every sleeper when p has no entry yet. */
static void wake_next(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint64_t p)
{
	uint64_t mask = (1ull << lg->log_shift) - 1;
	uint64_t e = ld_acq(&dom_log(lg, d)[p & mask]);
	uint32_t bits = BITS_ALL;

	if (rp_ent_tag(e) == rp_ent_tag_of(p, lg->log_shift))
		bits = vbit(rp_ent_id(e) & ~RP_ENT_FAILED);
	rp_futex_wake(futex_word(&rs->state), INT_MAX, bits);
}

/* Wakes the leaders of other replicas that wait for this one to free log
 * space (once: the first to clear space_at does it). */
static void wake_space(struct rp_rstate *rs, uint64_t at)
{
	if (!atomic_compare_exchange_strong(&rs->space_at, &at, 0))
		return;
	atomic_fetch_add(&rs->space_word, 1);
	rp_futex_wake(&rs->space_word, INT_MAX, BITS_ALL);
}

int olog_exit(struct olog *lg, uint32_t slot, uint32_t vtid)
{
	struct rp_rstate *rs;
	struct rp_dom *d;
	uint64_t old;
	uint32_t depth;

	if (slot >= lg->dom_max)
		return EINVAL;
	d = dom_at(lg, slot);
	rs = rstate(d, lg->replica);
	if (!vtid || ld_rlx(&rs->holder) != vtid)
		return EPERM;
	depth = ld_rlx(&rs->depth);
	if (depth > 1) {
		st_rlx(&rs->depth, depth - 1);
		return 0;
	}
	st_rlx(&rs->depth, 0);
	st_rlx(&rs->holder, 0);
	/* busy (turn t) + 1 = not busy (turn t + 1), and the waiter count
	 * comes back in the same atomic step */
	old = atomic_fetch_add(&rs->state, 1);
	if (!(old & RP_ST_BUSY))
		return EPROTO;
	moved(lg, d, rs, old, rp_st_turn(old) + 1);
	skip_failed(lg, d, rs);
	return 0;
}

/* The turn moved to turn: wakes leaders of other replicas waiting for
 * this one to free log space up to it. */
HOT void freed(struct rp_rstate *rs, uint64_t turn)
{
	uint64_t space = atomic_load(&rs->space_at);

	if (space && turn >= space)
		wake_space(rs, space);
}

/* The turn moved to turn (from the state old), nobody inside: wakes the
 * thread that may go next, and the leaders waiting for space. */
HOT void moved(const struct olog *lg, struct rp_dom *d, struct rp_rstate *rs, uint64_t old,
		  uint64_t turn)
{
	if (rp_st_waiters(old) && released(lg))
		rp_futex_wake(futex_word(&rs->state), INT_MAX, BITS_ALL);
	else if (rp_st_waiters(old))
		wake_next(lg, d, rs, turn);
	freed(rs, turn);
}

static uint32_t slot_pop(const struct olog *lg)
{
	struct rp_region *rg = lg->rg;
	uint64_t h = ld_acq(&rg->free_head);
	uint32_t b;

	while ((uint32_t)h) {
		uint32_t s = (uint32_t)h - 1, next;

		if (s >= lg->dom_max)
			return RP_SLOT_NONE;
		/* s may be popped and reused under us: then the tag differs
		 * and the CAS fails */
		next = ld_rlx(&dom_at(lg, s)->next_free);
		if (atomic_compare_exchange_weak_explicit(&rg->free_head, &h,
							  ((h >> 32) + 1) << 32 | next,
							  memory_order_acquire,
							  memory_order_acquire))
			return s;
	}
	b = ld_rlx(&rg->bump);
	while (b < lg->dom_max)
		if (atomic_compare_exchange_weak(&rg->bump, &b, b + 1))
			return b;
	return RP_SLOT_NONE;
}

static void slot_push(const struct olog *lg, uint32_t s)
{
	struct rp_region *rg = lg->rg;
	uint64_t h = ld_rlx(&rg->free_head);

	do {
		st_rlx(&dom_at(lg, s)->next_free, (uint32_t)h);
	} while (!atomic_compare_exchange_weak_explicit(&rg->free_head, &h,
							 ((h >> 32) + 1) << 32 | (s + 1),
							 memory_order_release,
							 memory_order_relaxed));
}

/* A slot for an init log position this replica may lose to another: while
 * it holds one, a replica that found none must not make "none" the
 * position's answer, as the slot may come back (olog_dom_create). */
static uint32_t slot_take(const struct olog *lg)
{
	_Atomic uint32_t *holding = &lg->rg->init[lg->replica].holding;
	uint32_t s;

	atomic_store(holding, 1);
	s = slot_pop(lg);
	if (s == RP_SLOT_NONE)
		atomic_store(holding, 0);
	return s;
}

/* The position was lost: the slot (if any) goes back. */
static void slot_give_back(const struct olog *lg, uint32_t s)
{
	if (s != RP_SLOT_NONE) {
		slot_push(lg, s);
		atomic_fetch_add(&lg->rg->slots_returned, 1);
	}
	atomic_store(&lg->rg->init[lg->replica].holding, 0);
}

/* No slot was free: one may still come when another live replica holds one
 * it may give back, or gave one back since gen. Holders never wait, so
 * whoever waits here waits for a bounded step of another replica. */
static bool slot_may_come(const struct olog *lg, uint32_t gen)
{
	uint32_t live = ld_acq(&lg->rg->live);
	unsigned r;

	if (atomic_load(&lg->rg->slots_returned) != gen)
		return true;
	for (r = 0; r < lg->n; r++)
		if (r != lg->replica && (live & (1u << r)) && atomic_load(&lg->rg->init[r].holding))
			return true;
	return false;
}

/* Whether init log position k may be appended: every live replica has
 * passed k - init_cap. If not, naps (inits that far apart are rare). */
static bool init_room(const struct olog *lg, uint64_t k)
{
	uint32_t live = ld_acq(&lg->rg->live);
	uint64_t cap = 1ull << lg->init_shift, t;
	unsigned r;

	for (r = 0; r < lg->n; r++) {
		_Atomic uint64_t *cur = &lg->rg->init[r].turn;

		if (!(live & (1u << r)))
			continue;
		t = ld_acq(cur);
		if (t < k && k - t >= cap) {
			rp_futex_wait(futex_word(cur), (uint32_t)t, BITS_ALL, &space_poll);
			return false;
		}
	}
	return true;
}

int olog_dom_create(struct olog *lg, uint32_t *slot)
{
	_Atomic uint64_t *cur = &lg->rg->init[lg->replica].turn;
	uint64_t k = ld_rlx(cur), mask = (1ull << lg->init_shift) - 1, e, mine;
	_Atomic uint64_t *ent = &lg->ilog[k & mask];
	uint32_t tag = rp_ent_tag_of(k, lg->init_shift), s, gen;

	for (;;) {
		e = ld_acq(ent);
		if (rp_ent_tag(e) == tag)
			break;
		if (rp_ent_tag(e) != ((tag - 1) & RP_ENT_TAG_MASK))
			return EPROTO;
		if (!init_room(lg, k))
			continue;
		/* first replica here: its slot (or none) becomes everyone's */
		gen = atomic_load(&lg->rg->slots_returned);
		s = slot_take(lg);
		if (s == RP_SLOT_NONE && slot_may_come(lg, gen)) {
			rp_syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			continue;
		}
		mine = rp_ent_make(k, lg->init_shift, lg->replica, s);
		if (atomic_compare_exchange_strong_explicit(ent, &e, mine, memory_order_acq_rel,
							    memory_order_acquire)) {
			atomic_store(&lg->rg->init[lg->replica].holding, 0);
			e = mine;
			break;
		}
		slot_give_back(lg, s);
	}
	st_rel(cur, k + 1);
	s = rp_ent_id(e);
	if (s == RP_SLOT_NONE)
		return ENOMEM;
	if (!s || s >= lg->dom_max)
		return EPROTO;
	*slot = s;
	return 0;
}

/* Makes a slot that every live replica destroyed look never used. */
static void slot_reset(const struct olog *lg, struct rp_dom *d)
{
	_Atomic uint64_t *log = dom_log(lg, d);
	uint32_t i, cap = 1u << lg->log_shift;
	unsigned r;

	for (r = 0; r < lg->n; r++) {
		struct rp_rstate *rs = rstate(d, r);

		st_rlx(&rs->state, 0);
		st_rlx(&rs->holder, 0);
		st_rlx(&rs->depth, 0);
		st_rlx(&rs->horizon, 0);
		st_rlx(&rs->space_at, 0);
	}
	for (i = 0; i < cap; i++)
		st_rlx(&log[i], 0);
	for (i = 0; i < cap * lg->n; i++)
		st_rlx(&((_Atomic uint8_t *)((char *)d + lg->dom_mark_off))[i], 0);
	d->reuse++;
	st_rel(&d->destroyed, 0);
}

int olog_dom_destroy(struct olog *lg, uint32_t slot)
{
	uint32_t bit = 1u << lg->replica, all = (uint32_t)((1ull << lg->n) - 1), v, live;
	struct rp_dom *d;

	if (!slot)
		return EPERM;
	if (slot >= lg->dom_max)
		return EINVAL;
	d = dom_at(lg, slot);
	if (ld_rlx(&rstate(d, lg->replica)->holder))
		return EBUSY;
	v = atomic_fetch_or(&d->destroyed, bit);
	if (v & bit)
		return EINVAL;
	v |= bit;
	/* the replica that completes the set recycles it; the flag keeps a
	 * second one (after a live-mask change) from doing it again */
	for (;;) {
		live = ld_acq(&lg->rg->live);
		if ((v & RP_DOM_RECYCLING) || ((v | ~live) & all) != all)
			return 0;
		if (atomic_compare_exchange_weak(&d->destroyed, &v, v | RP_DOM_RECYCLING))
			break;
	}
	slot_reset(lg, d);
	slot_push(lg, slot);
	return 0;
}

void olog_reserve(struct olog *lg, uint32_t nslots)
{
	uint32_t b = ld_rlx(&lg->rg->bump);

	if (nslots > lg->dom_max)
		nslots = lg->dom_max;
	while (b < nslots && !atomic_compare_exchange_weak(&lg->rg->bump, &b, nslots))
		;
}

void olog_kill_replica(struct rp_region *rg, unsigned replica)
{
	if (replica < RP_MAX_REPLICAS)
		atomic_fetch_and(&rg->live, ~(1u << replica));
}

void olog_release_replica(const struct olog *lg, unsigned replica)
{
	if (replica < lg->n)
		atomic_fetch_or(&lg->rg->unordered, 1u << replica);
}

int olog_pass_ended(const struct olog *lg, uint32_t slot, unsigned replica, uint32_t vtid,
		    int max)
{
	uint64_t mask = (1ull << lg->log_shift) - 1, st, t, e;
	struct rp_rstate *rs;
	struct rp_dom *d;
	int n = 0;

	if (slot >= lg->dom_max || replica >= lg->n || !vtid)
		return 0;
	d = dom_at(lg, slot);
	rs = rstate(d, replica);
	for (; n < max; n++) {
		st = ld_acq(&rs->state);
		t = rp_st_turn(st);
		e = ld_acq(&dom_log(lg, d)[t & mask]);
		if ((st & RP_ST_BUSY) || rp_ent_tag(e) != rp_ent_tag_of(t, lg->log_shift) ||
		    rp_ent_id(e) != vtid ||
		    !atomic_compare_exchange_strong(&rs->state, &st,
						    st + (1ull << RP_ST_TURN_SHIFT)))
			break;
		freed(rs, t + 1);
	}
	/* as every mover does: the turn never rests before a marked FAILED
	 * entry */
	if (n)
		skip_failed_of(lg, d, rs, marks_of(lg, d, replica));
	/* every sleeper looks again: the next entry's thread goes in */
	if (n)
		olog_wake_sleepers(lg, slot, replica);
	return n;
}

void olog_wake_sleepers(const struct olog *lg, uint32_t slot, unsigned replica)
{
	struct rp_rstate *rs;

	if (slot >= lg->dom_max || replica >= lg->n)
		return;
	rs = rstate(dom_at(lg, slot), replica);
	if (rp_st_waiters(ld_acq(&rs->state)))
		rp_futex_wake(futex_word(&rs->state), INT_MAX, BITS_ALL);
}

uint64_t olog_turn(const struct olog *lg, uint32_t slot, unsigned replica)
{
	if (slot >= lg->dom_max || replica >= lg->n)
		return 0;
	return rp_st_turn(ld_acq(&rstate(dom_at(lg, slot), replica)->state));
}

struct rp_rstate *olog_rstate(const struct olog *lg, uint32_t slot, unsigned replica)
{
	if (slot >= lg->dom_max || replica >= lg->n)
		return NULL;
	return rstate(dom_at(lg, slot), replica);
}

bool olog_locate(const struct olog *lg, size_t off, uint32_t *slot, int *replica,
		 size_t *in_state)
{
	size_t start = (size_t)(lg->doms - (char *)lg->rg), in;

	if (off < start || (off - start) / lg->dom_stride >= lg->dom_max)
		return false;
	*slot = (uint32_t)((off - start) / lg->dom_stride);
	in = (off - start) % lg->dom_stride;
	*replica = -1;
	if (in >= sizeof(struct rp_dom) &&
	    (in - sizeof(struct rp_dom)) / sizeof(struct rp_rstate) < lg->n) {
		*replica = (int)((in - sizeof(struct rp_dom)) / sizeof(struct rp_rstate));
		*in_state = (in - sizeof(struct rp_dom)) % sizeof(struct rp_rstate);
	}
	return true;
}

uint64_t olog_entry(const struct olog *lg, uint32_t slot, uint64_t pos)
{
	uint64_t e;

	if (slot >= lg->dom_max)
		return 0;
	e = ld_acq(&dom_log(lg, dom_at(lg, slot))[pos & ((1ull << lg->log_shift) - 1)]);
	return rp_ent_tag(e) == rp_ent_tag_of(pos, lg->log_shift) ? e : 0;
}
