/* make bench, sequential regions: what a region costs a replica, measured
 * in one run as ratios to a pthread mutex lock+unlock pair, and what a
 * domain lookup costs at 1,000,000 domains as a ratio to 10 domains.
 * Medians of RUNS runs (argv[1], default 5).
 *
 * "replicated" runs the library as a replica does: the order log on a
 * region (REPLICANT_SEQ_CHECK's private one, one replica, so the leader is
 * never held back by a peer). The 2-replica row runs two replicas of one
 * thread on the two cores, racing to lead in one domain. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <replicant.h>

#include "domtab.h"
#include "orderlog.h"
#include "replicant_int.h"

#define PAIRS 4000000L
#define LOOKUPS 20000000L
#define MANY 1000000u
#define FEW 10u
#define LABEL(i) (0x7f3a00000000L + (long)(i) * 64)	/* heap-like addresses */

static int runs = 5;
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of runs calls of fn, each returning nanoseconds per op. */
static double median(double (*fn)(void *), void *arg)
{
	double v[64];
	int i;

	for (i = 0; i < runs; i++)
		v[i] = fn(arg);
	qsort(v, (size_t)runs, sizeof(v[0]), cmp_double);
	return v[runs / 2];
}

static double mutex_pair(void *arg)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t0 = now_ns();
	long i;

	(void)arg;
	for (i = 0; i < PAIRS; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return (double)(now_ns() - t0) / PAIRS;
}

/* begin_seq+end_seq pairs, cycling over the first FEW labels. */
static double api_pair(void *arg)
{
	uint64_t t0 = now_ns();
	long i, label;
	int err = 0;

	(void)arg;
	for (i = 0; i < PAIRS; i++) {
		label = LABEL(i % FEW);
		err |= begin_seq(label);
		err |= end_seq(label);
	}
	if (err) {
		fprintf(stderr, "bench/seq: begin_seq/end_seq failed\n");
		exit(1);
	}
	return (double)(now_ns() - t0) / PAIRS;
}

struct duo {
	struct olog lg[2];
	pthread_barrier_t go;
	long pairs;
};

struct duo_arg {
	struct duo *duo;
	unsigned replica;
};

static void *duo_main(void *arg)
{
	struct duo_arg *a = arg;
	struct olog *lg = &a->duo->lg[a->replica];
	long i;

	pthread_barrier_wait(&a->duo->go);
	for (i = 0; i < a->duo->pairs; i++)
		if (olog_enter(lg, 1, 7) || olog_exit(lg, 1, 7))
			exit(1);
	return NULL;
}

/* Two replicas of one thread, on the two cores, in one domain. */
static double duo_pair(void *arg)
{
	const struct olog_geom g = { .nreplicas = 2, .dom_max = 4, .log_cap = 256,
				     .init_cap = 16 };
	size_t size = olog_region_size(&g);
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t spin = *(uint32_t *)arg;
	struct duo duo = { .pairs = PAIRS / 4 };
	struct duo_arg args[2] = { { &duo, 0 }, { &duo, 1 } };
	pthread_t th[2];
	uint64_t t0;
	int r;

	if (mem == MAP_FAILED || olog_format(mem, size, &g) ||
	    olog_open(&duo.lg[0], mem, size, 0, spin) || olog_open(&duo.lg[1], mem, size, 1, spin))
		exit(1);
	pthread_barrier_init(&duo.go, NULL, 3);
	for (r = 0; r < 2; r++)
		pthread_create(&th[r], NULL, duo_main, &args[r]);
	pthread_barrier_wait(&duo.go);
	t0 = now_ns();
	for (r = 0; r < 2; r++)
		pthread_join(th[r], NULL);
	t0 = now_ns() - t0;
	pthread_barrier_destroy(&duo.go);
	munmap(mem, size);
	return (double)t0 / duo.pairs;
}

struct lookups {
	struct domtab tab;
	uint32_t n;		/* labels 0..n-1 are in the table */
	int random;		/* any label, else the first FEW */
};

static double lookup(void *arg)
{
	struct lookups *l = arg;
	uint64_t t0 = now_ns(), sum = 0, x = 88172645463325252ull;
	uint32_t slot = 0;
	long i;

	for (i = 0; i < LOOKUPS; i++) {
		uint32_t k;

		if (l->random) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift */
			k = (uint32_t)(x % l->n);
		} else {
			k = (uint32_t)(i % FEW);
		}
		sum += dtab_find(&l->tab, LABEL(k), &slot) + slot;
	}
	sink = sum;
	return (double)(now_ns() - t0) / LOOKUPS;
}

static void fill(struct domtab *t, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to; i++)
		if (dtab_insert(t, LABEL(i), i + 1, DTAB_LABEL)) {
			fprintf(stderr, "bench/seq: dtab_insert failed\n");
			exit(1);
		}
}

static void init_doms(uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to; i++)
		if (init_dom(LABEL(i))) {
			fprintf(stderr, "bench/seq: init_dom failed at %u\n", i);
			exit(1);
		}
}

static void row(const char *what, double ns, double base, const char *target)
{
	printf("%-46s %8.1f %9.2fx %9s\n", what, ns, ns / base, target);
}

int main(int argc, char **argv)
{
	double mutex, pass, repl, duo0, duo, few, many, rnd_few, rnd_many, api_few, api_many;
	struct lookups l = { 0 };
	uint32_t spin0 = 0, spin = olog_spin_calibrate(2000);

	if (getenv("REPLICANT_SEQ_CHECK")) {	/* pass-through is measured first */
		unsetenv("REPLICANT_SEQ_CHECK");
		execv("/proc/self/exe", argv);
		return 1;
	}
	if (argc > 1)
		runs = atoi(argv[1]);
	if (runs < 1 || runs > 64)
		runs = 5;

	mutex = median(mutex_pair, NULL);
	pass = median(api_pair, NULL);
	if (rp_attach_private()) {
		fprintf(stderr, "bench/seq: no private region\n");
		return 1;
	}
	init_doms(0, FEW);
	repl = median(api_pair, NULL);
	api_few = repl;
	duo0 = median(duo_pair, &spin0);
	duo = median(duo_pair, &spin);

	if (dtab_init(&l.tab))
		return 1;
	fill(&l.tab, 0, FEW);
	l.n = FEW;
	few = median(lookup, &l);
	l.random = 1;
	rnd_few = median(lookup, &l);
	fill(&l.tab, FEW, MANY);
	l.n = MANY;
	l.random = 0;
	many = median(lookup, &l);
	l.random = 1;
	rnd_many = median(lookup, &l);
	init_doms(FEW, MANY);
	api_many = median(api_pair, NULL);

	printf("\nreplicant sequential regions: median of %d runs\n\n", runs);
	printf("%-46s %8s %10s %9s\n", "what", "ns/op", "ratio", "target");
	row("pthread mutex lock+unlock", mutex, mutex, "");
	row("begin_seq+end_seq, pass-through", pass, mutex, "");
	row("begin_seq+end_seq, replicated (order log)", repl, mutex, "<= 5x");
	row("2 replicas on 2 cores, one domain, no spin", duo0, mutex, "");
	row("2 replicas on 2 cores, one domain, spin 2us", duo, mutex, "");
	printf("\n");
	row("label lookup, 10 domains", few, few, "");
	row("label lookup, 1,000,000 domains", many, few, "<= 1.5x");
	row("begin_seq+end_seq, 10 domains", api_few, api_few, "");
	row("begin_seq+end_seq, 1,000,000 domains", api_many, api_few, "<= 1.5x");
	row("lookup of a random label, 10 domains", rnd_few, rnd_few, "");
	row("lookup of a random label, 1,000,000 domains", rnd_many, rnd_few, "");
	printf("\nratios: replicated and 2-replica rows to the mutex pair; lookups and\n"
	       "begin+end at 1,000,000 domains to the same at 10 (the same 10 labels used);\n"
	       "a random label among 1,000,000 is a cache miss or two (the table is\n"
	       "%llu MiB), not a longer search.\n",
	       (unsigned long long)((atomic_load(&l.tab.arr)->mask + 1) * sizeof(struct dtab_ent) >>
				    20));
	return 0;
}
