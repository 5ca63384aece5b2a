/* libreplicant: the sequential-region API of <replicant.h>.
 *
 * At load (and in a fork child) the library says HELLO to the monitor (see
 * protocol.h). With an answer it maps the shared region and runs in
 * replicated mode: labels are looked up in this replica's label table, and
 * the order log does the rest, with no monitor round trip. Without one (the
 * kernel's ENOSYS: not under replicant; or any error, which the library
 * cannot report) it runs in pass-through mode, where begin_seq()/end_seq()
 * only count the thread's nesting and the program runs as it would without
 * annotations. REPLICANT_SEQ_CHECK=1 in the environment of a program run
 * outside replicant gives it a private region with one replica instead, so
 * that annotation mistakes show as errors.
 *
 * Nothing here prints, exits, sets errno, takes a pthread lock (an
 * interposition library may be behind pthread_mutex_lock) or allocates with
 * malloc; begin_seq()/end_seq() allocate nothing at all. Under a monitor, an
 * API call that fails tells it so (MISUSE, protocol.h), for a line in its
 * report; libreplicant-pthread.so calls the rp_ variants with RP_QUIET.
 */
#include <replicant.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domtab.h"
#include "orderlog.h"
#include "protocol.h"
#include "replicant_int.h"
#include "sys.h"

#define API __attribute__((visibility("default")))
#define TLS_IE __attribute__((tls_model("initial-exec")))
#define unlikely(x) __builtin_expect(!!(x), 0)

/* REPLICANT_SEQ_CHECK geometry: sparse, so a large dom_max costs address
 * space only. */
#define CHECK_DOM_MAX (1u << 20)
#define CHECK_LOG_CAP 64
#define CHECK_INIT_CAP 256
#define CHECK_SPIN_NS 1000

enum mode {
	MODE_UNSET = 0,		/* before the constructor */
	MODE_PASS,		/* no monitor: next to nothing happens */
	MODE_REPLICATED,	/* regions go through the order log */
};

/* This replica's names of a slot's domain. */
struct dinfo {
	long label;		/* init_dom()'s label */
	long alias;		/* alias_dom()'s, 0 for none (0 is domain 0) */
	uint32_t gen;		/* which init_dom() of this replica made it */
};

static struct {
	_Atomic int mode;	/* enum mode */
	_Atomic uint32_t lock;	/* serialises init/destroy/alias and attach:
				 * 0 free, 1 taken, 2 taken with sleepers */
	struct olog lg;
	void *mem;		/* the mapped region */
	size_t size;
	/* The first region of this process tree (since the last execve): a
	 * fork child keeps it mapped, so the domains of process-shared
	 * objects made there (slots with SLOT_SHARED in the label table) are
	 * ordered among every process of the replica. Its domain 0 is named
	 * by SHARED0_LABEL. In the process whose HELLO made it, sh is lg. */
	struct olog sh;
	void *sh_mem;
	bool private_region;	/* made here (REPLICANT_SEQ_CHECK) */
	struct domtab tab;	/* label -> slot */
	struct dinfo *info;	/* per slot, info_slots of them */
	uint32_t info_slots;
	uint32_t max_slot;	/* slots below may be in use here */
	uint32_t (*sleep_note)(bool, uintptr_t);	/* rp_on_sleep()'s */
	uint32_t inits;		/* domains made in rp.lg so far: the k-th is
				 * the same domain in every replica */
	uint64_t perturb_seed;	/* replicant run --perturb: this replica's seed */
	uint32_t perturb_max_us; /* and its longest delay; 0: no delays */
} rp;

/* In a label table entry: the slot is the shared region's (rp.sh). Slots
 * are below dom_max (1 << 20). */
#define SLOT_SHARED 0x80000000u

/* The shared region's domain 0 is entered under this label, which no
 * program can know: the address of a byte of the library. */
static const char shared0;
#define SHARED0_LABEL ((long)&shared0)

static _Thread_local uint32_t tl_vtid TLS_IE;
static _Thread_local unsigned long tl_depth TLS_IE;	/* pass-through nesting */
static _Thread_local uint64_t tl_rnd TLS_IE;		/* --perturb's sequence */

/* The init lock (Drepper's "Futexes are tricky", mutex 2), on a private
 * futex: only threads of this process contend. */
static void lock(void)
{
	uint32_t c = 0;

	if (atomic_compare_exchange_strong(&rp.lock, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&rp.lock, 2);
	while (c) {
		rp_futex_wait_private(&rp.lock, 2);
		c = atomic_exchange(&rp.lock, 2);
	}
}

static void unlock(void)
{
	if (atomic_exchange(&rp.lock, 0) == 2)
		rp_futex_wake_private(&rp.lock, 1);
}

/* The thread's identity: gettid() is virtual under replicant, the same for
 * corresponding threads of every replica. It is a monitor round trip, so
 * it is asked once per thread, at the thread's first region. */
static uint32_t vtid(void)
{
	if (unlikely(!tl_vtid))
		tl_vtid = (uint32_t)rp_gettid();
	return tl_vtid;
}

void rp_set_vtid(uint32_t id)
{
	tl_vtid = id;
}

/* The order log a label table slot is in: the shared region's for a slot
 * marked SLOT_SHARED (the mark is taken off *slot), else this process's. */
static inline struct olog *olog_of(uint32_t *slot)
{
	if (unlikely(*slot & SLOT_SHARED)) {
		*slot &= ~SLOT_SHARED;
		return &rp.sh;
	}
	return &rp.lg;
}

/* The per-slot names, sized for the region; kept across a fork. */
static int info_alloc(uint32_t slots)
{
	void *p;

	if (rp.info)
		return slots <= rp.info_slots && rp.max_slot <= slots ? 0 : EINVAL;
	p = rp_mmap(NULL, (size_t)slots * sizeof(struct dinfo), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rp_mmap_failed(p))
		return ENOMEM;
	rp.info = p;
	rp.info_slots = slots;
	return 0;
}

/* Switches to replicated mode on a mapped region. The first time, sets up
 * the label table with domain 0; later (a fork child, on its fresh region)
 * keeps it and reserves the slots of the domains it inherited. */
static int use_region(void *mem, size_t size, unsigned replica, uint32_t spin)
{
	bool first = !rp.info;
	struct olog lg;
	int err;

	err = olog_open(&lg, mem, size, replica, spin);
	if (!err)
		err = info_alloc(lg.dom_max);
	if (!err && first) {
		err = dtab_init(&rp.tab);
		if (!err)
			err = dtab_insert(&rp.tab, 0, 0, DTAB_LABEL);
		if (!err)
			err = dtab_insert(&rp.tab, SHARED0_LABEL, SLOT_SHARED, DTAB_LABEL);
		rp.max_slot = 1;
	}
	if (err)
		return err;
	olog_reserve(&lg, rp.max_slot);
	lg.sleep_note = rp.sleep_note;
	rp.lg = lg;
	rp.mem = mem;
	rp.size = size;
	if (!rp.sh_mem) {
		rp.sh = lg;
		rp.sh_mem = mem;
	}
	atomic_store(&rp.mode, MODE_REPLICATED);
	return 0;
}

/* HELLO (protocol.h): the monitor's region, or an error number (ENOSYS:
 * there is no monitor). */
static int hello(void)
{
	struct replicant_hello_v1 h = { .fd = -1 };
	long ret;
	void *mem;
	int err;

	ret = rp_syscall6(REPLICANT_SYS_HELLO, REPLICANT_PROTOCOL_VERSION, (long)&h, sizeof(h), 0,
			  0, 0);
	if (ret < 0)
		return (int)-ret;
	if (h.fd < 0)
		return EPROTO;
	mem = MAP_FAILED;
	if (h.version == REPLICANT_PROTOCOL_VERSION && h.replica == ret && h.size)
		mem = rp_mmap(NULL, h.size, PROT_READ | PROT_WRITE, MAP_SHARED, h.fd, 0);
	rp_close(h.fd);
	if (mem == MAP_FAILED)
		return EPROTO;
	if (rp_mmap_failed(mem))
		return ENOMEM;
	err = use_region(mem, h.size, h.replica, h.spin_iters);
	if (err) {
		rp_munmap(mem, h.size);
		return err;
	}
	if ((h.flags & RP_HELLO_PERTURB) && h.perturb_max_us) {
		rp.perturb_seed = h.perturb_seed;
		rp.perturb_max_us = h.perturb_max_us;
	}
	return 0;
}

static int private_region(void)
{
	const struct olog_geom g = { .nreplicas = 1, .dom_max = CHECK_DOM_MAX,
				     .log_cap = CHECK_LOG_CAP, .init_cap = CHECK_INIT_CAP };
	size_t size = olog_region_size(&g);
	void *mem;
	int err;

	mem = rp_mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rp_mmap_failed(mem))
		return ENOMEM;
	err = olog_format(mem, size, &g);
	if (!err)
		err = use_region(mem, size, 0, olog_spin_calibrate(CHECK_SPIN_NS));
	if (err) {
		rp_munmap(mem, size);
		return err;
	}
	rp.private_region = true;
	return 0;
}

/* A fork child is a new process peer group: it drops its parent's region
 * and gets its own (HELLO again, from the forking thread, at the same point
 * in every replica). It keeps its domains, with empty logs and no thread
 * inside, and the process tree's shared region (never unmapped here: the
 * process-shared objects it inherited have their domains there). */
static void after_fork_child(void)
{
	int err;

	tl_vtid = 0;
	atomic_store(&rp.lock, 0);
	if (atomic_load(&rp.mode) != MODE_REPLICATED)
		return;
	if (rp.mem != rp.sh_mem)
		rp_munmap(rp.mem, rp.size);
	rp.mem = NULL;
	err = rp.private_region ? private_region() : hello();
	if (err)
		atomic_store(&rp.mode, MODE_PASS);
}

static int check_requested(void)
{
	const char *v = getenv("REPLICANT_SEQ_CHECK");

	return v && *v && strcmp(v, "0");
}

/* Decides the mode once, normally from the constructor. */
static int attach(void)
{
	int m, err;

	lock();
	m = atomic_load(&rp.mode);
	if (m == MODE_UNSET) {
		/* ENOSYS from the kernel; EPERM from a container's seccomp
		 * profile, which refuses syscalls it does not know */
		err = hello();
		if ((err == ENOSYS || err == EPERM) && check_requested())
			err = private_region();
		if (err)
			atomic_store(&rp.mode, MODE_PASS);
		pthread_atfork(NULL, NULL, after_fork_child);
		m = atomic_load(&rp.mode);
	}
	unlock();
	return m;
}

__attribute__((constructor)) static void rp_constructor(void)
{
	attach();
}

static inline int mode(void)
{
	int m = atomic_load_explicit(&rp.mode, memory_order_relaxed);

	return unlikely(m == MODE_UNSET) ? attach() : m;
}

int rp_attach_region(void *mem, size_t size, unsigned replica, uint32_t spin)
{
	int err;

	lock();
	err = use_region(mem, size, replica, spin);
	unlock();
	return err;
}

int rp_attach_private(void)
{
	int err;

	lock();
	err = private_region();
	unlock();
	return err;
}

RP_INTERNAL_API int rp_replicated(void)
{
	return mode() == MODE_REPLICATED;
}

RP_INTERNAL_API long rp_decide(long proposal)
{
	long ret;

	if (mode() != MODE_REPLICATED || rp.private_region)
		return proposal;
	/* ENOSYS (a monitor without DECIDE) or EPERM (a seccomp profile):
	 * nobody to agree with, so this replica's own view it is */
	ret = rp_syscall6(REPLICANT_SYS_DECIDE, proposal, 0, 0, 0, 0, 0);
	return ret < 0 ? proposal : ret;
}

RP_INTERNAL_API int rp_dom_peek(long label)
{
	struct olog *lg;
	uint32_t slot;

	if (mode() != MODE_REPLICATED)
		return -EINVAL;
	if (dtab_find(&rp.tab, label, &slot) == DTAB_NONE)
		return -EINVAL;
	lg = olog_of(&slot);	/* strips SLOT_SHARED: before slot is read */
	return olog_peek(lg, slot, vtid());
}

struct olog *rp_olog(void)
{
	return &rp.lg;
}

int rp_lookup(long label, uint32_t *slot)
{
	if (mode() != MODE_REPLICATED)
		return EINVAL;
	return dtab_find(&rp.tab, label, slot) == DTAB_NONE ? EINVAL : 0;
}

/* An API call failed with err: tell the monitor (MISUSE, protocol.h), for a
 * line in its report. Only in replicated mode under a monitor: pass-through
 * has none (the kernel would say ENOSYS, for the price of a syscall), nor
 * has REPLICANT_SEQ_CHECK's private region. RP_QUIET (libreplicant-pthread's
 * calls, whose errors are part of its normal operation) reports only
 * EPROTO, which no caller makes on purpose. Off the fast paths: callers
 * test err first. */
static __attribute__((noinline, cold)) int misuse(enum rp_call call, int err, long label,
						   unsigned flags)
{
	if ((flags & RP_QUIET) && err != EPROTO)
		return err;
	if (mode() != MODE_REPLICATED || rp.private_region)
		return err;
	rp_syscall6(REPLICANT_SYS_MISUSE, call, err, label, 0, 0, 0);
	return err;
}

/* A shared domain's slot has no dinfo here (another process of the
 * replica may have made it, and its number is the shared region's): it
 * has no alias, and destroying it removes its label. */
static int do_init_dom(long label, bool shared)
{
	struct olog *lg = shared ? &rp.sh : &rp.lg;
	uint32_t slot;
	int err;

	lock();
	if (dtab_find(&rp.tab, label, &slot) != DTAB_NONE) {
		err = EEXIST;
	} else {
		/* room first: once the init log position is taken, the
		 * domain must be entered in the table */
		err = dtab_reserve(&rp.tab, 1);
		if (!err)
			err = olog_dom_create(lg, &slot);
		if (!err && slot >= rp.info_slots)
			err = EPROTO;
		if (!err && shared) {
			dtab_insert(&rp.tab, label, slot | SLOT_SHARED, DTAB_LABEL);
		} else if (!err) {
			rp.info[slot] = (struct dinfo){ .label = label, .gen = ++rp.inits };
			dtab_insert(&rp.tab, label, slot, DTAB_LABEL);
			if (slot >= rp.max_slot)
				rp.max_slot = slot + 1;
		}
	}
	unlock();
	return err;
}

/* init_dom() in this process's region or, shared, in the shared one. */
static int init_dom_in(long label, unsigned flags, bool shared)
{
	int err;

	if (mode() != MODE_REPLICATED)
		return label ? 0 : EEXIST;
	err = do_init_dom(label, shared);
	return unlikely(err) ? misuse(RP_CALL_INIT_DOM, err, label, flags) : 0;
}

RP_INTERNAL_API int rp_init_dom(long label, unsigned flags)
{
	return init_dom_in(label, flags, false);
}

RP_INTERNAL_API int rp_init_dom_shared(long label, unsigned flags)
{
	return init_dom_in(label, flags, true);
}

RP_INTERNAL_API uint32_t rp_vtid(void)
{
	return vtid();
}

RP_INTERNAL_API void rp_on_sleep(uint32_t (*note)(bool asleep, uintptr_t where))
{
	lock();
	rp.sleep_note = note;
	rp.lg.sleep_note = note;
	rp.sh.sleep_note = note;
	unlock();
}

/* Read by other threads than the sleeper's, at any time: where may be a
 * domain of a region that this process no longer uses (then not known). */
RP_INTERNAL_API uint32_t rp_turn_whom(uintptr_t where, uint32_t self)
{
	const void *d = (const void *)where;

	if (olog_holds(&rp.lg, d))
		return olog_turn_whom(&rp.lg, d, self);
	if (olog_holds(&rp.sh, d))
		return olog_turn_whom(&rp.sh, d, self);
	return OLOG_WAIT_OWN;
}

RP_INTERNAL_API uint32_t rp_dom_gen(long label)
{
	uint32_t slot;

	if (mode() != MODE_REPLICATED || dtab_find(&rp.tab, label, &slot) != DTAB_LABEL)
		return 0;
	return (slot & SLOT_SHARED) ? 1 : rp.info[slot].gen;
}

RP_INTERNAL_API long rp_shared_zero(void)
{
	return SHARED0_LABEL;
}

RP_INTERNAL_API bool rp_dom_shared(long label)
{
	uint32_t slot;

	return mode() == MODE_REPLICATED && dtab_find(&rp.tab, label, &slot) != DTAB_NONE &&
	       (slot & SLOT_SHARED);
}

RP_INTERNAL_API int rp_forget_dom_shared(long label)
{
	uint32_t slot;
	int err = EINVAL;

	if (mode() != MODE_REPLICATED)
		return 0;
	lock();
	if (dtab_find(&rp.tab, label, &slot) != DTAB_NONE && (slot & SLOT_SHARED) &&
	    slot != SLOT_SHARED)
		err = dtab_remove(&rp.tab, label);
	unlock();
	return err;
}

API int init_dom(long label)
{
	return rp_init_dom(label, 0);
}

static int do_destroy_dom(long label)
{
	uint32_t slot;
	int err;

	lock();
	if (dtab_find(&rp.tab, label, &slot) == DTAB_NONE) {
		err = EINVAL;
	} else if (slot & SLOT_SHARED) {
		err = slot == SLOT_SHARED ? EPERM : olog_dom_destroy(&rp.sh, slot & ~SLOT_SHARED);
		if (!err)
			dtab_remove(&rp.tab, label);
	} else {
		err = olog_dom_destroy(&rp.lg, slot);
		if (!err) {
			dtab_remove(&rp.tab, rp.info[slot].label);
			if (rp.info[slot].alias)
				dtab_remove(&rp.tab, rp.info[slot].alias);
			rp.info[slot] = (struct dinfo){ 0 };
		}
	}
	unlock();
	return err;
}

RP_INTERNAL_API int rp_destroy_dom(long label, unsigned flags)
{
	int err;

	if (mode() != MODE_REPLICATED)
		return label ? 0 : EPERM;
	err = do_destroy_dom(label);
	return unlikely(err) ? misuse(RP_CALL_DESTROY_DOM, err, label, flags) : 0;
}

API int destroy_dom(long label)
{
	return rp_destroy_dom(label, 0);
}

API int alias_dom(long label, long alias)
{
	uint32_t slot, other;
	int err;

	if (mode() != MODE_REPLICATED)
		return !alias && label ? EEXIST : 0;
	lock();
	if (dtab_find(&rp.tab, label, &slot) == DTAB_NONE || (slot & SLOT_SHARED)) {
		err = EINVAL;
	} else if (dtab_find(&rp.tab, alias, &other) != DTAB_NONE) {
		err = other == slot ? 0 : EEXIST;
	} else {
		err = dtab_reserve(&rp.tab, 1);
		if (!err) {
			if (rp.info[slot].alias)
				dtab_remove(&rp.tab, rp.info[slot].alias);
			dtab_insert(&rp.tab, alias, slot, DTAB_ALIAS);
			rp.info[slot].alias = alias;
		}
	}
	unlock();
	return unlikely(err) ? misuse(RP_CALL_ALIAS_DOM, err, label, 0) : 0;
}

/* --perturb: one region entry in four waits up to perturb_max_us, in a
 * sequence of the replica's seed and the thread, so that races which the
 * regions do not cover show up as divergences. */
static void perturb(void)
{
	uint64_t x = tl_rnd;
	struct timespec ts;

	if (!x)
		x = rp.perturb_seed ^ (0x9e3779b97f4a7c15ull * vtid()) ^ 1;
	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	tl_rnd = x;
	if ((x & 3) != 0)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)((x >> 8) % rp.perturb_max_us) * 1000;
	rp_syscall6(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
}

static inline __attribute__((always_inline)) int do_begin_seq(long label, unsigned flags)
{
	struct olog *lg;
	uint32_t slot;
	int err;

	if (unlikely(mode() != MODE_REPLICATED)) {
		tl_depth++;
		return 0;
	}
	if (unlikely(dtab_find(&rp.tab, label, &slot) == DTAB_NONE))
		return misuse(RP_CALL_BEGIN_SEQ, EINVAL, label, flags);
	if (unlikely(rp.perturb_max_us))
		perturb();
	lg = olog_of(&slot);
	err = olog_enter(lg, slot, vtid());
	return unlikely(err) ? misuse(RP_CALL_BEGIN_SEQ, err, label, flags) : 0;
}

static inline __attribute__((always_inline)) int do_end_seq(long label, unsigned flags)
{
	struct olog *lg;
	uint32_t slot;
	int err;

	if (unlikely(mode() != MODE_REPLICATED)) {
		if (!tl_depth)
			return EPERM;
		tl_depth--;
		return 0;
	}
	if (unlikely(dtab_find(&rp.tab, label, &slot) == DTAB_NONE))
		return misuse(RP_CALL_END_SEQ, EINVAL, label, flags);
	lg = olog_of(&slot);
	err = olog_exit(lg, slot, vtid());
	return unlikely(err) ? misuse(RP_CALL_END_SEQ, err, label, flags) : 0;
}

RP_INTERNAL_API int rp_try_begin_seq(long label, unsigned flags, bool (*nap)(void *), void *arg)
{
	struct olog *lg;
	uint32_t slot;
	int err;

	if (unlikely(mode() != MODE_REPLICATED)) {
		tl_depth++;
		return 0;
	}
	if (unlikely(dtab_find(&rp.tab, label, &slot) == DTAB_NONE))
		return misuse(RP_CALL_BEGIN_SEQ, EINVAL, label, flags);
	if (unlikely(rp.perturb_max_us))
		perturb();
	lg = olog_of(&slot);
	err = olog_try_enter_nap(lg, slot, vtid(), nap, arg);
	return unlikely(err) && err != EBUSY ? misuse(RP_CALL_BEGIN_SEQ, err, label, flags) : err;
}

API int begin_seq(long label)
{
	return do_begin_seq(label, 0);
}

API int end_seq(long label)
{
	return do_end_seq(label, 0);
}

RP_INTERNAL_API int rp_begin_seq(long label, unsigned flags)
{
	return do_begin_seq(label, flags);
}

RP_INTERNAL_API int rp_end_seq(long label, unsigned flags)
{
	return do_end_seq(label, flags);
}
