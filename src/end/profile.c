#include "end/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/run.h"
#include "os/util.h"
#include "table/sysent.h"

#define ROWS 1024	/* a power of two, more than the calls a run makes */

struct prow {
	long key;		/* the call's number + 1; 0: free */
	uint64_t notifs, lock_ns, work_ns, flush_ns;
	uint64_t entries, wait_ns, run_ns;
};

bool profile_on;
static struct prow rows[ROWS];
static FILE *out;
static const char *out_path;

/* The row of nr, claimed on first use (monitor threads race for it). */
static struct prow *row(long nr)
{
	unsigned h = (unsigned)(nr * 2654435761u) & (ROWS - 1), i;
	long key = nr + 1;

	for (i = 0; i < ROWS; i++) {
		struct prow *r = &rows[(h + i) & (ROWS - 1)];
		long cur = 0;

		/* claimed now, or by an earlier notification of the call */
		if (__atomic_compare_exchange_n(&r->key, &cur, key, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE) || cur == key)
			return r;
	}
	return NULL;
}

static void add(uint64_t *at, uint64_t v)
{
	__atomic_fetch_add(at, v, __ATOMIC_RELAXED);
}

void profile_notif(long nr, uint64_t lock_ns, uint64_t work_ns, uint64_t flush_ns)
{
	struct prow *r = row(nr);

	if (!r)
		return;
	add(&r->notifs, 1);
	add(&r->lock_ns, lock_ns);
	add(&r->work_ns, work_ns);
	add(&r->flush_ns, flush_ns);
}

static long entry_nr(const struct entry *e)
{
	return e->agreed >= 0 && e->call[e->agreed] ? e->call[e->agreed]->nr : -1;
}

void profile_start(struct entry *e)
{
	struct prow *r = entry_nr(e) >= 0 ? row(entry_nr(e)) : NULL;

	e->started_ns = now_ns();
	if (r) {
		add(&r->entries, 1);
		add(&r->wait_ns, e->started_ns - e->first_ns);
	}
}

void profile_ran(struct entry *e)
{
	struct prow *r = entry_nr(e) >= 0 && e->started_ns ? row(entry_nr(e)) : NULL;

	if (r)
		add(&r->run_ns, now_ns() - e->started_ns);
}

static uint64_t monitor_ns(const struct prow *r)
{
	return r->lock_ns + r->work_ns + r->flush_ns;
}

static int by_monitor_time(const void *a, const void *b)
{
	uint64_t x = monitor_ns(a), y = monitor_ns(b);

	return x < y ? 1 : x > y ? -1 : 0;
}

static double per(uint64_t ns, uint64_t n)
{
	return n ? (double)ns / (double)n / 1000.0 : 0.0;
}

void profile_open(const char *path)
{
	out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "replicant: cannot write profile %s: %s\n", path, strerror(errno));
		exit(EXIT_REPLICANT_ERROR);
	}
	out_path = path;
	profile_on = true;
}

void profile_write(uint64_t run_ns)
{
	static struct prow sorted[ROWS];
	FILE *f = out;
	int i, n = 0;

	if (!f)
		return;
	for (i = 0; i < ROWS; i++)
		if (rows[i].key)
			sorted[n++] = rows[i];
	qsort(sorted, (size_t)n, sizeof(sorted[0]), by_monitor_time);
	fprintf(f, "replicant profile: %d replicas, %.3f s; us per notification (lock, work, "
		   "answer) and per position (wait for peers, run)\n\n", opt.n, (double)run_ns / 1e9);
	fprintf(f, "| %-20s | %9s | %8s | %8s | %8s | %9s | %9s | %9s | %9s |\n", "call",
		"notifs", "lock", "work", "answer", "monitor s", "positions", "wait", "run");
	fprintf(f, "|----------------------|-----------|----------|----------|----------|"
		   "-----------|-----------|-----------|-----------|\n");
	for (i = 0; i < n; i++) {
		const struct prow *r = &sorted[i];

		fprintf(f, "| %-20s | %9llu | %8.2f | %8.2f | %8.2f | %9.3f | %9llu | %9.2f | %9.2f |\n",
			sysent_name(r->key - 1), (unsigned long long)r->notifs, per(r->lock_ns, r->notifs),
			per(r->work_ns, r->notifs), per(r->flush_ns, r->notifs),
			(double)monitor_ns(r) / 1e9, (unsigned long long)r->entries,
			per(r->wait_ns, r->entries), per(r->run_ns, r->entries));
	}
	if (fclose(f))
		warnmsg("--profile %s: %s", out_path, strerror(errno));
	out = NULL;
}
