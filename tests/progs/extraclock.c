/* Clock reads a replica makes more of than its peers: replica r reads
 * CLOCK_MONOTONIC_COARSE 10 * r times between two rounds of CLOCK_REALTIME
 * and CLOCK_MONOTONIC reads, as an allocator does on counters seeded with
 * addresses (jemalloc). Prints the later reads: the k-th read of a clock
 * gives every replica the same value, whatever reads of other clocks came
 * between. */
#include <stdio.h>
#include <time.h>

#include "replica_index.h"

int main(void)
{
	struct timespec rt[3], mono[3], coarse;
	int idx = replica_index(NULL), i;

	if (idx < 0)
		idx = 0;
	for (i = 0; i < 3; i++) {
		clock_gettime(CLOCK_REALTIME, &rt[i]);
		clock_gettime(CLOCK_MONOTONIC, &mono[i]);
		if (i == 0)
			for (int k = 0; k < 10 * idx; k++)
				clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
	}
	for (i = 0; i < 3; i++)
		printf("%lld.%09ld %lld.%09ld\n", (long long)rt[i].tv_sec, rt[i].tv_nsec,
		       (long long)mono[i].tv_sec, mono[i].tv_nsec);
	printf("%s\n", rt[0].tv_sec <= rt[2].tv_sec && mono[0].tv_sec <= mono[2].tv_sec ? "in order" :
	       "out of order");
	return 0;
}
