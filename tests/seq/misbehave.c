/* A program whose replicas misbehave on purpose in their sequential
 * regions, for tests/t/93-seq-monitor.t. It links libreplicant's objects to
 * learn its replica index (rp_olog()), which a program never needs.
 *
 *	misbehave scribble	replica 1 overwrites its domain's order log
 *	misbehave skip		replica 1 leaves out one region
 *	misbehave stall		replica 1's thread 1 sleeps for an hour inside a
 *				region: its other threads wait for it, and the
 *				other replicas stop a full log ahead
 *	misbehave quietstall	the same, with no writes in the regions: no
 *				call waits in the monitor, only the regions
 *	misbehave geometry	replica 1 writes a region header that lies (a
 *				domain stride of 0, 2^32 - 1 domains in use),
 *				then stalls inside a region: the monitor reads
 *				that header for its stall report
 *	misbehave decide	every replica proposes its index to DECIDE
 *	misbehave regions	no misbehaviour (the baseline)
 *
 * Four threads each enter ROUNDS regions of one domain, add their number to
 * a counter and write what they saw, one write per line: lines of a correct
 * run form a sequence where each value is the previous plus the thread's
 * number. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <replicant.h>

#include "protocol.h"
#include "replicant_int.h"

#define NTHREADS 4
#define ROUNDS 200
#define MISBEHAVE_AT 50

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static const char *mode;

static void say(const char *fmt, long a, long b)
{
	char line[64];
	int n = snprintf(line, sizeof(line), fmt, a, b);

	if (write(1, line, (size_t)n) != n)
		exit(3);
}

/* Fills the domain's whole log, in this replica's mapping of the shared
 * region, with entries that name nobody. */
static void scribble(void)
{
	struct olog *lg = rp_olog();
	uint32_t slot;
	char *log;

	if (rp_lookup((long)&lock, &slot))
		exit(4);
	log = lg->doms + (size_t)slot * lg->dom_stride + lg->dom_log_off;
	memset(log, 0x5a, (size_t)8 << lg->log_shift);
}

/* What the monitor must never trust: the geometry in the shared header. */
static void lie_about_geometry(void)
{
	struct rp_region *rg = rp_olog()->rg;

	rg->dom_stride = 0;
	rg->dom_off = 0;
	atomic_store(&rg->bump, 0xffffffffu);
}

static bool misbehaving(long id, int round)
{
	return id == 1 && round == MISBEHAVE_AT && rp_replicated() && rp_olog()->replica == 1;
}

static void *thread_start(void *arg)
{
	long id = (long)arg;
	int round, err, rounds = strcmp(mode, "quietstall") ? ROUNDS : 10 * ROUNDS;

	/* quietstall: enough rounds that every thread of the leaders is still
	 * in its loop when the order log fills */
	for (round = 0; round < rounds; round++) {
		if (misbehaving(id, round) && !strcmp(mode, "skip"))
			continue;
		err = BEGIN_SEQ_REGION(&lock);
		if (err) {
			say("thread %ld: begin_seq: error %ld\n", id, err);
			return NULL;
		}
		if (misbehaving(id, round) && !strcmp(mode, "geometry"))
			lie_about_geometry();
		if (misbehaving(id, round) && (strstr(mode, "stall") || !strcmp(mode, "geometry")))
			sleep(3600);
		pthread_mutex_lock(&lock);
		counter += id;
		if (strcmp(mode, "quietstall"))
			say("t%ld c%ld\n", id, counter);
		if (misbehaving(id, round) && !strcmp(mode, "scribble"))
			scribble();
		pthread_mutex_unlock(&lock);
		err = END_SEQ_REGION(&lock);
		if (err) {
			say("thread %ld: end_seq: error %ld\n", id, err);
			return NULL;
		}
	}
	return NULL;
}

static int decide(void)
{
	long got = syscall(REPLICANT_SYS_DECIDE, (long)rp_olog()->replica);
	long bad = syscall(REPLICANT_SYS_DECIDE, -1L);

	say("decided %ld, out of range gives %ld\n", got, bad < 0 ? -errno : bad);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	long i;

	mode = argc > 1 ? argv[1] : "regions";
	if (!rp_replicated()) {
		fprintf(stderr, "misbehave: not under replicant\n");
		return 2;
	}
	if (!strcmp(mode, "decide"))
		return decide();
	if (init_dom((long)&lock))
		return 1;
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, thread_start, (void *)(i + 1)))
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	say("total %ld\n", counter, 0);
	return 0;
}
