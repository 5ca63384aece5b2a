/* Unit tests of libreplicant's API (lib/replicant.c) without the monitor:
 * pass-through mode as a program sees it outside replicant; every call's
 * errors on a private region (REPLICANT_SEQ_CHECK mode); and N forked
 * processes attached to one shared region as N replicas, with labels that
 * differ between them as under ASLR. Prints TAP. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <replicant.h>

#include "replicant_int.h"
#include "tap.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- scripts of calls: one line, one case ------------------------------ */

enum op { INIT, DESTROY, ALIAS, BEGIN, END };

struct step {
	enum op op;
	long a, b;
	int want;
	const char *why;
};

static const char *errname(int err)
{
	return err ? strerrorname_np(err) : "0";
}

static int call(const struct step *s)
{
	switch (s->op) {
	case INIT:
		return init_dom(s->a);
	case DESTROY:
		return destroy_dom(s->a);
	case ALIAS:
		return alias_dom(s->a, s->b);
	case BEGIN:
		return BEGIN_SEQ_REGION(s->a);
	case END:
		return END_SEQ_REGION(s->a);
	default:
		return -1;
	}
}

static void run_script(const char *mode, const struct step *s, size_t n)
{
	static const char *const names[] = { "init_dom", "destroy_dom", "alias_dom",
					     "begin_seq", "end_seq" };
	size_t i;
	int got;

	for (i = 0; i < n; i++) {
		got = call(&s[i]);
		if (s[i].op == ALIAS)
			is_long(got, s[i].want, "%s: %s(%#lx, %#lx) = %s, want %s %s", mode,
			   names[s[i].op], s[i].a, s[i].b, errname(got), errname(s[i].want),
			   s[i].why);
		else
			is_long(got, s[i].want, "%s: %s(%#lx) = %s, want %s %s", mode,
			   names[s[i].op], s[i].a, errname(got), errname(s[i].want), s[i].why);
	}
}

#define A 0x1000L
#define B 0x2000L
#define C 0x3000L
#define D 0x4000L
#define X 0x5000L

static const struct step pass_script[] = {
	{ END, A, 0, EPERM, "end without begin" },
	{ BEGIN, A, 0, 0, "begin counts" },
	{ BEGIN, B, 0, 0, "nested begin counts" },
	{ END, B, 0, 0, "" },
	{ END, A, 0, 0, "" },
	{ END, A, 0, EPERM, "one end too many" },
	{ INIT, 0, 0, EEXIST, "domain 0 always exists" },
	{ INIT, A, 0, 0, "" },
	{ DESTROY, 0, 0, EPERM, "domain 0 cannot go" },
	{ DESTROY, A, 0, 0, "" },
	{ ALIAS, A, 0, EEXIST, "0 names domain 0" },
	{ ALIAS, A, B, 0, "" },
};

static const struct step check_script[] = {
	{ INIT, A, 0, 0, "" },
	{ INIT, A, 0, EEXIST, "double init" },
	{ INIT, 0, 0, EEXIST, "domain 0 exists from the start" },
	{ BEGIN, B, 0, EINVAL, "unknown label" },
	{ END, B, 0, EINVAL, "unknown label" },
	{ END, A, 0, EPERM, "end without begin" },
	{ BEGIN, A, 0, 0, "" },
	{ BEGIN, A, 0, 0, "nesting is counted" },
	{ DESTROY, A, 0, EBUSY, "destroy while inside" },
	{ END, A, 0, 0, "" },
	{ END, A, 0, 0, "" },
	{ END, A, 0, EPERM, "one end too many" },
	{ ALIAS, A, C, 0, "" },
	{ BEGIN, C, 0, 0, "an alias names the domain" },
	{ END, A, 0, 0, "label and alias are interchangeable" },
	{ ALIAS, A, D, 0, "a new alias replaces the old" },
	{ BEGIN, C, 0, EINVAL, "the old alias is gone" },
	{ ALIAS, A, D, 0, "the same alias again" },
	{ INIT, B, 0, 0, "" },
	{ ALIAS, B, D, EEXIST, "alias of another domain" },
	{ ALIAS, B, A, EEXIST, "label of another domain" },
	{ ALIAS, X, C, EINVAL, "alias of an unknown label" },
	{ INIT, D, 0, EEXIST, "an alias is taken as a label too" },
	{ DESTROY, D, 0, 0, "destroy by the alias" },
	{ BEGIN, A, 0, EINVAL, "its label is gone" },
	{ BEGIN, D, 0, EINVAL, "its alias is gone" },
	{ DESTROY, A, 0, EINVAL, "destroy twice" },
	{ DESTROY, 0, 0, EPERM, "domain 0 cannot go" },
	{ INIT, A, 0, 0, "a label can name a new domain" },
	{ BEGIN, 0, 0, 0, "domain 0" },
	{ INIT, C, 0, 0, "init inside domain 0" },
	{ END, 0, 0, 0, "" },
	{ ALIAS, 0, X, 0, "domain 0 may have an alias" },
	{ BEGIN, X, 0, 0, "" },
	{ END, 0, 0, 0, "" },
	{ DESTROY, B, 0, 0, "" },
	{ DESTROY, C, 0, 0, "" },
};

/* ---- replicas as forked processes --------------------------------------- */

#define NREP 3
#define NTHR 3
#define ROUNDS 120
#define MAXDOM 64
#define MAXSEQ 512

/* What the replicas write for the parent to compare. */
struct shared_out {
	uint16_t seq[NREP][MAXDOM][MAXSEQ];	/* who entered each domain, in order */
	unsigned len[NREP][MAXDOM];
	unsigned ndoms[NREP];
	atomic_int errors[NREP];
	atomic_int overlaps[NREP];
};

struct replica {
	struct shared_out *out;
	unsigned idx;
	char objs[MAXDOM][64];	/* what the labels point to */
	unsigned ndoms;		/* domains created: read and written in domain 0 */
	atomic_int inside[MAXDOM];
};

static long label_of(struct replica *rep, unsigned d)
{
	/* different in every replica, as heap addresses are under ASLR */
	return (long)&rep->objs[d] + (long)rep->idx * 0x100000;
}

struct rthread {
	struct replica *rep;
	uint16_t vtid;
};

static void note_err(struct replica *rep, int err)
{
	if (err)
		atomic_fetch_add(&rep->out->errors[rep->idx], 1);
}

static void *rthread_main(void *arg)
{
	struct rthread *t = arg;
	struct replica *rep = t->rep;
	unsigned seed = rep->idx * 977 + t->vtid, i, n, d, k;

	rp_set_vtid(t->vtid);
	for (i = 0; i < ROUNDS; i++) {
		/* now and then a new domain, created in domain 0 so that the
		 * k-th init_dom is the same domain in every replica */
		note_err(rep, BEGIN_SEQ_REGION(0));
		if ((i + t->vtid) % 8 == 0 && rep->ndoms < MAXDOM) {
			note_err(rep, init_dom(label_of(rep, rep->ndoms)));
			rep->ndoms++;
		}
		n = rep->ndoms;
		note_err(rep, END_SEQ_REGION(0));
		if (!n)
			continue;
		d = (t->vtid * 7 + i) % n;
		note_err(rep, BEGIN_SEQ_REGION(label_of(rep, d)));
		if (atomic_fetch_add(&rep->inside[d], 1))
			atomic_fetch_add(&rep->out->overlaps[rep->idx], 1);
		k = rep->out->len[rep->idx][d]++;
		if (k < MAXSEQ)
			rep->out->seq[rep->idx][d][k] = t->vtid;
		if (rand_r(&seed) % 8 == 0)
			usleep(rand_r(&seed) % 100);
		atomic_fetch_sub(&rep->inside[d], 1);
		note_err(rep, END_SEQ_REGION(label_of(rep, d)));
	}
	return NULL;
}

static int replica_main(void *mem, size_t size, struct shared_out *out, unsigned idx)
{
	static struct replica rep;
	struct rthread t[NTHR];
	pthread_t th[NTHR];
	unsigned i;

	if (rp_attach_region(mem, size, idx, 100))
		return 2;
	rep.out = out;
	rep.idx = idx;
	for (i = 0; i < NTHR; i++) {
		t[i] = (struct rthread){ .rep = &rep, .vtid = (uint16_t)(200 + i) };
		pthread_create(&th[i], NULL, rthread_main, &t[i]);
	}
	for (i = 0; i < NTHR; i++)
		pthread_join(th[i], NULL);
	out->ndoms[idx] = rep.ndoms;
	return 0;
}

static void test_forked_replicas(void)
{
	const struct olog_geom g = { .nreplicas = NREP, .dom_max = 128, .log_cap = 16,
				     .init_cap = 16 };
	size_t size = olog_region_size(&g);
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct shared_out *out = mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[NREP];
	unsigned r, d, exits = 0, same = 1, total = 0;
	int status;

	if (mem == MAP_FAILED || out == MAP_FAILED || olog_format(mem, size, &g)) {
		ok(0, "replicas: set up a shared region");
		return;
	}
	for (r = 0; r < NREP; r++) {
		pid[r] = fork();
		if (pid[r] == 0)
			_exit(replica_main(mem, size, out, r));
	}
	for (r = 0; r < NREP; r++)
		if (waitpid(pid[r], &status, 0) == pid[r] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			exits++;
	for (r = 1; r < NREP; r++) {
		same &= out->ndoms[r] == out->ndoms[0];
		for (d = 0; d < MAXDOM; d++)
			same &= out->len[r][d] == out->len[0][d] &&
				!memcmp(out->seq[r][d], out->seq[0][d], sizeof(out->seq[0][d]));
	}
	for (d = 0; d < MAXDOM; d++)
		total += out->len[0][d];
	ok(exits == NREP && !out->errors[0] && !out->errors[1] && !out->errors[2],
	   "replicas: %d processes attached to one region, every call returned 0", NREP);
	ok(same && total > 0 && out->ndoms[0] > 10,
	   "replicas: %u domains created in domain 0 under different labels, %u regions, "
	   "same order in every replica",
	   out->ndoms[0], total);
	ok(!out->overlaps[0] && !out->overlaps[1] && !out->overlaps[2],
	   "replicas: never two threads of a replica inside one domain");
	munmap(mem, size);
	munmap(out, sizeof(*out));
}

/* ---- one replica (REPLICANT_SEQ_CHECK mode) ------------------------------ */

static long counter;
static uint32_t order[4 * 5000];
static atomic_uint norder;

static void *counter_main(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	int i, err = 0;

	rp_set_vtid(id);
	for (i = 0; i < 5000 && !err; i++) {
		err = BEGIN_SEQ_REGION(&counter);
		counter++;
		order[atomic_fetch_add(&norder, 1)] = id;
		err |= END_SEQ_REGION(&counter);
	}
	return (void *)(uintptr_t)err;
}

static void test_exclusion(void)
{
	unsigned i, errs = 0, same = 1;
	uint32_t slot = 0;
	pthread_t th[4];
	uint64_t p, end;
	void *ret;

	errs += init_dom((long)&counter) != 0;
	errs += rp_lookup((long)&counter, &slot) != 0;
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, counter_main, (void *)(uintptr_t)(300 + i));
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		errs += ret != NULL;
	}
	/* the log still holds its last entries: they are the order seen */
	end = olog_turn(rp_olog(), slot, 0);
	for (p = end - 32; p < end; p++)
		same &= rp_ent_id(olog_entry(rp_olog(), slot, p)) == order[p];
	ok(!errs && end == 4 * 5000 && counter == 4 * 5000 && same,
	   "check mode: 4 threads x 5000 regions, no lost update, log order = entry order");
	errs = destroy_dom((long)&counter);
	ok(!errs, "check mode: destroyed");
}

static void test_many_domains(void)
{
	enum { N = 200000 };
	static char objs[N];
	unsigned i, bad_init = 0, bad_alias = 0, bad_use = 0, bad_destroy = 0, gone = 0;

	for (i = 0; i < N; i++)
		bad_init += init_dom((long)&objs[i]) != 0;
	for (i = 0; i < N; i += 2)
		bad_alias += alias_dom((long)&objs[i], -(long)i - 1) != 0;
	for (i = 0; i < N; i++) {
		long name = i % 2 ? (long)&objs[i] : -(long)i - 1;

		bad_use += BEGIN_SEQ_REGION(name) != 0 || END_SEQ_REGION((long)&objs[i]) != 0;
	}
	for (i = 0; i < N; i++)
		bad_destroy += destroy_dom((long)&objs[i]) != 0;
	for (i = 0; i < N; i++)
		gone += begin_seq((long)&objs[i]) == EINVAL && begin_seq(-(long)i - 1) == EINVAL;
	ok(!bad_init && !bad_alias && !bad_use && !bad_destroy && gone == N,
	   "check mode: %d domains with aliases: created, used, destroyed (%u %u %u %u %u)", N,
	   bad_init, bad_alias, bad_use, bad_destroy, gone);
}

/* A fork child keeps its domains on a fresh region of its own. */
static void test_fork(void)
{
	static char obj, obj2;
	int status = -1;
	pid_t pid;

	if (init_dom((long)&obj) || begin_seq((long)&obj)) {
		ok(0, "fork: set up");
		return;
	}
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		/* the child is inside no region: its region is new */
		bad |= end_seq((long)&obj) != EPERM;
		bad |= begin_seq((long)&obj) != 0 || end_seq((long)&obj) != 0;
		bad |= init_dom((long)&obj2) != 0;
		bad |= begin_seq((long)&obj2) != 0 || end_seq((long)&obj2) != 0;
		bad |= destroy_dom((long)&obj) != 0 || destroy_dom((long)&obj2) != 0;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && end_seq((long)&obj) == 0 &&
		   destroy_dom((long)&obj) == 0,
	   "fork: the child uses inherited and new domains on its own region");
}

/* A process-shared object's domain (rp_init_dom_shared(), inside the
 * shared region's domain 0) stays one domain for a parent and its fork
 * child: the child waits while the parent is inside. A domain of the
 * parent's own region is a fresh one in the child: it enters at once. */
static void test_fork_shared(void)
{
	static char sh_obj, own_obj;
	struct { _Atomic int inside, entered_own; } *m;
	long zero = rp_shared_zero();
	int status = -1, i, err;
	bool entered = false;
	pid_t pid;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	err = m == MAP_FAILED || begin_seq(zero) || rp_init_dom_shared((long)&sh_obj, 0) ||
	      end_seq(zero) || init_dom((long)&own_obj) || begin_seq((long)&sh_obj) ||
	      begin_seq((long)&own_obj);
	if (err) {
		ok(0, "fork, shared domain: set up");
		return;
	}
	m->inside = 1;
	pid = fork();
	if (pid == 0) {
		int bad = begin_seq((long)&own_obj) != 0;

		m->entered_own = 1;
		bad |= end_seq((long)&own_obj) != 0;
		bad |= begin_seq((long)&sh_obj) != 0;
		bad |= m->inside != 0;	/* it waited for the parent */
		bad |= end_seq((long)&sh_obj) != 0;
		_exit(bad);
	}
	for (i = 0; i < 500 && !entered; i++) {	/* at most 5 s */
		entered = m->entered_own;
		usleep(10000);
	}
	usleep(50000);	/* room for a child that would enter sh_obj now */
	m->inside = 0;
	end_seq((long)&sh_obj);
	end_seq((long)&own_obj);
	waitpid(pid, &status, 0);
	ok(entered && WIFEXITED(status) && WEXITSTATUS(status) == 0 && rp_dom_shared((long)&sh_obj) &&
		   !rp_dom_shared((long)&own_obj) && destroy_dom((long)&sh_obj) == 0 &&
		   !rp_dom_shared((long)&sh_obj) && destroy_dom((long)&own_obj) == 0,
	   "fork: a shared domain excludes the child while the parent is inside, an own one does not"
	   " (entered %d, status %#x)", entered, status);
	munmap(m, sizeof(*m));
}

int main(int argc, char **argv)
{
	size_t npass = sizeof(pass_script) / sizeof(pass_script[0]);
	size_t ncheck = sizeof(check_script) / sizeof(check_script[0]);
	uint64_t t0, t1;
	int i, err;

	(void)argc;
	/* outside replicant, without REPLICANT_SEQ_CHECK: pass-through */
	if (getenv("REPLICANT_SEQ_CHECK")) {
		unsetenv("REPLICANT_SEQ_CHECK");
		execv("/proc/self/exe", argv);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	plan((int)(2 + npass + 3 + 1 + ncheck + 5));

	ok(!rp_replicated(), "pass-through: no monitor, so no region");
	run_script("pass-through", pass_script, npass);
	t0 = now_ns();
	for (i = 0; i < 1000000; i++) {
		begin_seq(A);
		end_seq(A);
	}
	t1 = now_ns();
	ok((t1 - t0) / 1000000 < 100, "pass-through: a begin/end pair costs %.1f ns",
	   (double)(t1 - t0) / 1e6);

	test_forked_replicas();

	err = rp_attach_private();
	ok(!err && rp_replicated(), "check mode: a private region, one replica (%d)", err);
	run_script("check", check_script, ncheck);
	test_exclusion();
	test_many_domains();
	test_fork();
	test_fork_shared();
	return tap_exit();
}
