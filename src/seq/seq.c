/* The monitor's side of sequential regions (lib/protocol.h): it answers
 * libreplicant's HELLO with a shared region (calls/regions.c has the
 * library's other calls) and tells the regions when a replica or a
 * process is gone. The watchdog is seq/seqwatch.c.
 *
 * A region belongs to one HELLO: the position of one peer group's list
 * where a process (or a process after execve) said it. The corresponding
 * processes of every replica say it at that same position and get the same
 * memfd. The region carries only ordering: nothing in it is trusted for an
 * output, so a replica that scribbles on it can stall the run or make it
 * diverge, never get an output past the vote. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/util.h"
#include "seq/seqreg.h"

#define LOG_CAP 256
#define INIT_CAP 4096

struct seqreg *seq_regions;
static uint32_t spin_iters;

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
	s->next = seq_regions;
	seq_regions = s;
	return s;
fail:
	warnmsg("cannot make a sequential region: %s", strerror(errno));
	if (s->rg && s->rg != MAP_FAILED)
		munmap(s->rg, s->size);
	if (s->memfd >= 0)
		close(s->memfd);
	free(s);
	return NULL;
}

static void region_free(struct seqreg *s)
{
	struct seqreg **pp = &seq_regions;

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

	for (s = seq_regions; s; s = s->next)
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
struct answer seq_hello(struct entry *e, struct peer *p, struct call *c)
{
	struct replicant_hello_v1 h;
	struct seqreg *s;
	struct fobj *o;
	int idx = p->rep->idx, fd;

	if ((uint32_t)c->args[0] != REPLICANT_PROTOCOL_VERSION) {
		warnmsg("replica %d speaks sequential-region protocol %u, this monitor %u: "
			"its regions order nothing", idx, (unsigned)c->args[0], REPLICANT_PROTOCOL_VERSION);
		return ans_val(-EPROTONOSUPPORT);
	}
	if (c->args[2] < sizeof(h))
		return ans_val(-EINVAL);
	s = region_of(e);
	if (!s)
		return ans_val(-ENOMEM);
	fd = calls_addfd(p, s->memfd, proc_fd_number(e, p, 0, 0), true);
	if (fd < 0)
		return ans_val(fd);
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
	return ans_val(mem_write(p->tid, c->args[1], &h, sizeof(h)) ? -EFAULT : idx);
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

	for (s = seq_regions; s; s = next) {
		next = s->next;
		if (region_done(s))
			region_free(s);
	}
}

void seq_replica_gone(int idx)
{
	struct seqreg *s;

	for (s = seq_regions; s; s = s->next)
		olog_kill_replica(s->rg, (unsigned)idx);
	free_done_regions();
}

/* Replica idx's process pr exited or replaced its program: its regions
 * are unmapped there. */
void seq_proc_gone(int idx, struct proc *pr)
{
	struct seqreg *s;

	for (s = seq_regions; s; s = s->next)
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

