/* Unit tests of the order log (lib/orderlog.c), without the monitor: N
 * replicas are N groups of threads in this process, each with its own view
 * of one in-memory region, and corresponding threads share a vtid. Checks
 * that every replica's threads enter each domain in the same order, never
 * two at once within a replica, and the log's append, follow, reclaim,
 * nesting and domain matching. Prints TAP. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "orderlog.h"
#include "tap.h"

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Spin budget of the simulated replicas (OLOG_TEST_SPIN: 0 sleeps at once). */
static uint32_t test_spin = 200;

/* A region and one view of it per replica. */
struct sim {
	void *mem;
	size_t size;
	unsigned n;
	struct olog lg[RP_MAX_REPLICAS];
};

static int sim_new(struct sim *s, unsigned n, uint32_t dom_max, uint32_t log_cap,
		   uint32_t init_cap)
{
	struct olog_geom g = { .nreplicas = n, .dom_max = dom_max, .log_cap = log_cap,
			       .init_cap = init_cap };
	unsigned r;
	int err;

	s->n = n;
	s->size = olog_region_size(&g);
	s->mem = mmap(NULL, s->size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->mem == MAP_FAILED)
		return ENOMEM;
	err = olog_format(s->mem, s->size, &g);
	for (r = 0; !err && r < n; r++)
		err = olog_open(&s->lg[r], s->mem, s->size, r, test_spin);
	return err;
}

static void sim_free(struct sim *s)
{
	munmap(s->mem, s->size);
}

/* One region of a thread; returns 0 or the first error. */
static int region(struct olog *lg, uint32_t slot, uint32_t vtid)
{
	int err = olog_enter(lg, slot, vtid);

	return err ? err : olog_exit(lg, slot, vtid);
}

static void test_geometry(void)
{
	static const struct {
		struct olog_geom g;
		bool valid;
	} cases[] = {
		{ { 2, 16, 8, 8 }, true },
		{ { 1, 1, 2, 2 }, true },
		{ { 16, 1 << 20, 1024, 4096 }, true },
		{ { 0, 16, 8, 8 }, false },
		{ { 17, 16, 8, 8 }, false },
		{ { 2, 0, 8, 8 }, false },
		{ { 2, 16, 6, 8 }, false },
		{ { 2, 16, 1, 8 }, false },
		{ { 2, 16, 8, 12 }, false },
	};
	size_t i, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if ((olog_region_size(&cases[i].g) != 0) != cases[i].valid) {
			diag("geometry case %zu", i);
			bad++;
		}
	ok(!bad, "region geometry: valid ones sized, invalid ones refused");
}

static void test_open(void)
{
	struct olog lg;
	struct sim s;
	int e1, e2, e3, e4, e5;

	sim_new(&s, 2, 16, 8, 8);
	e1 = olog_open(&lg, s.mem, s.size, 1, 0);
	e2 = olog_open(&lg, s.mem, s.size, 2, 0);
	e3 = olog_open(&lg, s.mem, s.size - 64, 0, 0);
	s.lg[0].rg->version++;
	e4 = olog_open(&lg, s.mem, s.size, 0, 0);
	s.lg[0].rg->magic = 0;
	e5 = olog_open(&lg, s.mem, s.size, 0, 0);
	ok(!e1 && e2 == EINVAL && e3 == EINVAL && e4 == EPROTO && e5 == EINVAL,
	   "open: ok, bad replica, too small, other version, not a region (%d %d %d %d %d)", e1,
	   e2, e3, e4, e5);
	sim_free(&s);
}

static void test_append(void)
{
	static const uint32_t ids[] = { 5, 6, 5, 7 };
	struct sim s;
	int err = 0;
	size_t i;
	bool good = true;

	sim_new(&s, 1, 16, 8, 8);
	for (i = 0; i < 4 && !err; i++)
		err = region(&s.lg[0], 1, ids[i]);
	for (i = 0; i < 4; i++) {
		uint64_t e = olog_entry(&s.lg[0], 1, i);

		good &= rp_ent_id(e) == ids[i] && rp_ent_replica(e) == 0;
	}
	ok(!err && good && olog_turn(&s.lg[0], 1, 0) == 4 && !olog_entry(&s.lg[0], 1, 4),
	   "append: one replica's regions are logged in order, turn follows");
	sim_free(&s);
}

static void test_nesting(void)
{
	struct olog *lg;
	struct sim s;
	int e[10];

	sim_new(&s, 1, 16, 8, 8);
	lg = &s.lg[0];
	e[0] = olog_enter(lg, 1, 5);
	e[1] = olog_enter(lg, 1, 5);
	e[2] = olog_exit(lg, 1, 6);
	e[3] = olog_exit(lg, 1, 5);
	e[4] = olog_turn(lg, 1, 0) == 0 ? 0 : -1;	/* still inside */
	e[5] = olog_exit(lg, 1, 5);
	e[6] = olog_exit(lg, 1, 5);
	e[7] = olog_enter(lg, 16, 5);
	e[8] = olog_enter(lg, 1, 0);
	e[9] = olog_turn(lg, 1, 0) == 1 && !olog_entry(lg, 1, 1) ? 0 : -1;
	ok(!e[0] && !e[1] && e[2] == EPERM && !e[3] && !e[4] && !e[5] && e[6] == EPERM &&
		   e[7] == EINVAL && e[8] == EINVAL && !e[9],
	   "nesting: counted, one log entry; exit by another thread or too often is EPERM");
	sim_free(&s);
}

/* A thread of a simulated replica that enters once and says when. */
struct waiter {
	struct olog *lg;
	uint32_t slot, vtid;
	atomic_int entered;
	int err;
	pthread_t th;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->err = olog_enter(w->lg, w->slot, w->vtid);
	atomic_store(&w->entered, 1);
	if (!w->err)
		w->err = olog_exit(w->lg, w->slot, w->vtid);
	return NULL;
}

static void waiter_start(struct waiter *w, struct olog *lg, uint32_t slot, uint32_t vtid)
{
	w->lg = lg;
	w->slot = slot;
	w->vtid = vtid;
	atomic_store(&w->entered, 0);
	w->err = -1;
	pthread_create(&w->th, NULL, waiter_main, w);
}

static void test_follow(void)
{
	struct waiter w;
	struct sim s;
	int err, blocked;

	sim_new(&s, 2, 16, 8, 8);
	/* replica 0 leads: 5 then 6 */
	err = region(&s.lg[0], 1, 5);
	err = err ? err : region(&s.lg[0], 1, 6);
	/* replica 1's thread 6 arrives first: it must wait for thread 5 */
	waiter_start(&w, &s.lg[1], 1, 6);
	msleep(50);
	blocked = !atomic_load(&w.entered);
	err = err ? err : region(&s.lg[1], 1, 5);
	pthread_join(w.th, NULL);
	ok(!err && !w.err && blocked && olog_turn(&s.lg[1], 1, 1) == 2,
	   "follow: a follower's thread waits for the leader's order");

	/* now replica 1 runs ahead on another domain and sets its order */
	err = region(&s.lg[1], 2, 9);
	waiter_start(&w, &s.lg[0], 2, 8);
	msleep(50);
	blocked = !atomic_load(&w.entered);
	err = err ? err : region(&s.lg[0], 2, 9);
	pthread_join(w.th, NULL);
	ok(!err && !w.err && blocked && rp_ent_replica(olog_entry(&s.lg[0], 2, 0)) == 1 &&
		   rp_ent_id(olog_entry(&s.lg[0], 2, 1)) == 8,
	   "lead: the replica furthest ahead in a domain sets its order");
	sim_free(&s);
}

static void test_reclaim(void)
{
	struct waiter w;
	struct sim s;
	int err = 0, blocked, i;

	sim_new(&s, 2, 16, 4, 8);
	for (i = 0; i < 4 && !err; i++)
		err = region(&s.lg[0], 1, 5);
	/* the 5th would overwrite position 0, which replica 1 has not passed */
	waiter_start(&w, &s.lg[0], 1, 5);
	msleep(50);
	blocked = !atomic_load(&w.entered);
	err = err ? err : region(&s.lg[1], 1, 5);
	pthread_join(w.th, NULL);
	ok(!err && !w.err && blocked,
	   "reclaim: a replica log_cap entries ahead waits until the slowest passes one");

	for (i = 0; i < 4 && !err; i++)
		err = region(&s.lg[1], 1, 5);
	/* ahead again; then replica 1 dies and stops holding it back */
	for (i = 0; i < 4 && !err; i++)
		err = region(&s.lg[0], 1, 5);
	waiter_start(&w, &s.lg[0], 1, 5);
	msleep(50);
	blocked = !atomic_load(&w.entered);
	olog_kill_replica(s.lg[0].rg, 1);
	pthread_join(w.th, NULL);
	ok(!err && !w.err && blocked && olog_turn(&s.lg[0], 1, 0) == 10,
	   "reclaim: a replica killed by the monitor no longer holds the leader back");
	sim_free(&s);
}

/* ---- tries ------------------------------------------------------------- */

/* A thread of a simulated replica that tries once and says when. */
struct trier {
	struct olog *lg;
	uint32_t slot, vtid;
	atomic_int done;
	int err;
	pthread_t th;
};

static void *trier_main(void *arg)
{
	struct trier *t = arg;

	t->err = olog_try_enter(t->lg, t->slot, t->vtid);
	atomic_store(&t->done, 1);
	if (!t->err)
		olog_exit(t->lg, t->slot, t->vtid);
	return NULL;
}

static void trier_start(struct trier *t, struct olog *lg, uint32_t slot, uint32_t vtid)
{
	*t = (struct trier){ .lg = lg, .slot = slot, .vtid = vtid, .err = -1 };
	pthread_create(&t->th, NULL, trier_main, t);
}

static bool failed_at(struct olog *lg, uint32_t slot, uint64_t pos, uint32_t vtid)
{
	return rp_ent_id(olog_entry(lg, slot, pos)) == (vtid | RP_ENT_FAILED);
}

static void test_try(void)
{
	struct olog *a, *b;
	struct trier t;
	struct sim s;
	int e[12], blocked;

	sim_new(&s, 2, 16, 8, 8);
	a = &s.lg[0];
	b = &s.lg[1];
	/* replica 0 leads: 5 inside, 6's try fails; replica 1 follows it while
	 * its own 5 is inside, without waiting for it */
	e[0] = olog_enter(a, 1, 5);
	e[1] = olog_try_enter(a, 1, 6);
	e[2] = olog_enter(b, 1, 5);
	e[3] = olog_try_enter(b, 1, 6);
	ok(!e[0] && e[1] == EBUSY && !e[2] && e[3] == EBUSY && failed_at(a, 1, 1, 6) &&
		   olog_turn(a, 1, 0) == 1 && olog_turn(b, 1, 1) == 1,
	   "try: the leader refuses while the region is held (a FAILED entry), the follower "
	   "reproduces it without waiting; the turns pass it behind the holder");
	e[0] = olog_exit(a, 1, 5);
	e[1] = olog_exit(b, 1, 5);
	ok(!e[0] && !e[1] && olog_turn(a, 1, 0) == 2 && olog_turn(b, 1, 1) == 2,
	   "try: the turn passes the FAILED entry when the holder leaves");

	/* a free region: the leader enters at once, the follower too */
	e[0] = olog_try_enter(b, 1, 6);
	e[1] = olog_exit(b, 1, 6);
	e[2] = olog_try_enter(a, 1, 6);
	e[3] = olog_exit(a, 1, 6);
	ok(!e[0] && !e[1] && !e[2] && !e[3] && rp_ent_id(olog_entry(a, 1, 2)) == 6 &&
		   rp_ent_replica(olog_entry(a, 1, 2)) == 1 && olog_turn(a, 1, 0) == 3,
	   "try: a free region is entered by the leader (replica 1 now) and the follower");

	/* the follower's turn reaches the FAILED entry with the region free:
	 * it waits there for the thread, which passes it itself */
	e[0] = olog_enter(a, 1, 5);		/* pos 3 */
	e[1] = olog_try_enter(a, 1, 6);	/* pos 4, FAILED */
	e[2] = olog_exit(a, 1, 5);
	e[3] = region(b, 1, 5);
	e[4] = olog_turn(b, 1, 1) == 4 ? 0 : -1;
	e[5] = olog_try_enter(b, 1, 6);
	ok(!e[0] && e[1] == EBUSY && !e[2] && !e[3] && !e[4] && e[5] == EBUSY &&
		   olog_turn(b, 1, 1) == 5 && olog_turn(a, 1, 0) == 5,
	   "try: a follower's turn stops at a FAILED entry its thread has not seen, which "
	   "passes it");

	/* two failures in a row, then a success: the follower's third try
	 * skips the two FAILED entries it saw and waits for its turn */
	e[0] = olog_enter(a, 1, 5);		/* pos 5 */
	e[1] = olog_try_enter(a, 1, 6);	/* 6, FAILED */
	e[2] = olog_try_enter(a, 1, 6);	/* 7, FAILED */
	e[3] = olog_exit(a, 1, 5);
	e[4] = olog_try_enter(a, 1, 6);	/* 8 */
	e[5] = olog_exit(a, 1, 6);
	e[6] = olog_enter(b, 1, 5);
	e[7] = olog_try_enter(b, 1, 6);
	e[8] = olog_try_enter(b, 1, 6);
	trier_start(&t, b, 1, 6);
	msleep(50);
	blocked = !atomic_load(&t.done);
	e[9] = olog_exit(b, 1, 5);
	pthread_join(t.th, NULL);
	ok(!e[0] && e[1] == EBUSY && e[2] == EBUSY && !e[3] && !e[4] && !e[5] && !e[6] &&
		   e[7] == EBUSY && e[8] == EBUSY && blocked && !t.err && !e[9] &&
		   olog_turn(a, 1, 0) == 9 && olog_turn(b, 1, 1) == 9 && failed_at(a, 1, 7, 6),
	   "try: failures seen before are skipped; an entered try the leader decided waits "
	   "for its turn in the follower");

	/* nesting: the holder's try nests, no entry */
	e[0] = olog_enter(a, 1, 5);
	e[1] = olog_try_enter(a, 1, 5);
	e[2] = olog_exit(a, 1, 5);
	e[3] = olog_exit(a, 1, 5);
	e[4] = olog_try_enter(a, 1, 5 | RP_ENT_FAILED);
	e[5] = olog_enter(a, 1, 5 | RP_ENT_FAILED);
	ok(!e[0] && !e[1] && !e[2] && !e[3] && e[4] == EINVAL && e[5] == EINVAL &&
		   olog_turn(a, 1, 0) == 10 && !olog_entry(a, 1, 10),
	   "try: the holder's try nests without an entry; a vtid with bit 31 is EINVAL");
	sim_free(&s);
}

/* Tries while a holder stays inside, each replica a holder and a thread
 * that tries 5 logs' worth of times: every try fails at once. The FAILED
 * entries are passed behind the holder as they are seen, so the leader
 * never waits for log room (it used to once log_cap of them were pending,
 * until the holder left). Within 10 s, or it says how far each got. */
struct spinner {
	struct olog *lg;
	atomic_int tries, busy, done;
	pthread_t th;
};

static void *spinner_main(void *arg)
{
	struct spinner *sp = arg;
	int i;

	for (i = 0; i < 40; i++) {
		if (olog_try_enter(sp->lg, 1, 6) == EBUSY)
			atomic_fetch_add(&sp->busy, 1);
		atomic_fetch_add(&sp->tries, 1);
	}
	atomic_store(&sp->done, 1);
	return NULL;
}

static void test_try_fill(void)
{
	struct spinner sp[2];
	struct sim s;
	int e[4], i, r;

	sim_new(&s, 2, 16, 8, 8);
	e[0] = olog_enter(&s.lg[0], 1, 5);
	e[1] = olog_enter(&s.lg[1], 1, 5);
	for (r = 0; r < 2; r++) {
		sp[r] = (struct spinner){ .lg = &s.lg[r] };
		pthread_create(&sp[r].th, NULL, spinner_main, &sp[r]);
	}
	for (i = 0; i < 1000 && !(atomic_load(&sp[0].done) && atomic_load(&sp[1].done)); i++)
		msleep(10);
	ok(atomic_load(&sp[0].done) && atomic_load(&sp[1].done) && sp[0].busy == 40 &&
		   sp[1].busy == 40 && !e[0] && !e[1],
	   "try: 40 tries behind a holder, log_cap 8, fail at once in both replicas "
	   "(tries %d and %d, busy %d and %d)", sp[0].tries, sp[1].tries, sp[0].busy,
	   sp[1].busy);
	e[2] = olog_exit(&s.lg[0], 1, 5);
	e[3] = olog_exit(&s.lg[1], 1, 5);
	for (r = 0; r < 2; r++)
		pthread_join(sp[r].th, NULL);
	ok(!e[2] && !e[3] && olog_turn(&s.lg[0], 1, 0) == 41 && olog_turn(&s.lg[1], 1, 1) == 41,
	   "try: after the holder leaves, both turns are past the 40 FAILED entries (%llu, %llu)",
	   (unsigned long long)olog_turn(&s.lg[0], 1, 0),
	   (unsigned long long)olog_turn(&s.lg[1], 1, 1));
	sim_free(&s);
}

/* A lock-order cycle broken by a try, in every replica: T1 holds A and tries
 * B, T2 holds B and waits for A; a third thread spins on tries of B. The
 * outcomes of every try must be the same in every replica, and nobody
 * deadlocks (a try that blocked would). The spinner's failures pile up
 * behind T2 inside B: before FAILED entries were passed behind a holder,
 * log_cap (256) of them filled the log, T1's next try (holding A) waited
 * for room that T2 (waiting for A) would make, and a loaded machine hung
 * here in about 1 run in 20 at N = 3. */
#define CYC_ROUNDS 300

struct cyc {
	struct sim s;
	unsigned rounds;
	/* per replica: T1's and T3's outcomes, in order */
	uint8_t out1[RP_MAX_REPLICAS][CYC_ROUNDS];
	uint32_t spins3[RP_MAX_REPLICAS][CYC_ROUNDS];
	atomic_int inside[RP_MAX_REPLICAS][2];
	atomic_int overlaps, errors, done;
};

struct cyc_thread {
	struct cyc *c;
	unsigned replica, role;
	pthread_t th;
};

static void cyc_in(struct cyc *c, unsigned r, unsigned d)
{
	if (atomic_fetch_add(&c->inside[r][d], 1))
		atomic_fetch_add(&c->overlaps, 1);
}

static void cyc_out(struct cyc *c, unsigned r, unsigned d)
{
	atomic_fetch_sub(&c->inside[r][d], 1);
}

static void cyc_err(struct cyc *c, unsigned r, unsigned role, int err)
{
	if (!atomic_fetch_add(&c->errors, 1))
		diag("replica %u role %u: error %d", r, role, err);
}

static void *cyc_main(void *arg)
{
	struct cyc_thread *ct = arg;
	struct cyc *c = ct->c;
	struct olog *lg = &c->s.lg[ct->replica];
	unsigned r = ct->replica, i, seed = r * 31 + ct->role, k;
	int err;

	for (i = 0; i < c->rounds; i++) {
		switch (ct->role) {
		case 1:	/* holds A (slot 1), tries B (slot 2) */
			if ((err = olog_enter(lg, 1, 101))) {
				cyc_err(c, r, 1, err);
				goto out;
			}
			cyc_in(c, r, 0);
			err = olog_try_enter(lg, 2, 101);
			c->out1[r][i] = err == 0;
			if (!err) {
				cyc_in(c, r, 1);
				cyc_out(c, r, 1);
				err = olog_exit(lg, 2, 101);
			}
			cyc_out(c, r, 0);
			if (err && err != EBUSY) {
				cyc_err(c, r, 1, err);
				goto out;
			}
			if ((err = olog_exit(lg, 1, 101))) {
				cyc_err(c, r, 1, err);
				goto out;
			}
			break;
		case 2:	/* holds B, waits for A */
			if ((err = olog_enter(lg, 2, 102))) {
				cyc_err(c, r, 2, err);
				goto out;
			}
			cyc_in(c, r, 1);
			for (k = rand_r(&seed) % 200; k; k--)
				__asm__ volatile("" ::: "memory");
			if (rand_r(&seed) % 8 == 0)
				sched_yield();
			if ((err = olog_enter(lg, 1, 102))) {
				cyc_err(c, r, 2, err);
				goto out;
			}
			cyc_in(c, r, 0);
			cyc_out(c, r, 0);
			olog_exit(lg, 1, 102);
			cyc_out(c, r, 1);
			olog_exit(lg, 2, 102);
			break;
		default: /* spins on tries of B, holding nothing */
			for (k = 0;; k++) {
				err = olog_try_enter(lg, 2, 103);
				if (err != EBUSY)
					break;
				if (k % 8 == 7)
					sched_yield();
			}
			if (err) {
				cyc_err(c, r, 3, err);
				goto out;
			}
			c->spins3[r][i] = k;
			cyc_in(c, r, 1);
			cyc_out(c, r, 1);
			olog_exit(lg, 2, 103);
			break;
		}
		if (rand_r(&seed) % 4 == 0)
			usleep(rand_r(&seed) % 30);
	}
out:
	atomic_fetch_add(&c->done, 1);
	return NULL;
}

static void test_try_cycle(unsigned n)
{
	struct cyc_thread th[RP_MAX_REPLICAS * 3];
	struct cyc *c = calloc(1, sizeof(*c));
	unsigned r, k, nt = 0, differ = 0, got = 0, spins = 0;

	if (!c || sim_new(&c->s, n, 8, 256, 8)) {
		fprintf(stderr, "test_orderlog: out of memory\n");
		exit(1);
	}
	c->rounds = CYC_ROUNDS;
	for (r = 0; r < n; r++)
		for (k = 1; k <= 3; k++) {
			th[nt] = (struct cyc_thread){ .c = c, .replica = r, .role = k };
			pthread_create(&th[nt].th, NULL, cyc_main, &th[nt]);
			nt++;
		}
	for (k = 0; atomic_load(&c->done) < (int)nt; k++) {
		if (k == 6000) {	/* 60 s */
			diag("stalled: %d of %u threads done", atomic_load(&c->done), nt);
			for (r = 0; r < n; r++)
				for (k = 1; k <= 2; k++)
					diag("replica %u slot %u: turn %llu", r, k,
					     (unsigned long long)olog_turn(&c->s.lg[0], k, r));
			ok(0, "N = %u: lock-order cycle broken by a try: the run finished", n);
			exit(1);
		}
		msleep(10);
	}
	for (k = 0; k < nt; k++)
		pthread_join(th[k].th, NULL);
	for (r = 1; r < n; r++)
		differ += memcmp(c->out1[r], c->out1[0], sizeof(c->out1[0])) != 0 ||
			  memcmp(c->spins3[r], c->spins3[0], sizeof(c->spins3[0])) != 0;
	for (k = 0; k < CYC_ROUNDS; k++) {
		got += c->out1[0][k];
		spins += c->spins3[0][k];
	}
	ok(!differ && !c->overlaps && !c->errors,
	   "N = %u: lock-order cycle broken by a try, and a spinning try: no deadlock, every "
	   "try's outcome the same in every replica (T1 got B %u of %u; %u failed spins; "
	   "differ %u, overlaps %d, errors %d)",
	   n, got, CYC_ROUNDS, spins, differ, atomic_load(&c->overlaps),
	   atomic_load(&c->errors));
	sim_free(&c->s);
	free(c);
}

/* ---- many replicas, many threads --------------------------------------- */

#define MAXT 4
#define NDOM 2
#define MAXREC 4096

struct run {
	struct sim s;
	unsigned nthreads;
	unsigned regions;	/* per thread */
	bool no_log;		/* control: a plain lock per replica instead */
	pthread_mutex_t plain[RP_MAX_REPLICAS][NDOM];
	/* per replica and domain: who entered, in order, and how many are inside */
	uint32_t seq[RP_MAX_REPLICAS][NDOM][MAXREC];
	unsigned len[RP_MAX_REPLICAS][NDOM];
	atomic_int inside[RP_MAX_REPLICAS][NDOM];
	atomic_int overlaps;
	atomic_int errors;
};

struct worker {
	struct run *run;
	unsigned replica;
	uint32_t vtid;
	atomic_uint at;		/* region index * 8 + where (for a stall dump) */
	atomic_int done;
	pthread_t th;
};

static int w_enter(struct worker *w, unsigned d)
{
	atomic_store(&w->at, (atomic_load(&w->at) & ~7u) | (1 + d));
	if (w->run->no_log)
		return pthread_mutex_lock(&w->run->plain[w->replica][d]);
	return olog_enter(&w->run->s.lg[w->replica], 1 + d, w->vtid);
}

static int w_exit(struct worker *w, unsigned d)
{
	atomic_store(&w->at, (atomic_load(&w->at) & ~7u) | (4 + d));
	if (w->run->no_log)
		return pthread_mutex_unlock(&w->run->plain[w->replica][d]);
	return olog_exit(&w->run->s.lg[w->replica], 1 + d, w->vtid);
}

/* Inside a region: record who entered, check nobody else of this replica
 * is inside, and dawdle a replica-dependent while. */
static void body(struct worker *w, unsigned d, unsigned *seed)
{
	struct run *run = w->run;
	unsigned r = w->replica, k;

	if (atomic_fetch_add(&run->inside[r][d], 1))
		atomic_fetch_add(&run->overlaps, 1);
	k = run->len[r][d];
	if (k < MAXREC)
		run->seq[r][d][k] = w->vtid;
	run->len[r][d] = k + 1;
	for (k = rand_r(seed) % 64; k; k--)
		__asm__ volatile("" ::: "memory");
	if (rand_r(seed) % 16 == 0)
		sched_yield();
	atomic_fetch_sub(&run->inside[r][d], 1);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned seed = w->replica * 7919 + w->vtid, i, d, pattern = w->vtid;
	int err;

	for (i = 0; i < w->run->regions; i++) {
		atomic_store(&w->at, i * 8);
		/* which domain and whether to nest depend only on the thread,
		 * as in a deterministic program; timing depends on the replica */
		d = (pattern >> (i % 8)) & 1;
		err = w_enter(w, d);
		if (!err) {
			body(w, d, &seed);
			if (i % 5 == 0 && !w->run->no_log) {
				/* nested: the same domain (counted), then domain 1
				 * inside domain 0 (one lock order, as a program has) */
				err = w_enter(w, d);
				if (!err)
					err = w_exit(w, d);
				if (!err && d == 0 && !(err = w_enter(w, 1))) {
					body(w, 1, &seed);
					err = w_exit(w, 1);
				}
			}
			if (!err)
				err = w_exit(w, d);
		}
		if (err) {
			if (!atomic_fetch_add(&w->run->errors, 1))
				diag("replica %u vtid %u region %u: error %d", w->replica, w->vtid,
				     i, err);
			break;
		}
		if (rand_r(&seed) % 4 == 0)
			usleep(rand_r(&seed) % 50);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* What every replica and worker is at, when a run stalls. */
static void dump_stall(struct run *run, struct worker *w, unsigned nw)
{
	struct olog *lg = &run->s.lg[0];
	unsigned r, d, k;
	uint64_t p, lo = UINT64_MAX, hi = 0;

	diag("stalled: %u replicas", run->s.n);
	for (d = 0; d < NDOM; d++) {
		for (r = 0; r < run->s.n; r++) {
			struct rp_rstate *rs = (struct rp_rstate *)((char *)lg->doms +
				(size_t)(1 + d) * lg->dom_stride + sizeof(struct rp_dom)) + r;
			uint64_t st = atomic_load(&rs->state);

			diag("dom %u replica %u: turn %llu busy %d waiters %u holder %u depth %u",
			     d, r, (unsigned long long)rp_st_turn(st), (int)(st & 1),
			     rp_st_waiters(st), atomic_load(&rs->holder), atomic_load(&rs->depth));
			lo = rp_st_turn(st) < lo ? rp_st_turn(st) : lo;
			hi = rp_st_turn(st) > hi ? rp_st_turn(st) : hi;
		}
		for (p = lo; p < hi + 8; p++) {
			uint64_t e = olog_entry(lg, 1 + d, p);

			if (e)
				diag("  dom %u pos %llu: vtid %u by replica %u", d,
				     (unsigned long long)p, rp_ent_id(e), rp_ent_replica(e));
		}
	}
	for (k = 0; k < nw; k++)
		diag("replica %u vtid %u: region %u, %s %u, done %d", w[k].replica, w[k].vtid,
		     atomic_load(&w[k].at) / 8,
		     (atomic_load(&w[k].at) & 7) >= 4 ? "exiting" :
		     (atomic_load(&w[k].at) & 7) ? "entering" : "between",
		     ((atomic_load(&w[k].at) & 7) - 1) % 3, atomic_load(&w[k].done));
}

/* Runs nthreads per replica; returns the number of replicas whose order
 * differs from replica 0's in some domain. */
static unsigned run_replicas(struct run *run)
{
	struct worker w[RP_MAX_REPLICAS * MAXT];
	unsigned r, t, d, k, nw = 0, differ = 0;

	for (r = 0; r < run->s.n; r++)
		for (t = 0; t < run->nthreads; t++) {
			w[nw] = (struct worker){ .run = run, .replica = r, .vtid = 100 + t };
			pthread_create(&w[nw].th, NULL, worker_main, &w[nw]);
			nw++;
		}
	for (t = 0;; t++) {
		for (k = 0; k < nw && atomic_load(&w[k].done); k++)
			;
		if (k == nw)
			break;
		if (t == 3000) {	/* 30 s: a lost wakeup or a deadlock */
			dump_stall(run, w, nw);
			ok(0, "N = %u: the run finished", run->s.n);
			exit(1);
		}
		msleep(10);
	}
	for (k = 0; k < nw; k++)
		pthread_join(w[k].th, NULL);
	for (r = 1; r < run->s.n; r++) {
		bool same = true;

		for (d = 0; d < NDOM; d++) {
			k = run->len[0][d] < MAXREC ? run->len[0][d] : MAXREC;
			same &= run->len[r][d] == run->len[0][d] &&
				!memcmp(run->seq[r][d], run->seq[0][d], sizeof(uint32_t) * k);
		}
		differ += !same;
	}
	return differ;
}

static struct run *run_new(unsigned n, unsigned nthreads, unsigned regions, uint32_t log_cap)
{
	struct run *run = calloc(1, sizeof(*run));
	unsigned r, d;

	if (!run || sim_new(&run->s, n, 8, log_cap, 8)) {
		fprintf(stderr, "test_orderlog: out of memory\n");
		exit(1);
	}
	run->nthreads = nthreads;
	run->regions = regions;
	for (r = 0; r < n; r++)
		for (d = 0; d < NDOM; d++)
			pthread_mutex_init(&run->plain[r][d], NULL);
	return run;
}

static void run_free(struct run *run)
{
	sim_free(&run->s);
	free(run);
}

static void test_replicas(unsigned n)
{
	struct run *run = run_new(n, 3, 150, n % 2 ? 8 : 64);
	unsigned differ = run_replicas(run);

	ok(!differ && !run->overlaps && !run->errors && run->len[0][0] + run->len[0][1] > 0,
	   "N = %u: 3 threads per replica, 2 domains, nesting: same order in every replica "
	   "(%u + %u regions), never two inside (differ %u, overlaps %d, errors %d)",
	   n, run->len[0][0], run->len[0][1], differ, atomic_load(&run->overlaps),
	   atomic_load(&run->errors));
	run_free(run);
}

/* The checks above can fail: the same workload with a plain lock per
 * replica instead of the log gives different orders. */
static void test_control(void)
{
	struct run *run = run_new(3, 3, 150, 64);
	unsigned differ;

	run->no_log = true;
	differ = run_replicas(run);
	ok(differ > 0 && !run->overlaps,
	   "control: without the log, replicas' orders differ (%u of 2 differ)", differ);
	run_free(run);
}

/* ---- domains ----------------------------------------------------------- */

struct creator {
	struct olog *lg;
	pthread_barrier_t *start;	/* all replicas begin at once: they race */
	unsigned count;
	uint32_t slots[128];
	int errs[128];
	pthread_t th;
};

static void *creator_main(void *arg)
{
	struct creator *c = arg;
	unsigned i;

	pthread_barrier_wait(c->start);
	for (i = 0; i < c->count; i++)
		c->errs[i] = olog_dom_create(c->lg, &c->slots[i]);
	return NULL;
}

/* Each replica creates count domains at once, each replica in order. */
static void create_all(struct sim *s, struct creator *c, unsigned count)
{
	pthread_barrier_t start;
	unsigned r;

	pthread_barrier_init(&start, NULL, s->n);
	for (r = 0; r < s->n; r++) {
		c[r] = (struct creator){ .lg = &s->lg[r], .start = &start, .count = count };
		pthread_create(&c[r].th, NULL, creator_main, &c[r]);
	}
	for (r = 0; r < s->n; r++)
		pthread_join(c[r].th, NULL);
	pthread_barrier_destroy(&start);
}

static bool same_slots(struct sim *s, struct creator *c, unsigned count)
{
	unsigned r, i;

	for (r = 1; r < s->n; r++)
		for (i = 0; i < count; i++)
			if (c[r].slots[i] != c[0].slots[i] || c[r].errs[i] != c[0].errs[i])
				return false;
	return true;
}

static void test_domains(void)
{
	struct creator c[3];
	uint32_t order[100], bump;
	unsigned r, i, j, distinct = 1, errs = 0, seed = 1;
	struct sim s;

	sim_new(&s, 3, 256, 8, 16);
	create_all(&s, c, 100);
	for (i = 0; i < 100; i++) {
		errs += c[0].errs[i] != 0;
		for (j = 0; j < i; j++)
			distinct &= c[0].slots[i] != c[0].slots[j] && c[0].slots[i] != 0;
	}
	ok(same_slots(&s, c, 100) && distinct && !errs,
	   "domains: the k-th created domain has the same slot in every replica");

	/* every replica destroys them in its own order; the slots are then
	 * recycled, and matched again by creation order */
	for (i = 0; i < 100; i++)
		order[i] = c[0].slots[i];
	for (r = 0; r < 3; r++) {
		for (i = 99; i > 0; i--) {
			j = rand_r(&seed) % (i + 1);
			uint32_t t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < 100; i++)
			errs += olog_dom_destroy(&s.lg[r], order[i]) != 0;
	}
	bump = atomic_load(&s.lg[0].rg->bump);
	create_all(&s, c, 100);
	for (i = 0; i < 100; i++) {
		errs += c[0].errs[i] != 0;
		for (j = 0; j < i; j++)
			distinct &= c[0].slots[i] != c[0].slots[j] && c[0].slots[i] != 0;
	}
	/* replicas racing for a position each take a slot and the losers put
	 * theirs back, so only the last few creates may find the stack empty */
	bump = atomic_load(&s.lg[0].rg->bump) - bump;
	ok(same_slots(&s, c, 100) && !errs && distinct && bump <= 4,
	   "domains: destroyed in different orders, recycled, matched again (%u new)", bump);

	/* a recycled slot starts with an empty log */
	errs = 0;
	for (r = 0; r < 3; r++)
		errs += region(&s.lg[r], c[0].slots[0], 42) != 0;
	ok(!errs && olog_turn(&s.lg[2], c[0].slots[0], 2) == 1,
	   "domains: a recycled slot's log starts empty");

	{
		int e1 = olog_dom_destroy(&s.lg[0], 0);
		int e2 = olog_enter(&s.lg[0], c[0].slots[1], 7);
		int e3 = olog_dom_destroy(&s.lg[0], c[0].slots[1]);
		int e4 = olog_exit(&s.lg[0], c[0].slots[1], 7);
		int e5 = olog_dom_destroy(&s.lg[0], c[0].slots[1]);
		int e6 = olog_dom_destroy(&s.lg[0], c[0].slots[1]);
		int e7 = olog_dom_destroy(&s.lg[0], 256);

		ok(e1 == EPERM && !e2 && e3 == EBUSY && !e4 && !e5 && e6 == EINVAL &&
			   e7 == EINVAL,
		   "destroy: domain 0 EPERM, held EBUSY, twice EINVAL, bad slot EINVAL");
	}
	sim_free(&s);
}

static void test_exhaust(void)
{
	struct creator c[2];
	unsigned i, good = 1, round;
	struct sim s;

	/* Many rounds: a replica that lost a position to one with no slot
	 * left used to give its slot back after "none" was decided, so a
	 * position before the last slot answered ENOMEM (1 round in a few
	 * hundred under load). */
	for (round = 0; round < 300 && good; round++) {
		sim_new(&s, 2, 8, 8, 4);	/* 7 slots besides domain 0; init log of 4 */
		create_all(&s, c, 10);
		for (i = 0; i < 10; i++)
			good &= c[0].errs[i] == (i < 7 ? 0 : ENOMEM);
		good &= same_slots(&s, c, 10);
		for (i = 0; i < 10 && !good; i++)
			diag("round %u, position %u: replica 0 slot %u error %d, replica 1 slot %u "
			     "error %d", round, i, c[0].slots[i], c[0].errs[i], c[1].slots[i],
			     c[1].errs[i]);
		sim_free(&s);
	}
	ok(good, "domains: out of slots is ENOMEM in every replica alike, exactly after the last "
	   "slot (init log wraps; %u rounds)", round);

	sim_new(&s, 2, 64, 8, 4);
	olog_reserve(&s.lg[0], 50);
	create_all(&s, c, 3);
	ok(same_slots(&s, c, 3) && c[0].slots[0] >= 50 && c[0].slots[1] >= 50 &&
		   c[0].slots[2] >= 50 && !c[0].errs[2],
	   "domains: reserved slots (a fork child's) are not handed out");
	sim_free(&s);
}

static void test_checker(void)
{
	struct run *run = run_new(2, 1, 0, 8);

	run->len[0][0] = run->len[1][0] = 2;
	run->seq[0][0][0] = run->seq[1][0][1] = 1;
	run->seq[0][0][1] = run->seq[1][0][0] = 2;
	ok(run_replicas(run) == 1, "checker: two different orders are told apart");
	run_free(run);
}

int main(void)
{
	unsigned n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("OLOG_TEST_SPIN"))
		test_spin = (uint32_t)atoi(getenv("OLOG_TEST_SPIN"));
	plan(23 + 2 + 6 + 7);
	test_geometry();
	test_open();
	test_append();
	test_nesting();
	test_follow();
	test_reclaim();
	test_checker();
	for (n = 2; n <= 8; n++)
		test_replicas(n);
	test_try();
	test_try_fill();
	for (n = 2; n <= 8; n++)
		test_try_cycle(n);
	test_control();
	test_domains();
	test_exhaust();
	return tap_exit();
}
