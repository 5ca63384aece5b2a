/* The protocol between libreplicant (inside each replica) and the monitor:
 * the HELLO call that hands a replica the shared region, and the layout of
 * that region. Shared by lib/ and src/; a change to anything here that the
 * other side can observe bumps REPLICANT_PROTOCOL_VERSION.
 *
 * HELLO
 *	long ret = syscall(REPLICANT_SYS_HELLO, REPLICANT_PROTOCOL_VERSION,
 *			   &hello, sizeof(hello));
 * made by the library's constructor in the initial thread (and again by the
 * forking thread in a fork child: pthread_atfork), so it sits at the same
 * point of every replica's syscall list. The kernel answers -ENOSYS (no
 * monitor): the library runs in pass-through mode. The monitor answers, per
 * replica:
 *	ret = replica index (0..nreplicas-1), hello filled in (all fields),
 *	hello.fd a descriptor of the region's memfd installed in the caller
 *	(SECCOMP_IOCTL_NOTIF_ADDFD, O_CLOEXEC);
 *	or -EINVAL (size < sizeof(struct replicant_hello_v1)), -EFAULT, or
 *	-EPROTONOSUPPORT (version it does not speak; the monitor should report
 *	that itself: the library cannot print).
 * The library then makes, from the same thread:
 *	mmap(NULL, hello.size, PROT_READ | PROT_WRITE, MAP_SHARED, hello.fd, 0)
 *	close(hello.fd)
 * so the monitor must let that one shared mapping of its memfd through, and
 * the program never sees the descriptor. The first HELLO of a process peer
 * group (a new process, or a process after execve) gets a fresh region
 * formatted by olog_format(); the corresponding processes of the other
 * replicas get the same region.
 *
 * REGION (all little endian, offsets in bytes)
 *	0		struct rp_region (one page): geometry, live mask, slot
 *			allocator, per-replica init cursors
 *	init_off	uint64_t init log[init_cap]: entry k = slot of the
 *			domain created by the k-th init_dom of every replica
 *	dom_off		dom_max domain slots of dom_stride bytes: slot 0 is
 *			domain 0. Each slot is
 *			  struct rp_dom (64)
 *			  struct rp_rstate[nreplicas] (64 each, one per replica)
 *			  uint64_t log[log_cap] at dom_log_off: the order log
 *			  uint8_t mark[nreplicas][log_cap] at dom_log_off +
 *			    8 log_cap: per replica, which FAILED entries (see
 *			    RP_ENT_FAILED) its thread has seen already
 * The region is sparse: a slot's pages are touched when it is first used.
 *
 * What the monitor does with a region: format it; clear a replica's bit in
 * `live` when the replica dies or is killed (leaders then stop waiting for
 * it within RP_SPACE_POLL_NS); set its bit in `unordered` when its threads
 * can no longer follow the logs (a thread they wait for ended, or waits in
 * a cycle: the program branched on memory no region covers), so that they
 * go on taking the regions as plain locks, each replica's outputs still
 * voted; read it for reports (rp_rstate.holder, turn, the last log
 * entries). Nothing in it is trusted for output: a replica that
 * scribbles on it can make replicas stall or diverge, never emit an output
 * that a majority did not produce.
 */
#ifndef REPLICANT_PROTOCOL_H
#define REPLICANT_PROTOCOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define REPLICANT_PROTOCOL_VERSION 4

/* 'R' 'P': far above any real syscall number, so the kernel answers ENOSYS. */
#define REPLICANT_SYS_HELLO 0x5250

/* DECIDE
 *	long ret = syscall(REPLICANT_SYS_DECIDE, proposal);
 * makes a timing-dependent choice once for every replica: the monitor
 * answers, in every replica, the proposal (0..INT32_MAX) of the first
 * replica of the calling thread's peer group to make the call. For the
 * outcome of trylock, timedlock and timed waits, which the replica that
 * gets there first decides and the others reproduce. The kernel answers
 * -ENOSYS (no monitor). -EINVAL: proposal out of range. */
#define REPLICANT_SYS_DECIDE 0x5251

/* MISUSE
 *	syscall(REPLICANT_SYS_MISUSE, call, error, label);
 * tells the monitor that an API call failed with an error a correct
 * program does not get (RP_CALL_* below; error a positive errno), for a
 * line in its report: the library itself never prints. The call and the
 * error are compared between replicas like any call's arguments, the label
 * is not (it is an address). Answered 0; -ENOSYS outside replicant. */
#define REPLICANT_SYS_MISUSE 0x5252

/* BLOCKED
 *	long ret = syscall(REPLICANT_SYS_BLOCKED, vtid);
 * asks whether the caller's replica's thread vtid waits in a call that
 * runs in the monitor for the outside world (an accept, a read, a wait
 * with nothing ready yet: 1), or not (0: it runs, its answer is decided
 * or on its way, it waits for the other replicas, or it ended). A question
 * about the replica's own threads: it takes no place in the list and is
 * not compared; the library's pthread_kill asks it (lib/pthread/settle.c).
 * -ENOSYS outside replicant. */
#define REPLICANT_SYS_BLOCKED 0x5253

enum rp_call {
	RP_CALL_INIT_DOM = 1,
	RP_CALL_DESTROY_DOM,
	RP_CALL_ALIAS_DOM,
	RP_CALL_BEGIN_SEQ,
	RP_CALL_END_SEQ,
};

/* hello.flags: delay region entries at random (replicant run --perturb),
 * to bring out races that sequential regions do not cover. */
#define RP_HELLO_PERTURB 1u

#define RP_MAGIC 0x434c5052u		/* "RPLC" as bytes in memory */
#define RP_MAX_REPLICAS 16
#define RP_PAGE 4096

struct replicant_hello_v1 {
	uint32_t version;	/* the monitor's protocol version */
	uint32_t replica;	/* the caller's replica index, as returned */
	uint32_t nreplicas;	/* N */
	int32_t fd;		/* the region's memfd, installed in the caller */
	uint64_t size;		/* bytes to map, from offset 0 */
	uint32_t spin_iters;	/* spin budget before sleeping, in iterations of
				 * olog's spin loop (olog_spin_calibrate()); 0:
				 * sleep at once (replicas x threads > cores) */
	uint32_t flags;		/* RP_HELLO_* */
	uint64_t perturb_seed;	/* RP_HELLO_PERTURB: this replica's seed */
	uint32_t perturb_max_us; /* RP_HELLO_PERTURB: longest delay */
	uint32_t reserved0;	/* 0 */
	uint64_t reserved[2];	/* 0 */
};

/* The region header, at offset 0. Geometry fields are written by
 * olog_format() and never change. */
struct rp_region {
	uint32_t magic;		/* RP_MAGIC */
	uint32_t version;	/* REPLICANT_PROTOCOL_VERSION */
	uint32_t nreplicas;	/* N, 1..RP_MAX_REPLICAS */
	uint32_t log_cap;	/* entries in each domain's order log: a power of 2 */
	uint32_t init_cap;	/* entries in the init log: a power of 2 */
	uint32_t dom_max;	/* domain slots, slot 0 included */
	uint32_t dom_stride;	/* bytes per slot, a multiple of 64 */
	uint32_t dom_log_off;	/* offset of the order log within a slot */
	uint64_t size;		/* bytes of the whole region */
	uint64_t init_off;	/* offset of the init log */
	uint64_t dom_off;	/* offset of slot 0 */
	_Atomic uint32_t live;	/* bit r: replica r is live; the monitor clears */
	_Atomic uint32_t bump;	/* slots below have been handed out at least once */
	_Atomic uint64_t free_head; /* stack of recycled slots: ABA tag << 32 |
				     * (slot + 1), 0 = empty */
	_Atomic uint32_t slots_returned; /* slots given back by replicas that lost
					  * an init log position (a count) */
	_Atomic uint32_t unordered; /* bit r: replica r's threads no longer
				     * follow the order logs (the monitor sets
				     * it: olog_release_replica()) */
	uint8_t pad0[128 - 80];
	struct {
		_Atomic uint64_t turn;	/* init_dom calls the replica completed:
					 * the init log position it is at */
		_Atomic uint32_t holding; /* it holds a slot for a position it may
					   * still lose (and give back) */
		uint8_t pad[52];
	} init[RP_MAX_REPLICAS];
};

/* Head of a domain slot. */
struct rp_dom {
	_Atomic uint32_t destroyed; /* bit r: replica r destroyed the domain;
				     * RP_DOM_RECYCLING: being reset */
	_Atomic uint32_t next_free; /* free-stack link: slot + 1, 0 = end */
	uint32_t reuse;		/* times the slot was recycled (reports) */
	uint8_t pad[52];
};

#define RP_DOM_RECYCLING 0x80000000u

/* One replica's state in one domain (the thesis' sub-domain); its own cache
 * line, since each replica writes it on every region. */
struct rp_rstate {
	/* bit 0 busy: a thread is inside, the one of log[turn] or, when turn
	 * has passed FAILED entries since it went in, of the last plain entry
	 * before them (orderlog.c, skip_failed()); bits 1..47 turn: the
	 * log position the replica is at (positions below are passed); bits
	 * 48..63 waiters: this replica's threads sleeping on this word. The
	 * low 32 bits are the futex word (they change with every turn). */
	_Atomic uint64_t state;
	_Atomic uint32_t holder; /* vtid inside, 0 = none */
	_Atomic uint32_t depth;	/* the holder's nesting */
	_Atomic uint64_t horizon; /* replica-private cache: every live replica
				   * has passed the positions below */
	_Atomic uint64_t space_at; /* leaders of other replicas sleep on
				    * space_word until turn reaches this; 0: none */
	_Atomic uint32_t space_word; /* their futex word: bumped to wake them */
	uint8_t pad[28];
};

#define RP_ST_BUSY 1ull
#define RP_ST_TURN_SHIFT 1
#define RP_ST_TURN_MASK ((1ull << 47) - 1)
#define RP_ST_WAITER (1ull << 48)
#define RP_ST_WAITERS_MAX 0xffffu

static inline uint64_t rp_st_turn(uint64_t st)
{
	return (st >> RP_ST_TURN_SHIFT) & RP_ST_TURN_MASK;
}

static inline uint32_t rp_st_waiters(uint64_t st)
{
	return (uint32_t)(st >> 48);
}

/* A log entry (order log and init log alike): bits 0..31 the id (the
 * thread's vtid, or the slot for the init log; RP_SLOT_NONE: no slot was
 * left), bits 32..39 the replica that appended it, bits 40..63 the lap tag
 * (position / cap + 1) mod 2^24. A slot holding the previous lap's tag (0
 * before the first lap) is free: position p is appended by a CAS from
 * that value. */
/* In the order log, bit 31 of the id marks a FAILED try (olog_try_enter()):
 * the thread whose vtid is in bits 0..30 tried to enter and was refused, in
 * every replica alike. Such an entry gives nobody the region: each replica's
 * turn passes it once that thread has seen it there. vtids (pids, and
 * replicant's virtual ids just above pid_max) stay far below 2^31. The
 * replica's mark byte for the entry's position holds rp_mark_of(pos) once
 * its thread has seen it (0: not yet), so whoever brings the turn onto it
 * knows whether to pass it. */
#define RP_ENT_FAILED 0x80000000u
#define RP_ENT_REP_SHIFT 32
#define RP_ENT_TAG_SHIFT 40
#define RP_ENT_TAG_MASK 0xffffffu
#define RP_SLOT_NONE 0xffffffffu

static inline uint32_t rp_ent_tag_of(uint64_t pos, unsigned cap_shift)
{
	return (uint32_t)((pos >> cap_shift) + 1) & RP_ENT_TAG_MASK;
}

static inline uint64_t rp_ent_make(uint64_t pos, unsigned cap_shift, unsigned replica,
				   uint32_t id)
{
	return (uint64_t)rp_ent_tag_of(pos, cap_shift) << RP_ENT_TAG_SHIFT |
	       (uint64_t)(replica & 0xff) << RP_ENT_REP_SHIFT | id;
}

static inline uint32_t rp_ent_tag(uint64_t e)
{
	return (uint32_t)(e >> RP_ENT_TAG_SHIFT);
}

static inline unsigned rp_ent_replica(uint64_t e)
{
	return (unsigned)(e >> RP_ENT_REP_SHIFT) & 0xff;
}

static inline uint32_t rp_ent_id(uint64_t e)
{
	return (uint32_t)e;
}

/* The mark byte of log position pos: 0x80 | its lap's low 7 bits (a mark
 * left by an earlier lap never reads as the current one's). */
static inline uint8_t rp_mark_of(uint64_t pos, unsigned cap_shift)
{
	return (uint8_t)(0x80u | ((pos >> cap_shift) & 0x7fu));
}

/* How long a leader that is log_cap entries ahead sleeps between looks at
 * the live mask, so a replica the monitor killed stops holding it back. It
 * asks to be woken when the slowest replica has freed half the log, so that
 * a leader held back by the log's size sleeps once per log_cap / 2 entries,
 * not once per entry. */
#define RP_SPACE_POLL_NS 2000000L

_Static_assert(sizeof(struct replicant_hello_v1) == 64, "HELLO's struct is 64 bytes");
_Static_assert(sizeof(struct rp_region) <= RP_PAGE, "region header fits a page");
_Static_assert(sizeof(struct rp_dom) == 64, "slot head is one cache line");
_Static_assert(offsetof(struct rp_region, init) == 128, "per-replica init state from byte 128");
_Static_assert(sizeof(((struct rp_region *)0)->init[0]) == 64, "one cache line a replica");
_Static_assert(sizeof(struct rp_rstate) == 64, "replica state is one cache line");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the futex word is the low half of rp_rstate.state");

#endif
