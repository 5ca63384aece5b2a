/* The watchdog of sequential regions: a domain where a replica stays
 * behind its peers is a stall; and, for any stall report, where each
 * replica is in the domains and what a stuck thread waits for. Everything
 * read in a region is written by replicas: only the monitor's own copy of
 * its geometry (the olog view) locates anything, and every value read is
 * bounded. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "model/peers.h"
#include "model/run.h"
#include "os/procfs.h"
#include "os/util.h"
#include "seq/seqreg.h"

#define SCAN_NS 1000000000ull
/* Domains where a replica lags that the watchdog follows at once: the
 * slot count comes from memory replicas write, so neither the list nor
 * the time to keep it may grow with it (a scribbled bump of 2^32 made the
 * monitor grow by hundreds of MB a second). A stall is seen in the first
 * ones; a replica that fakes more of them can only end the run. */
#define SUSPECT_MAX 64

static uint64_t last_scan;

static struct suspect *find_suspect(struct suspect *v, size_t n, uint32_t slot)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].slot == slot)
			return &v[i];
	return NULL;
}

/* The first slot from slot on (before end) whose first page replicas
 * wrote: a page none touched reads as all turns 0, and reading it through
 * the mapping would make the kernel allocate it (a scribbled bump had the
 * watchdog fault in 1.6 GB of the sparse region in 10 s, and take as long
 * in CPU). The region's file says where its data is. */
uint32_t seq_slot_end(const struct seqreg *s)
{
	uint32_t bump = atomic_load(&s->rg->bump);

	return bump > DOM_MAX ? DOM_MAX : bump; /* a scribbled header */
}

uint32_t seq_next_used_slot(const struct seqreg *s, uint32_t slot, uint32_t end)
{
	uint64_t base = (uint64_t)(s->view.doms - (char *)s->rg), stride = s->view.dom_stride;
	uint64_t off, k;
	off_t data;

	while (slot < end) {
		off = base + slot * stride;
		data = lseek(s->memfd, (off_t)(off & ~(uint64_t)4095), SEEK_DATA);
		if (data < 0)
			return end; /* no data after it (ENXIO) */
		if ((uint64_t)data <= off)
			return slot;
		k = ((uint64_t)data - base) / stride;
		slot = k > slot ? (k < end ? (uint32_t)k : end) : slot + 1;
	}
	return end;
}

/* A domain where a live replica is behind another and none of them moved
 * for --stall-timeout: the laggard's thread never came. A replica let go
 * from the logs has no place in them. */
static bool scan_region(struct seqreg *s, uint64_t now, struct seq_stall *st)
{
	uint32_t bump = seq_slot_end(s), slot, live = run_live_mask() & ~s->released;
	struct suspect *nv = NULL, *old;
	size_t nn = 0, cap = 0;
	bool stalled = false;
	int i;

	for (slot = seq_next_used_slot(s, 0, bump); slot < bump && !stalled;
	     slot = seq_next_used_slot(s, slot + 1, bump)) {
		uint64_t t[MAX_REPLICAS] = { 0 }, lo = UINT64_MAX, hi = 0;

		for (i = 0; i < opt.n; i++) {
			t[i] = olog_turn(&s->view, slot, (unsigned)i);
			if (!(live & (1u << i)))
				continue;
			lo = t[i] < lo ? t[i] : lo;
			hi = t[i] > hi ? t[i] : hi;
		}
		if (lo >= hi || nn == SUSPECT_MAX)
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

/* What thread vtid of replica r is doing, as " (it ...)", or "": the
 * thread a domain waits for is where a stall's cause is. */
static const char *awaited_state(const struct seqreg *s, int r, uint32_t vtid)
{
	static char buf[192];
	char what[160];
	pid_t tid = peer_real_tid(&replicas[r], (pid_t)vtid);

	if (!s->proc[r] || tid < 0)
		return " (it has no thread here yet, or has ended)";
	seq_describe_wait(s->proc[r]->pid, tid, what, sizeof(what));
	snprintf(buf, sizeof(buf), " (it %s)", what);
	return buf;
}

/* One replica's place in a domain, for the reports. */
static void describe_replica(FILE *txt, FILE *js, const struct seqreg *s, uint32_t slot, int r)
{
	uint64_t st = atomic_load(&olog_rstate(&s->view, slot, (unsigned)r)->state), t = rp_st_turn(st);
	bool order;
	uint32_t who = seq_awaited(s, slot, r, &order), holder = order ? 0 : who,
		 next = order ? who : 0;

	fprintf(txt, "    replica %d%s at position %llu: ", r,
		!(run_live_mask() & (1u << r)) ? " (gone)" :
		s->released & (1u << r) ? " (let go from the logs)" : "", (unsigned long long)t);
	if (!order)
		fprintf(txt, "thread %u is inside\n", holder);
	else if (next)
		fprintf(txt, "waits for thread %u to enter%s\n", next, awaited_state(s, r, next));
	else
		fprintf(txt, "no thread ordered next yet\n");
	fprintf(js, "%s{\"replica\":%d,\"position\":%llu,\"inside\":%u,\"waits_for\":%u}",
		r ? "," : "", r, (unsigned long long)t, holder, next);
}

/* Live replicas at different places in a domain (positions, or one inside
 * and one not). */
static bool domain_split(const struct seqreg *s, uint32_t slot)
{
	uint32_t live = run_live_mask() & ~s->released;
	uint64_t first = 0, st;
	bool seen = false;
	int i;

	for (i = 0; i < opt.n; i++) {
		if (!(live & (1u << i)))
			continue;
		st = atomic_load(&olog_rstate(&s->view, slot, (unsigned)i)->state) &
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

	for (s = seq_regions; s; s = s->next) {
		uint32_t bump = seq_slot_end(s), slot;

		for (slot = seq_next_used_slot(s, 0, bump); slot < bump && found < 8;
		     slot = seq_next_used_slot(s, slot + 1, bump)) {
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

	for (s = seq_regions; s; s = s->next)
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
	uint32_t slot;
	size_t in;
	int r;

	if (!olog_locate(&s->view, off, &slot, &r, &in))
		snprintf(buf, n, "waits in the sequential regions' header (process of peer group %d)",
			 s->gid);
	else if (r < 0 || r >= opt.n)
		snprintf(buf, n, "waits on domain %u (process of peer group %d)", slot, s->gid);
	else if (in == offsetof(struct rp_rstate, space_word))
		snprintf(buf, n, "waits for replica %d to free log room in domain %u (process of "
			 "peer group %d)", r, slot, s->gid);
	else
		snprintf(buf, n, "waits for its turn in domain %u (process of peer group %d)", slot,
			 s->gid);
}

bool seq_turn_wait(const struct seqreg *s, int r, pid_t pid, pid_t tid, uint32_t *slot)
{
	unsigned long addr = 0, off = 0;
	size_t in;
	long nr = 0;
	int rr;

	return procfs_task_call(pid, tid, &nr, &addr) == TASK_IN_CALL && nr == SYS_futex &&
	       region_at(pid, addr, &off) == s && olog_locate(&s->view, off, slot, &rr, &in) &&
	       rr == r && in == offsetof(struct rp_rstate, state);
}

void seq_describe_wait(pid_t pid, pid_t tid, char *buf, size_t n)
{
	unsigned long addr = 0, off = 0;
	struct seqreg *s;
	long nr = 0;

	switch (procfs_task_call(pid, tid, &nr, &addr)) {
	case TASK_UNKNOWN:
		snprintf(buf, n, "its state is unknown");
		break;
	case TASK_RUNNING:
		snprintf(buf, n, "runs outside any syscall");
		break;
	case TASK_IN_CALL:
		if (nr != SYS_futex)
			snprintf(buf, n, "is in syscall %s", sysent_name(nr));
		else if ((s = region_at(pid, addr, &off)))
			describe_word(s, off, buf, n);
		else
			snprintf(buf, n, "waits on a futex outside the sequential regions (a lock, "
				 "condition variable or semaphore of the program or the pthread "
				 "library)");
		break;
	default:
		snprintf(buf, n, "its state is unknown");
	}
}

/* Called often by the main loop; scans once a second. True with *st
 * filled when a domain stalled. */
bool seq_check_stall(struct seq_stall *st)
{
	uint64_t now = now_ns();
	struct seqreg *s;

	if (!seq_regions || now - last_scan < SCAN_NS)
		return false;
	last_scan = now;
	for (s = seq_regions; s; s = s->next) {
		seq_release_check(s, now, SCAN_NS);
		if (scan_region(s, now, st))
			return true;
	}
	return false;
}
