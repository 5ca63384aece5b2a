/* The label table of one replica: a domain's label or alias -> its slot.
 * Labels differ between replicas (they are addresses), slots do not.
 *
 * Open addressing with linear probing, kept at most half full (tombstones
 * included), so a lookup reads one or two cache lines whatever the number of
 * domains. Lookups take no lock and may run beside one writer: writers must
 * be serialised by the caller. A grown table replaces the array; the old
 * one stays mapped (a lookup may still be reading it) until dtab_free(), at
 * most as much memory again as the live array. */
#ifndef REPLICANT_DOMTAB_H
#define REPLICANT_DOMTAB_H

#include <stdatomic.h>
#include <stdint.h>

enum dtab_kind {
	DTAB_NONE = 0,		/* empty entry; not found */
	DTAB_LABEL = 1,		/* the label init_dom() gave */
	DTAB_ALIAS = 2,		/* a name alias_dom() gave */
	DTAB_TOMB = 3,		/* removed; probing goes on past it */
};

struct dtab_ent {
	_Atomic long key;	/* written before val publishes the entry */
	_Atomic uint64_t val;	/* slot << 32 | enum dtab_kind */
};

struct dtab_arr {
	uint64_t mask;		/* entries - 1 */
	unsigned shift;		/* 64 - log2(entries), for the hash */
	uint64_t bytes;		/* mapping size */
	struct dtab_arr *older;	/* arrays this one replaced */
	struct dtab_ent e[];
};

struct domtab {
	struct dtab_arr *_Atomic arr;
	uint32_t live;		/* names in the table */
	uint32_t used;		/* names and tombstones */
};

#define DTAB_HASH 0x9e3779b97f4a7c15ull	/* Fibonacci hashing: 2^64 / phi */

/* The kind of key's entry (DTAB_NONE: not there) and its slot. */
static inline enum dtab_kind dtab_find(const struct domtab *t, long key, uint32_t *slot)
{
	const struct dtab_arr *a = atomic_load_explicit(&t->arr, memory_order_acquire);
	uint64_t i = ((uint64_t)key * DTAB_HASH) >> a->shift, v;
	enum dtab_kind kind;

	for (;; i = (i + 1) & a->mask) {
		v = atomic_load_explicit(&a->e[i].val, memory_order_acquire);
		kind = (enum dtab_kind)(v & 0xff);
		if (kind == DTAB_NONE)
			return DTAB_NONE;
		if (kind != DTAB_TOMB &&
		    atomic_load_explicit(&a->e[i].key, memory_order_relaxed) == key) {
			*slot = (uint32_t)(v >> 32);
			return kind;
		}
	}
}

/* An empty table. ENOMEM. */
int dtab_init(struct domtab *t);

/* Grows the table now, if needed, so that n more inserts cannot fail:
 * a caller that must not fail after a point reserves before it. ENOMEM. */
int dtab_reserve(struct domtab *t, uint32_t n);

/* EEXIST: key is there; ENOMEM. */
int dtab_insert(struct domtab *t, long key, uint32_t slot, enum dtab_kind kind);

/* ENOENT: key is not there. */
int dtab_remove(struct domtab *t, long key);

/* Unmaps every array (no lookup may be running). */
void dtab_free(struct domtab *t);

#endif
