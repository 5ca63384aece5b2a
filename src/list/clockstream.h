/* Clock reads, off the peer group's list: each thread's reads of one clock
 * form a stream of their own, whose k-th value is the same in every
 * replica (read when the first replica makes its k-th read). A read has no
 * effect the world could see, so a replica that makes one more or one
 * fewer than its peers has not diverged: jemalloc reads
 * CLOCK_MONOTONIC_COARSE when a per-thread countdown, seeded from the
 * address of the thread's own data (different in every replica), runs
 * out. What a value then decides is still voted where it reaches an
 * output. */
#ifndef REPLICANT_CLOCKSTREAM_H
#define REPLICANT_CLOCKSTREAM_H

#include <stdbool.h>

#include "model/model.h"

/* Values a stream keeps for a replica behind its peers (16 bytes each,
 * allocated as the lag grows). A replica that falls further behind skips
 * the oldest: it reads a later time than its peers did, and what that
 * time decides then diverges. At -n 3 the slowest replica is not needed
 * for a majority and may fall far behind (the list holds a replica that
 * leads by 16384 positions; a stream holds none), so the bound is far
 * above what the tests' servers use: Squid at -n 3 ran clean with 16.
 * jemalloc's extra reads part two replicas by a few dozen. The monitor's
 * memory stays bounded whatever one replica does: 4 MiB a stream at most. */
#define CLOCKSTREAM_KEEP 262144u

/* When c is a clock read a stream serves (time, gettimeofday without a
 * time zone, clock_gettime of a system-wide clock), answers p with its
 * replica's next value and returns true; c stays the caller's. */
bool clockstream_take(struct peer *p, const struct call *c);
/* The streams of a group that is freed. */
void clockstream_free(struct group *g);

#endif
