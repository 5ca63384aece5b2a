/* The monitor's side of sequential regions (lib/protocol.h): it answers
 * libreplicant's HELLO with a shared region, answers DECIDE, tells the
 * regions when a replica is gone, and watches them for stalls.
 *
 * A region belongs to one HELLO: the position of one peer group's list
 * where a process (or a process after execve) said it. The corresponding
 * processes of every replica say it at that same position and get the same
 * memfd. The region carries only ordering: nothing in it is trusted for an
 * output, so a replica that scribbles on it can stall the run or make it
 * diverge, never get an output past the vote. */
#include "seq.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/orderlog.h"
#include "mem.h"
#include "monitor_int.h"
#include "report.h"
#include "util.h"

/* Every mutex of a program under --pthread is a domain: room for a million
 * (the region is sparse; a slot costs memory once used). A leader may run
 * LOG_CAP regions ahead of the slowest replica in a domain. */
#define DOM_MAX (1u << 20)
#define LOG_CAP 256
#define INIT_CAP 4096
#define SCAN_NS 1000000000ull

struct suspect {
	uint32_t slot;
	uint64_t turns[MAX_REPLICAS];
	uint64_t since;
};

struct seqreg {
	struct seqreg *next;
	int gid;			/* the HELLO: peer group and position */
	uint64_t pos;
	int memfd;
	struct rp_region *rg;		/* the monitor's mapping */
	size_t size;
	struct olog view;		/* replica 0's view, for reading */
	struct proc *proc[MAX_REPLICAS]; /* each replica's process that has it */
	uint32_t holders;		/* replicas whose process still maps it */
	uint32_t given;			/* replicas that got it */
	int tree_users;			/* processes (of every replica) that keep it
					 * as their process tree's first region:
					 * where the domains of process-shared
					 * objects are (lib/replicant.c) */
	struct suspect *sus;		/* domains where a replica lags */
	size_t nsus;
};

static struct seqreg *regions;
static uint32_t spin_iters;
static uint64_t last_scan;

static struct seqreg *region_new(int gid, uint64_t pos)
{
	const struct olog_geom g = { .nreplicas = (unsigned)opt.n, .dom_max = DOM_MAX,
				     .log_cap = LOG_CAP, .init_cap = INIT_CAP };
	struct seqreg *s = xcalloc(1, sizeof(*s));
	int err;

	s->gid = gid;
	s->pos = pos;
	s->size = olog_region_size(&g);
	s->memfd = memfd_create("replicant-seq", MFD_CLOEXEC);
	if (s->memfd < 0 || ftruncate(s->memfd, (off_t)s->size) < 0)
		goto fail;
	s->rg = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, s->memfd, 0);
	if (s->rg == MAP_FAILED)
		goto fail;
	err = olog_format(s->rg, s->size, &g);
	if (!err)
		err = olog_open(&s->view, s->rg, s->size, 0, 0);
	if (err) {
		errno = err;
		goto fail;
	}
	s->next = regions;
	regions = s;
	return s;
fail:
	warnx("cannot make a sequential region: %s", strerror(errno));
	if (s->rg && s->rg != MAP_FAILED)
		munmap(s->rg, s->size);
	if (s->memfd >= 0)
		close(s->memfd);
	free(s);
	return NULL;
}

static void region_free(struct seqreg *s)
{
	struct seqreg **pp = &regions;

	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
	munmap(s->rg, s->size);
	close(s->memfd);
	free(s->sus);
	free(s);
}

static struct seqreg *region_of(const struct entry *e)
{
	struct seqreg *s;

	for (s = regions; s; s = s->next)
		if (s->gid == e->grp->id && s->pos == e->seq)
			return s;
	return region_new(e->grp->id, e->seq);
}

void seq_init(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* Spinning pays only while the thread we wait for can run meanwhile:
	 * with no more replicas than CPUs. */
	spin_iters = cpus > opt.n ? olog_spin_calibrate(4000) : olog_spin_calibrate(500);
}

/* ---- HELLO ---- */

static const struct sysent hello_sysent = {
	"replicant_hello", 3, SC_INPUT, 0, 0,
	{ { A_INT, 0, -1, 0 }, { A_PTR, 0, -1, 0 }, { A_INT, 0, -1, 0 } } };

enum mode seq_hello_classify(struct peer *p, struct call *c)
{
	(void)p;
	c->se = &hello_sysent; /* its struct pointer differs under ASLR */
	return M_EACH;
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void hello_fill(struct replicant_hello_v1 *h, const struct seqreg *s, int idx, int fd)
{
	memset(h, 0, sizeof(*h));
	h->version = REPLICANT_PROTOCOL_VERSION;
	h->replica = (uint32_t)idx;
	h->nreplicas = (uint32_t)opt.n;
	h->fd = fd;
	h->size = s->size;
	h->spin_iters = spin_iters;
	if (opt.perturb) {
		h->flags |= RP_HELLO_PERTURB;
		h->perturb_seed = splitmix(opt.perturb_seed ^ (0x100ull + (uint64_t)idx)) |
				  ((uint64_t)s->gid << 48);
		h->perturb_max_us = opt.perturb_max_us;
	}
}

/* The region goes in as a descriptor the replica owns (a private object):
 * its mmap and close run in the replica. */
int seq_hello_each(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont)
{
	struct replicant_hello_v1 h;
	struct seqreg *s;
	struct fobj *o;
	int idx = p->rep->idx, fd, err;

	(void)cont;
	if ((uint32_t)c->args[0] != REPLICANT_PROTOCOL_VERSION) {
		warnx("replica %d speaks sequential-region protocol %u, this monitor %u: "
		      "its regions order nothing", idx, (unsigned)c->args[0], REPLICANT_PROTOCOL_VERSION);
		*ret = -EPROTONOSUPPORT;
		return 0;
	}
	if (c->args[2] < sizeof(h)) {
		*ret = -EINVAL;
		return 0;
	}
	s = region_of(e);
	if (!s) {
		*ret = -ENOMEM;
		return 0;
	}
	fd = peer_addfd(p, s->memfd, monitor_fd_number(e, p, 0, 0), true);
	if (fd < 0) {
		*ret = fd;
		return 0;
	}
	o = fobj_new(-1, true);
	o->type = S_IFREG;
	o->accmode = O_RDWR;
	fdtab_set(&p->proc->fds, fd, o, true);
	s->proc[idx] = p->proc;
	s->holders |= 1u << idx;
	s->given |= 1u << idx;
	if (!p->proc->seq_tree) {	/* the first HELLO of an image */
		p->proc->seq_tree = s;
		s->tree_users++;
	}
	hello_fill(&h, s, idx, fd);
	err = mem_write(p->tid, c->args[1], &h, sizeof(h));
	*ret = err ? -EFAULT : idx;
	return 0;
}

/* ---- DECIDE ---- */

/* The proposal is not compared: replicas propose different things, and
 * the first one's is the answer. */
static const struct sysent decide_sysent = {
	"replicant_decide", 1, SC_INPUT, 0, 0, { { A_OWN, 0, -1, 0 } } };

enum mode seq_decide_classify(struct peer *p, struct call *c)
{
	(void)p;
	c->se = &decide_sysent;
	return M_INPUT;
}

int seq_decide_prepare(struct entry *e)
{
	uint64_t v = e->call[e->agreed]->args[0];

	e->ret = v > INT32_MAX ? -EINVAL : (long)v;
	return 1;
}

/* ---- MISUSE ---- */

static const struct sysent misuse_sysent = {
	"replicant_misuse", 3, SC_INPUT, 0, 0,
	{ { A_INT, 0, -1, 0 }, { A_INT, 0, -1, 0 }, { A_OWN, 0, -1, 0 } } };

enum mode seq_misuse_classify(struct peer *p, struct call *c)
{
	(void)p;
	c->se = &misuse_sysent;
	return M_INPUT;
}

static const char *rp_call_name(uint64_t call)
{
	static const char *const names[] = {
		[RP_CALL_INIT_DOM] = "init_dom", [RP_CALL_DESTROY_DOM] = "destroy_dom",
		[RP_CALL_ALIAS_DOM] = "alias_dom", [RP_CALL_BEGIN_SEQ] = "begin_seq",
		[RP_CALL_END_SEQ] = "end_seq",
	};

	return call < sizeof(names) / sizeof(names[0]) && names[call] ? names[call] : "?";
}

/* Once, for the first replica: the others made the same call with the same
 * error (or diverge here). */
int seq_misuse_prepare(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	char what[160];

	snprintf(what, sizeof(what), "%s(%#llx) failed: %s", rp_call_name(c->args[0]),
		 (unsigned long long)c->args[2], strerror((int)c->args[1]));
	report_misuse(e->grp->id, e->grp->vtid, what);
	e->ret = 0;
	return 1;
}

/* ---- replicas and processes that are gone ---- */

/* A region is freed once no replica maps it and no live replica is yet to
 * say its HELLO: a majority may finish the whole run before a slow
 * replica starts, and that replica must find the order they left in the
 * region, not a new one of its own. */
static bool region_done(const struct seqreg *s)
{
	int i;

	if (s->holders || s->tree_users)
		return false;
	for (i = 0; i < opt.n; i++)
		if (!(s->given & (1u << i)) && replicas[i].alive)
			return false;
	return true;
}

static void free_done_regions(void)
{
	struct seqreg *s, *next;

	for (s = regions; s; s = next) {
		next = s->next;
		if (region_done(s))
			region_free(s);
	}
}

void seq_replica_gone(int idx)
{
	struct seqreg *s;

	for (s = regions; s; s = s->next)
		olog_kill_replica(s->rg, (unsigned)idx);
	free_done_regions();
}

/* Replica idx's process pr exited or replaced its program: its regions
 * are unmapped there. */
void seq_proc_gone(int idx, struct proc *pr)
{
	struct seqreg *s;

	for (s = regions; s; s = s->next)
		if (s->proc[idx] == pr)
			s->holders &= ~(1u << idx);
	if (pr->seq_tree) {
		pr->seq_tree->tree_users--;
		pr->seq_tree = NULL;
	}
	free_done_regions();
}

void seq_proc_forked(struct proc *child, const struct proc *parent)
{
	child->seq_tree = parent->seq_tree;
	if (child->seq_tree)
		child->seq_tree->tree_users++;
}

/* ---- the watchdog ---- */

static struct rp_rstate *rstate_at(const struct seqreg *s, uint32_t slot, int r)
{
	return (struct rp_rstate *)(s->view.doms + (size_t)slot * s->view.dom_stride +
				    sizeof(struct rp_dom)) + r;
}


static struct suspect *find_suspect(struct suspect *v, size_t n, uint32_t slot)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].slot == slot)
			return &v[i];
	return NULL;
}

/* A domain where a live replica is behind another and none of them moved
 * for --stall-timeout: the laggard's thread never came. */
static bool scan_region(struct seqreg *s, uint64_t now, struct seq_stall *st)
{
	uint32_t bump = atomic_load(&s->rg->bump), slot, live = monitor_live_mask();
	struct suspect *nv = NULL, *old;
	size_t nn = 0, cap = 0;
	bool stalled = false;
	int i;

	if (bump > DOM_MAX)
		bump = DOM_MAX; /* a scribbled header */
	for (slot = 0; slot < bump && !stalled; slot++) {
		uint64_t t[MAX_REPLICAS] = { 0 }, lo = UINT64_MAX, hi = 0;

		for (i = 0; i < opt.n; i++) {
			t[i] = olog_turn(&s->view, slot, (unsigned)i);
			if (!(live & (1u << i)))
				continue;
			lo = t[i] < lo ? t[i] : lo;
			hi = t[i] > hi ? t[i] : hi;
		}
		if (lo >= hi)
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 8;
			nv = xrealloc(nv, cap * sizeof(*nv));
		}
		nv[nn] = (struct suspect){ .slot = slot, .since = now };
		memcpy(nv[nn].turns, t, sizeof(t));
		old = find_suspect(s->sus, s->nsus, slot);
		if (old && !memcmp(old->turns, t, sizeof(t)))
			nv[nn].since = old->since;
		if (now - nv[nn].since >= opt.stall_ns) {
			st->slot = slot;
			st->waited_ns = now - nv[nn].since;
			memcpy(st->turn, t, sizeof(t));
			st->gid = s->gid;
			stalled = true;
		}
		nn++;
	}
	free(s->sus);
	s->sus = nv;
	s->nsus = nn;
	return stalled;
}

/* One replica's place in a domain, for the reports. */
static void describe_replica(FILE *txt, FILE *js, const struct seqreg *s, uint32_t slot, int r)
{
	uint64_t st = atomic_load(&rstate_at(s, slot, r)->state), t = rp_st_turn(st);
	uint32_t holder = atomic_load(&rstate_at(s, slot, r)->holder);
	uint32_t next = rp_ent_id(olog_entry(&s->view, slot, t));

	fprintf(txt, "    replica %d%s at position %llu: ", r,
		monitor_live_mask() & (1u << r) ? "" : " (gone)", (unsigned long long)t);
	if (st & RP_ST_BUSY)
		fprintf(txt, "thread %u is inside\n", holder);
	else if (next)
		fprintf(txt, "waits for thread %u to enter\n", next);
	else
		fprintf(txt, "no thread ordered next yet\n");
	fprintf(js, "%s{\"replica\":%d,\"position\":%llu,\"inside\":%u,\"waits_for\":%u}",
		r ? "," : "", r, (unsigned long long)t, st & RP_ST_BUSY ? holder : 0,
		st & RP_ST_BUSY ? 0 : next);
}

/* Live replicas at different places in a domain (positions, or one inside
 * and one not). */
static bool domain_split(const struct seqreg *s, uint32_t slot)
{
	uint32_t live = monitor_live_mask();
	uint64_t first = 0, st;
	bool seen = false;
	int i;

	for (i = 0; i < opt.n; i++) {
		if (!(live & (1u << i)))
			continue;
		st = atomic_load(&rstate_at(s, slot, i)->state) &
		     (RP_ST_BUSY | (RP_ST_TURN_MASK << RP_ST_TURN_SHIFT));
		if (seen && st != first)
			return true;
		first = st, seen = true;
	}
	return false;
}

/* The domains where live replicas are at different places, with the
 * thread each one waits for: for a stall report, whatever its cause.
 * Returns how many (at most 8 are shown). */
int seq_describe_lag(FILE *txt, FILE *js)
{
	struct seqreg *s;
	int found = 0, i;

	for (s = regions; s; s = s->next) {
		uint32_t bump = atomic_load(&s->rg->bump), slot;

		for (slot = 0; slot < bump && slot < DOM_MAX && found < 8; slot++) {
			if (!domain_split(s, slot))
				continue;
			fprintf(txt, "  sequential regions, domain %u (process of peer group %d):\n",
				slot, s->gid);
			fprintf(js, "%s{\"peer_group\":%d,\"domain\":%u,\"replicas\":[",
				found ? "," : "", s->gid, slot);
			for (i = 0; i < opt.n; i++)
				describe_replica(txt, js, s, slot, i);
			fprintf(js, "]}");
			found++;
		}
	}
	return found;
}

/* ---- where a stuck thread waits ---- */

/* The region whose memfd has inode ino, or NULL. */
static struct seqreg *region_by_inode(unsigned long ino)
{
	struct seqreg *s;
	struct stat st;

	for (s = regions; s; s = s->next)
		if (!fstat(s->memfd, &st) && st.st_ino == ino)
			return s;
	return NULL;
}

/* The region that process pid maps at addr, and addr's offset in it. */
static struct seqreg *region_at(pid_t pid, unsigned long addr, unsigned long *off)
{
	char path[64], line[512];
	unsigned long lo, hi, foff, ino;
	struct seqreg *s = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	while (f && !s && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %*s %lx %*s %lu", &lo, &hi, &foff, &ino) != 4 ||
		    addr < lo || addr >= hi || !strstr(line, "replicant-seq"))
			continue;
		s = region_by_inode(ino);
		*off = addr - lo + foff;
	}
	if (f)
		fclose(f);
	return s;
}

/* What a futex word at offset off of region s is: a replica's turn in a
 * domain (a thread waits to enter) or its space word (a leader waits for
 * that replica to free log room). */
static void describe_word(const struct seqreg *s, unsigned long off, char *buf, size_t n)
{
	const struct rp_region *rg = s->rg;
	unsigned long in, slot;
	int r;

	if (off < rg->dom_off) {
		snprintf(buf, n, "waits in the sequential regions' header (process of peer group %d)",
			 s->gid);
		return;
	}
	slot = (off - rg->dom_off) / rg->dom_stride;
	in = (off - rg->dom_off) % rg->dom_stride;
	r = in < sizeof(struct rp_dom) ? -1 :
	    (int)((in - sizeof(struct rp_dom)) / sizeof(struct rp_rstate));
	if (r < 0 || r >= opt.n)
		snprintf(buf, n, "waits on domain %lu (process of peer group %d)", slot, s->gid);
	else if ((in - sizeof(struct rp_dom)) % sizeof(struct rp_rstate) ==
		 offsetof(struct rp_rstate, space_word))
		snprintf(buf, n, "waits for replica %d to free log room in domain %lu (process of "
			 "peer group %d)", r, slot, s->gid);
	else
		snprintf(buf, n, "waits for its turn in domain %lu (process of peer group %d)", slot,
			 s->gid);
}

void seq_describe_wait(pid_t pid, pid_t tid, char *buf, size_t n)
{
	char path[64], line[256];
	unsigned long nr = 0, addr = 0, off = 0;
	struct seqreg *s;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	f = fopen(path, "re");
	if (!f || !fgets(line, sizeof(line), f)) {
		snprintf(buf, n, "its state is unknown");
	} else if (!strncmp(line, "running", 7)) {
		snprintf(buf, n, "runs outside any syscall");
	} else if (sscanf(line, "%lu %lx", &nr, &addr) < 1) {
		snprintf(buf, n, "its state is unknown");
	} else if (nr != SYS_futex) {
		snprintf(buf, n, "is in syscall %s", call_name((long)nr));
	} else if ((s = region_at(pid, addr, &off))) {
		describe_word(s, off, buf, n);
	} else {
		snprintf(buf, n, "waits on a futex outside the sequential regions (a lock, condition "
			 "variable or semaphore of the program or the pthread library)");
	}
	if (f)
		fclose(f);
}

/* Called often by the main loop; scans once a second. True with *st
 * filled when a domain stalled. */
bool seq_check_stall(struct seq_stall *st)
{
	uint64_t now = now_ns();
	struct seqreg *s;

	if (!regions || now - last_scan < SCAN_NS)
		return false;
	last_scan = now;
	for (s = regions; s; s = s->next)
		if (scan_region(s, now, st))
			return true;
	return false;
}
