#include "list/clockstream.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "list/answer.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/util.h"

struct clockstream {
	long nr;			/* the call that reads it */
	int clock;			/* clock_gettime's clock; -1 otherwise */
	uint64_t base;			/* index of the oldest value kept */
	uint32_t head, len, cap;	/* ring of cap values from vals[head] */
	struct timespec *vals;
	uint64_t next[MAX_REPLICAS];	/* each replica's next read */
};

/* System-wide clocks only: a CPU-time clock (of the process, a thread,
 * or a pid or descriptor encoded in a negative id) is each replica's own
 * count, which the list answers as before. */
static bool served_clock(long clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		return true;
	default:
		return false;
	}
}

/* The clock c reads, or -2 when no stream serves c. */
static int clock_of(const struct call *c)
{
	switch (c->nr) {
	case SYS_time:
		return -1;
	case SYS_gettimeofday:
		return c->args[1] ? -2 : -1; /* the obsolete time zone: the list */
	case SYS_clock_gettime:
		return served_clock((long)(int)c->args[0]) ? (int)c->args[0] : -2;
	default:
		return -2;
	}
}

/* g's stream of call nr on clock, made at its first read. */
static struct clockstream *stream_find(struct group *g, long nr, int clock)
{
	struct clockstream *s;
	int i;

	for (i = 0; i < g->nclocks; i++)
		if (g->clocks[i]->nr == nr && g->clocks[i]->clock == clock)
			return g->clocks[i];
	g->clocks = xrealloc(g->clocks, (size_t)(g->nclocks + 1) * sizeof(*g->clocks));
	s = xcalloc(1, sizeof(*s));
	s->nr = nr;
	s->clock = clock;
	g->clocks[g->nclocks++] = s;
	return s;
}

/* Drops the oldest value: every live replica read it, or one is too far
 * behind. */
static void drop_oldest(struct clockstream *s)
{
	s->head = (s->head + 1) % s->cap;
	s->len--;
	s->base++;
}

static void append(struct clockstream *s, const struct timespec *ts)
{
	uint32_t i;

	if (s->len == CLOCKSTREAM_KEEP)
		drop_oldest(s);
	if (s->len == s->cap) {
		struct timespec *v = xcalloc(s->cap ? s->cap * 2 : 8, sizeof(*v));

		for (i = 0; i < s->len; i++)
			v[i] = s->vals[(s->head + i) % s->cap];
		free(s->vals);
		s->vals = v;
		s->head = 0;
		s->cap = s->cap ? s->cap * 2 : 8;
	}
	s->vals[(s->head + s->len) % s->cap] = *ts;
	s->len++;
}

/* Whether replica i may still read values of g's streams. */
static bool reads_on(const struct group *g, uint32_t live, int i)
{
	return (live & (1u << i)) && !(g->member[i] && g->member[i]->exited);
}

/* Replica r's next value: one a peer read first, or the clock now. */
static struct timespec next_value(const struct group *g, struct clockstream *s, int r)
{
	uint64_t k = s->next[r], low = UINT64_MAX;
	uint32_t live = run_live_mask();
	struct timespec ts;
	int i;

	if (k < s->base)
		k = s->base;
	if (k == s->base + s->len) {
		if (clock_gettime(s->clock >= 0 ? s->clock : CLOCK_REALTIME, &ts))
			die_errno("clock_gettime");
		append(s, &ts);
	}
	ts = s->vals[(s->head + (k - s->base)) % s->cap];
	s->next[r] = k + 1;
	for (i = 0; i < opt.n; i++)
		if (reads_on(g, live, i) && s->next[i] < low)
			low = s->next[i];
	while (s->len && s->base < low)
		drop_oldest(s);
	return ts;
}

/* The answer of c with value ts, written where c asked. */
static long deliver(struct peer *p, const struct call *c, const struct timespec *ts)
{
	struct timeval tv = { .tv_sec = ts->tv_sec, .tv_usec = ts->tv_nsec / 1000 };
	time_t t = ts->tv_sec;

	switch (c->nr) {
	case SYS_time:
		if (c->args[0] && mem_write(p->tid, c->args[0], &t, sizeof(t)))
			return -EFAULT;
		return (long)t;
	case SYS_gettimeofday:
		if (c->args[0] && mem_write(p->tid, c->args[0], &tv, sizeof(tv)))
			return -EFAULT;
		return 0;
	default:
		return mem_write(p->tid, c->args[1], ts, sizeof(*ts)) ? -EFAULT : 0;
	}
}

bool clockstream_take(struct peer *p, const struct call *c)
{
	int clock = clock_of(c);
	struct timespec ts;

	if (clock == -2)
		return false;
	ts = next_value(p->grp, stream_find(p->grp, c->nr, clock), p->rep->idx);
	p->entry = NULL;
	answer_send(p, ans_val(deliver(p, c, &ts)));
	return true;
}

void clockstream_free(struct group *g)
{
	int i;

	for (i = 0; i < g->nclocks; i++) {
		free(g->clocks[i]->vals);
		free(g->clocks[i]);
	}
	free(g->clocks);
}
