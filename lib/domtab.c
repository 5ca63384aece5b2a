/* The label table (see domtab.h). Memory comes from mmap, not malloc: the
 * library runs inside programs whose allocator may be interposed or busy. */
#include "domtab.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "sys.h"

#define MIN_ENTRIES 16

static struct dtab_arr *arr_new(uint64_t entries)
{
	uint64_t bytes = sizeof(struct dtab_arr) + entries * sizeof(struct dtab_ent);
	struct dtab_arr *a;

	a = rp_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rp_mmap_failed(a))
		return NULL;
	a->mask = entries - 1;
	a->shift = 64 - (unsigned)__builtin_ctzll(entries);
	a->bytes = bytes;
	a->older = NULL;
	return a;
}

/* The first entry, from key's home on, that is empty or a tombstone. */
static struct dtab_ent *free_ent(struct dtab_arr *a, long key)
{
	uint64_t i = ((uint64_t)key * DTAB_HASH) >> a->shift, kind;

	for (;; i = (i + 1) & a->mask) {
		kind = atomic_load_explicit(&a->e[i].val, memory_order_relaxed) & 0xff;
		if (kind == DTAB_NONE || kind == DTAB_TOMB)
			return &a->e[i];
	}
}

static void publish(struct dtab_ent *e, long key, uint64_t val)
{
	atomic_store_explicit(&e->key, key, memory_order_relaxed);
	atomic_store_explicit(&e->val, val, memory_order_release);
}

int dtab_init(struct domtab *t)
{
	struct dtab_arr *a = arr_new(MIN_ENTRIES);

	if (!a)
		return ENOMEM;
	t->live = 0;
	t->used = 0;
	atomic_store_explicit(&t->arr, a, memory_order_release);
	return 0;
}

/* Moves the live names to a new array a quarter full, then publishes it;
 * lookups still in the old array find what was there. */
static int grow(struct domtab *t, uint32_t n)
{
	struct dtab_arr *old = atomic_load_explicit(&t->arr, memory_order_relaxed), *a;
	uint64_t entries = MIN_ENTRIES, want = ((uint64_t)t->live + n) * 4, i, v;

	while (entries < want)
		entries <<= 1;
	a = arr_new(entries);
	if (!a)
		return ENOMEM;
	for (i = 0; i <= old->mask; i++) {
		long key = atomic_load_explicit(&old->e[i].key, memory_order_relaxed);

		v = atomic_load_explicit(&old->e[i].val, memory_order_relaxed);
		if ((v & 0xff) == DTAB_LABEL || (v & 0xff) == DTAB_ALIAS)
			publish(free_ent(a, key), key, v);
	}
	a->older = old;
	t->used = t->live;
	atomic_store_explicit(&t->arr, a, memory_order_release);
	return 0;
}

int dtab_reserve(struct domtab *t, uint32_t n)
{
	struct dtab_arr *a = atomic_load_explicit(&t->arr, memory_order_relaxed);

	if (((uint64_t)t->used + n) * 2 <= a->mask + 1)
		return 0;
	return grow(t, n);
}

int dtab_insert(struct domtab *t, long key, uint32_t slot, enum dtab_kind kind)
{
	struct dtab_ent *e;
	uint32_t s;
	int err;

	if (dtab_find(t, key, &s) != DTAB_NONE)
		return EEXIST;
	err = dtab_reserve(t, 1);
	if (err)
		return err;
	e = free_ent(atomic_load_explicit(&t->arr, memory_order_relaxed), key);
	if ((atomic_load_explicit(&e->val, memory_order_relaxed) & 0xff) == DTAB_NONE)
		t->used++;
	publish(e, key, (uint64_t)slot << 32 | kind);
	t->live++;
	return 0;
}

int dtab_remove(struct domtab *t, long key)
{
	struct dtab_arr *a = atomic_load_explicit(&t->arr, memory_order_relaxed);
	uint64_t i = ((uint64_t)key * DTAB_HASH) >> a->shift, v;

	for (;; i = (i + 1) & a->mask) {
		v = atomic_load_explicit(&a->e[i].val, memory_order_relaxed);
		if ((v & 0xff) == DTAB_NONE)
			return ENOENT;
		if ((v & 0xff) != DTAB_TOMB &&
		    atomic_load_explicit(&a->e[i].key, memory_order_relaxed) == key)
			break;
	}
	atomic_store_explicit(&a->e[i].val, DTAB_TOMB, memory_order_release);
	t->live--;
	return 0;
}

void dtab_free(struct domtab *t)
{
	struct dtab_arr *a = atomic_load_explicit(&t->arr, memory_order_relaxed), *older;

	for (; a; a = older) {
		older = a->older;
		rp_munmap(a, a->bytes);
	}
	atomic_store_explicit(&t->arr, NULL, memory_order_relaxed);
	t->live = 0;
	t->used = 0;
}
