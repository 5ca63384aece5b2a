/* The locks an allocator takes for its own books are left unordered, as
 * glibc malloc's are (its arena locks are not pthread calls, so this
 * library never sees them). What an allocator does is not the program's
 * order to keep: its addresses differ in every replica anyway, and
 * jemalloc (redis links it) drives its work from counters seeded with the
 * address of each thread's own data and from a background thread that
 * wakes on time, so its threads take its locks in another order, and
 * another number of times, in every replica (a stall, or a replica let
 * go from its logs, under redis-benchmark). Nothing an allocator locks is
 * the program's output; what reaches an output is still voted.
 *
 * A call is the allocator's when it returns into the code of one of the
 * libraries below, found once, when the library resolves itself (every
 * object the program was linked with is loaded by then). An allocator
 * built into the program (redis's own build links a static jemalloc) is
 * not seen: its locks stay ordered.
 */
#include <link.h>
#include <string.h>

#include "rpt.h"

#define RANGES_MAX 16

static struct {
	uintptr_t lo, hi;
} ranges[RANGES_MAX];
static _Atomic unsigned nranges;

/* By the start of the file name: libjemalloc.so.2, libtcmalloc_minimal.so.4... */
static const char *const allocators[] = { "libjemalloc.so", "libtcmalloc", "libmimalloc.so" };

static bool is_allocator(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(allocators) / sizeof(allocators[0]); i++)
		if (!strncmp(base, allocators[i], strlen(allocators[i])))
			return true;
	return false;
}

static int add_object(struct dl_phdr_info *info, size_t size, void *data)
{
	unsigned *n = data;
	int i;

	(void)size;
	if (!info->dlpi_name || !is_allocator(info->dlpi_name))
		return 0;
	for (i = 0; i < info->dlpi_phnum && *n < RANGES_MAX; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		ranges[*n].lo = info->dlpi_addr + ph->p_vaddr;
		ranges[*n].hi = ranges[*n].lo + ph->p_memsz;
		(*n)++;
	}
	return 0;
}

void rpt_allocator_resolve(void)
{
	unsigned n = 0;

	if (atomic_load(&nranges))
		return;
	dl_iterate_phdr(add_object, &n);
	atomic_store(&nranges, n);
}

bool rpt_allocator_call(const void *ret_addr)
{
	uintptr_t a = (uintptr_t)ret_addr;
	unsigned i, n = atomic_load_explicit(&nranges, memory_order_relaxed);

	for (i = 0; i < n; i++)
		if (a >= ranges[i].lo && a < ranges[i].hi)
			return true;
	return false;
}
