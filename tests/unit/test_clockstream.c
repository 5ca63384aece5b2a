/* Unit tests of the clock streams (list/clockstream.c): the k-th read of a
 * clock gives every replica the same value, whatever reads of other clocks
 * a replica made between; a replica far behind skips to the oldest value
 * kept; calls a stream does not serve are left to the list. The peers are
 * this process's own thread, so the values land in this test's memory. */
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "list/clockstream.h"
#include "model/run.h"
#include "tap.h"
#include "table/call.h"

#define KEEP ((int)CLOCKSTREAM_KEEP)

static struct group grp;
static struct peer peer[2];

static struct call call_of(long nr, uint64_t a0, uint64_t a1)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	c.nr = nr;
	c.args[0] = a0;
	c.args[1] = a1;
	return c;
}

/* Replica r reads clock clk through the streams. */
static struct timespec read_clock(int r, clockid_t clk, bool *served)
{
	struct timespec ts = { -1, -1 };
	struct call c = call_of(SYS_clock_gettime, (uint64_t)clk, (uint64_t)(uintptr_t)&ts);

	*served = clockstream_take(&peer[r], &c);
	return ts;
}

static bool same(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int main(void)
{
	static struct timespec lead[KEEP + 500];
	struct timespec a, b, coarse[5];
	struct timeval tv;
	bool served, all = true;
	struct call c;
	time_t t = 0;
	int i;

	plan(9);
	opt.n = 2;
	for (i = 0; i < 2; i++) {
		replicas[i].idx = i;
		replicas[i].alive = true;
		peer[i] = (struct peer){ .tid = getpid(), .rep = &replicas[i], .grp = &grp,
					 .waiting = W_NONE };
		grp.member[i] = &peer[i];
	}

	/* the same k-th value, with extra reads of another clock between */
	for (i = 0; i < 3; i++)
		lead[i] = read_clock(0, CLOCK_REALTIME, &served);
	for (i = 0; i < 5; i++)
		coarse[i] = read_clock(1, CLOCK_MONOTONIC_COARSE, &served);
	for (i = 0; i < 3; i++)
		all = all && same(read_clock(1, CLOCK_REALTIME, &served), lead[i]);
	ok(served && all, "replica 1's first 3 REALTIME reads are replica 0's, after 5 COARSE reads of its own");
	ok(lead[0].tv_sec > 0 && (lead[1].tv_sec > lead[0].tv_sec ||
				  (lead[1].tv_sec == lead[0].tv_sec && lead[1].tv_nsec >= lead[0].tv_nsec)),
	   "the values are the clock's, in order");
	a = read_clock(0, CLOCK_MONOTONIC_COARSE, &served);
	ok(same(a, coarse[0]), "replica 0's first COARSE read is the value replica 1 read first");

	/* a replica far behind skips to the oldest value kept */
	for (i = 0; i < KEEP + 500; i++)
		lead[i] = read_clock(0, CLOCK_MONOTONIC, &served);
	a = read_clock(1, CLOCK_MONOTONIC, &served);
	ok(same(a, lead[500]), "a replica %d reads behind gets the oldest value kept, its peer's read %d",
	   KEEP + 500, 500);
	b = read_clock(1, CLOCK_MONOTONIC, &served);
	ok(same(b, lead[501]), "and then the next one");

	/* gettimeofday and time are streams of their own */
	c = call_of(SYS_gettimeofday, (uint64_t)(uintptr_t)&tv, 0);
	ok(clockstream_take(&peer[0], &c) && tv.tv_sec > 0 && tv.tv_usec < 1000000,
	   "gettimeofday without a time zone is served");
	c = call_of(SYS_time, (uint64_t)(uintptr_t)&t, 0);
	ok(clockstream_take(&peer[0], &c) && t > 0, "time(&t) is served");

	/* what a stream does not serve stays the list's */
	c = call_of(SYS_gettimeofday, (uint64_t)(uintptr_t)&tv, (uint64_t)(uintptr_t)&tv);
	ok(!clockstream_take(&peer[0], &c), "gettimeofday with a time zone is left to the list");
	read_clock(0, CLOCK_PROCESS_CPUTIME_ID, &served);
	ok(!served, "a CPU-time clock is left to the list");
	clockstream_free(&grp);
	return tap_exit();
}
