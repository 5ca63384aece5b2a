/* Reads the time many ways, many times; every replica must print the same.
 * argv[1] "no-rdtsc": the last column is 0, for machines where rdtsc
 * does not trap (tests/progs/tsctrap.c). */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <x86intrin.h>

int main(int argc, char **argv)
{
	int i, tsc = !(argc > 1 && !strcmp(argv[1], "no-rdtsc"));

	for (i = 0; i < 200; i++) {
		struct timespec rt, mono;
		struct timeval tv;
		time_t t = time(NULL);

		gettimeofday(&tv, NULL);
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		printf("%ld %ld.%06ld %ld.%09ld %ld.%09ld %llu\n", (long)t, (long)tv.tv_sec,
		       (long)tv.tv_usec, (long)rt.tv_sec, rt.tv_nsec, (long)mono.tv_sec,
		       mono.tv_nsec, tsc ? (unsigned long long)__rdtsc() : 0ull);
	}
	printf("done\n");
	return 0;
}
