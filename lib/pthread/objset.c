/* Domains of synchronisation objects, made in one order in every replica.
 *
 * Whether an object's domain exists yet is timing-dependent (another thread
 * may just have made it), so no thread may branch on it outside domain 0:
 * a thread that entered domain 0 in one replica and not in another would
 * leave the others waiting for a region that never comes. So each thread
 * keeps the set of objects it has used (a per-thread hash set of addresses),
 * and on its first use of an object it always enters domain 0 and, there,
 * creates the domain if it is missing. Every init_dom() and destroy_dom()
 * of this library is made inside domain 0, so inside it "does the domain
 * exist" has the same answer in every replica.
 *
 * The set lives in anonymous mappings (not malloc: an allocator may lock a
 * pthread mutex, which is us) and is unmapped when the thread exits (a
 * pthread key's destructor).
 */
#include <errno.h>
#include <sys/mman.h>

#include <replicant.h>

#include "rpt.h"
#include "sys.h"

#define SET_MIN 64		/* entries of a new set */
#define TOMB ((uintptr_t)1)	/* removed; no object lives at address 1 */

struct oent {
	uintptr_t key;		/* 0 empty, TOMB removed, else an address */
	uint32_t gen;		/* rp_dom_gen() of its domain at that use */
};

struct oset {
	struct oent *keys;
	uint32_t mask;		/* entries - 1 */
	uint32_t used;		/* live keys and tombstones */
	bool busy;		/* being changed: a signal handler that uses
				 * an object now skips the set */
};

static _Thread_local struct oset tl_set TLS_IE;
static pthread_key_t set_key;
static pthread_once_t set_key_once = PTHREAD_ONCE_INIT;
static bool set_key_ok;

static uint32_t hash(uintptr_t key, uint32_t mask)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

static void set_free(void *unused)
{
	(void)unused;
	if (tl_set.keys)
		rp_munmap(tl_set.keys, ((size_t)tl_set.mask + 1) * sizeof(struct oent));
	tl_set = (struct oset){ 0 };
}

/* Made with glibc's pthread_once: ours would use the set being made. */
static void set_key_make(void)
{
	set_key_ok = !pthread_key_create(&set_key, set_free);
}

static struct oent *slot_of(const struct oset *s, uintptr_t key)
{
	uint32_t i = hash(key, s->mask);

	while (s->keys[i].key && s->keys[i].key != key)
		i = (i + 1) & s->mask;
	return &s->keys[i];
}

/* Whether this thread used the object that is at key now: the address
 * alone is not enough, since where malloc puts a new object after one was
 * freed differs between replicas (it depends on which thread freed what
 * when). An object used before at an address that now holds another has
 * another domain (rp_dom_gen()), and its next use is a first use, as it is
 * in a replica that put the new object elsewhere. */
static bool set_has(uintptr_t key)
{
	const struct oset *s = &tl_set;
	uint32_t i;

	if (!s->keys)
		return false;
	for (i = hash(key, s->mask); s->keys[i].key; i = (i + 1) & s->mask)
		if (s->keys[i].key == key)
			return s->keys[i].gen == rp_dom_gen((long)key);
	return false;
}

/* A fresh array of entries for the live keys, at most a quarter full. */
static int set_grow(struct oset *s)
{
	uint32_t live = 0, n = SET_MIN, i;
	struct oset t = { 0 };

	for (i = 0; s->keys && i <= s->mask; i++)
		live += s->keys[i].key > TOMB;
	while (n < 4 * (live + 1))
		n *= 2;
	t.keys = rp_mmap(NULL, (size_t)n * sizeof(struct oent), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rp_mmap_failed(t.keys))
		return ENOMEM;
	t.mask = n - 1;
	for (i = 0; s->keys && i <= s->mask; i++) {
		if (s->keys[i].key > TOMB) {
			*slot_of(&t, s->keys[i].key) = s->keys[i];
			t.used++;
		}
	}
	if (s->keys)
		rp_munmap(s->keys, ((size_t)s->mask + 1) * sizeof(struct oent));
	else if (set_key_ok)
		pthread_setspecific(set_key, &tl_set);	/* for set_free() */
	t.busy = s->busy;
	*s = t;
	return 0;
}

static void set_add(uintptr_t key)
{
	struct oset *s = &tl_set;
	struct oent *e;

	rpt_real.once(&set_key_once, set_key_make);
	if (s->busy)
		return;
	s->busy = true;
	if ((!s->keys || 2 * (s->used + 1) > s->mask + 1) && set_grow(s)) {
		s->busy = false;
		return;		/* no memory: the next use asks domain 0 again */
	}
	e = slot_of(s, key);
	if (!e->key)
		s->used++;
	*e = (struct oent){ key, rp_dom_gen((long)key) };
	s->busy = false;
}

static void set_del(uintptr_t key)
{
	struct oset *s = &tl_set;
	struct oent *e;

	if (!s->keys || s->busy)
		return;
	e = slot_of(s, key);
	if (e->key == key)
		e->key = TOMB;	/* still counted in used: probing goes past it */
}

/* Inside domain 0: the object's domain now exists (or there is no slot
 * left: ENOMEM, in every replica alike). */
static int first_use(const void *obj)
{
	int err, ret;

	err = rp_begin_seq(0, RP_QUIET);
	if (err)
		return err;
	ret = rp_init_dom((long)obj, RP_QUIET);
	rp_end_seq(0, RP_QUIET);
	if (ret == EEXIST)
		ret = 0;
	set_add((uintptr_t)obj);
	return ret;
}

bool rpt_seen(const void *obj)
{
	return set_has((uintptr_t)obj);
}

int rpt_use(const void *obj)
{
	rpt_quiet_self();	/* seen from now on by deadlines (quiet.c) */
	if (set_has((uintptr_t)obj))
		return 0;
	return first_use(obj);
}

int rpt_enter(const void *obj)
{
	int err = rpt_use(obj);

	if (!err)
		err = rp_begin_seq((long)obj, RP_QUIET);
	/* the domain went away since this thread last used the object (it
	 * was destroyed and initialised statically again): as a first use */
	if (err == EINVAL) {
		err = first_use(obj);
		if (!err)
			err = rp_begin_seq((long)obj, RP_QUIET);
	}
	return err;
}

static bool nap(void *d)
{
	return rpt_deadline_nap(d);
}

int rpt_try_enter(const void *obj, struct rpt_deadline *d)
{
	bool (*nap_fn)(void *) = d ? nap : NULL;
	int err = rpt_use(obj);

	if (!err)
		err = rp_try_begin_seq((long)obj, RP_QUIET, nap_fn, d);
	if (err == EINVAL) {	/* as in rpt_enter() */
		err = first_use(obj);
		if (!err)
			err = rp_try_begin_seq((long)obj, RP_QUIET, nap_fn, d);
	}
	return err;
}

void rpt_leave(const void *obj)
{
	rp_end_seq((long)obj, RP_QUIET);
}

/* A process-shared object's domain is made in the shared region, inside
 * that region's domain 0: among the replica's processes, not only its
 * threads, it is made in one order. */
void rpt_dom_create(const void *obj, bool shared)
{
	long zero = shared ? rp_shared_zero() : 0;
	int (*init)(long, unsigned) = shared ? rp_init_dom_shared : rp_init_dom;

	if (rp_begin_seq(zero, RP_QUIET))
		return;
	if (init((long)obj, RP_QUIET) == EEXIST && !rp_destroy_dom((long)obj, RP_QUIET))
		init((long)obj, RP_QUIET);
	rp_end_seq(zero, RP_QUIET);
	set_add((uintptr_t)obj);
}

void rpt_dom_destroy(const void *obj)
{
	long zero = rp_dom_shared((long)obj) ? rp_shared_zero() : 0;

	set_del((uintptr_t)obj);
	if (rp_begin_seq(zero, RP_QUIET))
		return;
	rp_destroy_dom((long)obj, RP_QUIET);	/* EINVAL: never used, nothing to do */
	rp_end_seq(zero, RP_QUIET);
}

void rpt_dom_forget(const void *obj)
{
	set_del((uintptr_t)obj);
	rp_forget_dom_shared((long)obj);	/* EINVAL: never used here */
}

int rpt_peek(const void *obj)
{
	return rp_dom_peek((long)obj);
}
