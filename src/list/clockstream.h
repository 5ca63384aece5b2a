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

/* When c is a clock read a stream serves (time, gettimeofday without a
 * time zone, clock_gettime of a system-wide clock), answers p with its
 * replica's next value and returns true; c stays the caller's. */
bool clockstream_take(struct peer *p, const struct call *c);
/* The streams of a group that is freed. */
void clockstream_free(struct group *g);

#endif
