/* Deadlines pass at quiet points.
 *
 * When a timed wait's deadline passes, relative to what the other threads
 * are doing, differs in every replica. Its outcome (signalled or timed out)
 * is agreed on (decide.c), but what the waiter does next then runs beside
 * the other threads wherever each of them is: harmless for threads that
 * share only what their regions order, not for a thread that reads shared
 * memory without a lock. CPython does that on every switch: a thread
 * waiting for the GIL times out each switch interval (5 ms) and sets a
 * flag; the thread holding the GIL reads the flag between bytecodes,
 * without a lock, and hands the GIL over at whichever one it is at: a
 * different one in every replica, and from there the replicas' threads
 * take their locks in orders that contradict each other's logs (a STALL)
 * or make different calls (a DIVERGENCE).
 *
 * So a deadline that has passed takes effect only at a quiet point: when
 * every other thread of the process that this library knows of waits, in a
 * wait that another thread's action or a deadline ends (a condvar, a
 * semaphore, a barrier, a timed poll's nap, a call that blocks in the
 * kernel: block.c; or a sleep for its turn in a domain behind a quiet
 * thread or behind me: see quiet()), and no thread just made is on its way
 * to its slot. A deadline that had passed when the call began needs no quiet
 * point: the call ends at a point of its own thread's program order, as a
 * trylock does. No thread runs the program's code then,
 * so whatever the waiter does next is ordered after everything the others
 * did, in every replica alike; and among the waiters whose deadlines are
 * due, the one with the earliest deadline (then the lower vtid) goes
 * first, one at a time. A thread that was signalled counts as running from
 * the signal on (cond.c marks it), not from when it wakes.
 *
 * What this gives up: a deadline passes only once the others wait, so a
 * thread that computes without waiting holds up the other threads'
 * timeouts (CPython: the thread holding the GIL is not asked to drop it;
 * it hands the GIL over when it waits or blocks, as it would with an
 * infinite switch interval). After HOLD_MAX_NS past its deadline a wait
 * ends anyway, wherever the others are, as it did before: a program that
 * spins until another thread's timeout fires goes on, late, and may then
 * diverge. A thread that blocks in the kernel through a call this library
 * does not wrap (glibc's own read inside fread, a raw syscall) counts as
 * running. A thread blocked in the kernel may return at different times in
 * different replicas: a data-race-free program does not mind where its
 * threads were when a timeout passed, a racy one might.
 */
#include <errno.h>

#include "orderlog.h"
#include "rpt.h"

enum rpt_qstate {
	RPT_Q_NONE = 0,		/* (a token: this thread has no slot) */
	RPT_Q_RUN = 1,		/* may be running the program's code */
	RPT_Q_WAIT = 2,		/* waits for another thread or a deadline */
	RPT_Q_TURN = 3,		/* sleeps for its turn in a domain */
	RPT_Q_CALL = 4,		/* blocks in a call a signal may end (block.c) */
	RPT_Q_TIMED_BIT = 0x100,	/* (in a token: a deadline was set) */
};

#define QUIET_SLOTS 4096		/* threads tracked at once */
#define HOLD_MAX_NS 10000000000ll	/* a deadline waits for quiet this long at most */

struct qslot {
	_Atomic uint32_t used;
	_Atomic uint32_t state;		/* enum rpt_qstate */
	_Atomic uint32_t timed;		/* the deadline below is set */
	_Atomic uint32_t clk;
	_Atomic int64_t due_ns;		/* the deadline, on clock clk */
	_Atomic uint32_t passed;	/* its waiter saw it pass */
	_Atomic uintptr_t where;	/* RPT_Q_TURN: the domain (rp_turn_whom()) */
	_Atomic uint32_t vtid;		/* 0: not known yet (a fork child's) */
	_Atomic uint32_t epoch;		/* waits it has come out of */
	_Atomic uintptr_t self;		/* its pthread_t (settle.c finds it) */
};

static struct qslot slots[QUIET_SLOTS];
static _Atomic uint32_t slots_hi;	/* slots below may be used */
static _Atomic int starting;		/* threads made that have no slot yet */
static _Thread_local struct qslot *tl_slot TLS_IE;
static pthread_key_t slot_key;
static _Atomic bool slot_key_ok;

static void slot_free(void *p)
{
	struct qslot *s = p;

	atomic_store(&s->state, RPT_Q_RUN);
	atomic_store(&s->timed, 0);
	atomic_store(&s->used, 0);
	tl_slot = NULL;
}

/* A thread that sleeps for its turn in a domain (not one that spins for
 * it: that is too short to be a point every replica reaches). */
static uint32_t turn_sleep(bool asleep, uintptr_t what)
{
	struct qslot *s = tl_slot;

	if (!s)
		return RPT_Q_NONE;
	if (!asleep) {
		rpt_quiet_run((uint32_t)what);
		return 0;
	}
	atomic_store(&s->where, what);
	return atomic_exchange(&s->state, RPT_Q_TURN);
}

void rpt_quiet_setup(void)
{
	if (!pthread_key_create(&slot_key, slot_free))
		atomic_store(&slot_key_ok, true);
	rp_on_sleep(turn_sleep);
}

/* A fork child has one thread: the slots of the others are stale, and
 * its own vtid is a new one (rpt_quiet_self() looks it up: a lookup here
 * would be a call in the middle of fork). */
void rpt_quiet_after_fork(void)
{
	uint32_t i, hi = atomic_load(&slots_hi);

	for (i = 0; i < hi; i++)
		if (&slots[i] != tl_slot) {
			atomic_store(&slots[i].used, 0);
			atomic_store(&slots[i].self, 0);	/* not this process's threads */
		}
	if (tl_slot)
		atomic_store(&tl_slot->vtid, 0);
	atomic_store(&starting, 0);
}

void rpt_quiet_starting(int delta)
{
	atomic_fetch_add(&starting, delta);
}

struct qslot *rpt_quiet_self(void)
{
	uint32_t i, hi, zero;

	if (tl_slot) {
		/* a fork child's: at a point where the thread looks it up
		 * anyway (its next region), not where a deadline passed */
		if (unlikely(!atomic_load(&tl_slot->vtid)))
			atomic_store(&tl_slot->vtid, rp_vtid());
		return tl_slot;
	}
	if (!atomic_load(&slot_key_ok))
		return NULL;
	for (i = 0; i < QUIET_SLOTS; i++) {
		zero = 0;
		if (atomic_load(&slots[i].used) ||
		    !atomic_compare_exchange_strong(&slots[i].used, &zero, 1))
			continue;
		atomic_store(&slots[i].vtid, rp_vtid());
		atomic_store(&slots[i].state, RPT_Q_RUN);
		atomic_store(&slots[i].timed, 0);
		atomic_store(&slots[i].self, (uintptr_t)pthread_self());
		hi = atomic_load(&slots_hi);
		while (hi < i + 1 && !atomic_compare_exchange_weak(&slots_hi, &hi, i + 1))
			;
		tl_slot = &slots[i];
		pthread_setspecific(slot_key, tl_slot);
		break;
	}
	return tl_slot;	/* NULL when all are taken: this thread is not seen */
}

uint32_t rpt_quiet_call(void)
{
	struct qslot *s = tl_slot;

	return s ? atomic_exchange(&s->state, RPT_Q_CALL) : RPT_Q_NONE;
}

uint32_t rpt_quiet_wait(const struct rpt_deadline *d)
{
	/* not rpt_quiet_self(): whether a wait sleeps is timing, and taking a
	 * slot may make a call (the vtid), which must come at the same point
	 * in every replica; threads take theirs at their first use of an
	 * object */
	struct qslot *s = tl_slot;
	uint32_t prev;

	if (!s)
		return RPT_Q_NONE;
	if (d) {
		atomic_store(&s->clk, (uint32_t)d->clk);
		atomic_store(&s->due_ns, d->due_ns);
		atomic_store(&s->passed, 0);
		atomic_store(&s->timed, 1);
	}
	prev = atomic_exchange(&s->state, RPT_Q_WAIT);
	return prev | (d ? RPT_Q_TIMED_BIT : 0);
}

void rpt_quiet_run(uint32_t prev)
{
	struct qslot *s = tl_slot;

	if (prev == RPT_Q_NONE || !s)
		return;
	if (prev & RPT_Q_TIMED_BIT)
		atomic_store(&s->timed, 0);
	atomic_store(&s->state, prev & ~RPT_Q_TIMED_BIT);
	atomic_fetch_add(&s->epoch, 1);
}

void rpt_quiet_woken(struct qslot *s)
{
	if (s) {
		atomic_store(&s->state, RPT_Q_RUN);
		atomic_fetch_add(&s->epoch, 1);
	}
}

/* Whether slot o's deadline goes before this one's. On one clock, in
 * terms every replica shares: deadlines are computed from the clock, an
 * input. Across clocks there is no such order: a deadline that has passed
 * goes first, the lower vtid first among those. */
static bool earlier(const struct qslot *o, const struct rpt_deadline *d, uint32_t vtid)
{
	uint32_t oclk = atomic_load(&o->clk);
	int64_t odue = atomic_load(&o->due_ns);

	if (oclk != (uint32_t)d->clk)
		return atomic_load(&o->passed) && atomic_load(&o->vtid) < vtid;
	if (odue != d->due_ns)
		return odue < d->due_ns;
	return atomic_load(&o->vtid) < vtid;
}

static struct qslot *slot_of_vtid(uint32_t vtid, uint32_t hi)
{
	uint32_t i;

	for (i = 0; i < hi; i++)
		if (atomic_load(&slots[i].used) && atomic_load(&slots[i].vtid) == vtid)
			return &slots[i];
	return NULL;
}

/* Whether thread o runs none of the program's code and cannot start to
 * before me: it waits, or sleeps for its turn in a domain behind me or
 * behind a thread that is itself quiet (inside the region, or whose entry
 * is next: a sem_wait inside a semaphore's region). Behind a thread that
 * runs it runs too: that thread is on its way. That holds as well when
 * another replica appended the entry it follows: the thread named there
 * still has to get to it here. Only a thread named by another replica's
 * entry that has no slot here counts as quiet: it does not exist yet (a
 * thread made after a point this replica has not reached; pthread_create
 * marks the ones on their way, rpt_quiet_starting()). */
static bool quiet(const struct qslot *o, uint32_t me_vtid, uint32_t hi)
{
	unsigned depth;
	uint32_t whom, vtid;
	const struct qslot *next;

	for (depth = 0; depth < 8; depth++) {
		switch (atomic_load(&o->state)) {
		case RPT_Q_WAIT:
		case RPT_Q_CALL:
			return true;
		case RPT_Q_TURN:
			/* now: the thread ahead of it when it fell
			 * asleep may have left since (it is not woken
			 * for that), even exited */
			whom = rp_turn_whom(atomic_load(&o->where), atomic_load(&o->vtid));
			if (whom == OLOG_WAIT_OWN || whom == atomic_load(&o->vtid))
				return false;	/* not known, or its turn came: it runs */
			vtid = whom & ~OLOG_WAIT_FOREIGN;
			if (vtid == me_vtid)
				return true;
			if (!(next = slot_of_vtid(vtid, hi)))
				return (whom & OLOG_WAIT_FOREIGN) != 0;
			o = next;
			break;
		default:
			return false;
		}
	}
	return false;
}

bool rpt_quiet_due(struct rpt_deadline *d)
{
	struct qslot *me = tl_slot, *o;
	uint32_t i, hi = atomic_load(&slots_hi);

	if (!me || !d->hold || d->held_ns >= HOLD_MAX_NS)
		return true;
	atomic_store(&me->passed, 1);
	if (atomic_load(&starting) > 0)
		return false;	/* a new thread runs, unseen */
	for (i = 0; i < hi; i++) {
		o = &slots[i];
		if (o == me || !atomic_load(&o->used))
			continue;
		if (!quiet(o, atomic_load(&me->vtid), hi))
			return false;
		if (atomic_load(&o->timed) && earlier(o, d, atomic_load(&me->vtid)))
			return false;
	}
	return true;
}

/* A slot keeps its thread's pthread_t and vtid when the thread ends, until
 * another thread takes it: so a thread that ended is still known. */
enum rpt_marked rpt_quiet_mark(pthread_t t, struct rpt_mark *k)
{
	uint32_t i, hi = atomic_load(&slots_hi), ended = 0;

	for (i = 0; i < hi; i++) {
		struct qslot *o = &slots[i];

		if (atomic_load(&o->self) != (uintptr_t)t || o == tl_slot)
			continue;
		if (!atomic_load(&o->used)) {
			ended = ended ? ended : atomic_load(&o->vtid);
			continue;
		}
		k->s = o;
		k->vtid = atomic_load(&o->vtid);
		k->epoch = atomic_load(&o->epoch);
		k->state = atomic_load(&o->state);
		k->anew = true;
		return k->vtid ? RPT_MARK_LIVE : RPT_MARK_NONE;
	}
	k->vtid = ended;
	return ended ? RPT_MARK_ENDED : RPT_MARK_NONE;
}

enum rpt_settled rpt_quiet_settled(const struct rpt_mark *k, uint32_t *epoch)
{
	const struct qslot *o = k->s;

	if (!atomic_load(&o->used) || atomic_load(&o->vtid) != k->vtid)
		return RPT_ENDED;
	*epoch = atomic_load(&o->epoch);
	if (k->anew && k->state != RPT_Q_RUN && *epoch == k->epoch)
		return RPT_BUSY;	/* still in the wait it was in */
	if (!quiet(o, tl_slot ? atomic_load(&tl_slot->vtid) : 0, atomic_load(&slots_hi)))
		return RPT_BUSY;
	return atomic_load(&o->state) == RPT_Q_CALL ? RPT_QUIET_CALL : RPT_QUIET;
}
