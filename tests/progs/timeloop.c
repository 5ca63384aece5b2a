/* Reads the time many ways, many times; every replica must print the same. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <x86intrin.h>

int main(void)
{
	int i;

	for (i = 0; i < 200; i++) {
		struct timespec rt, mono;
		struct timeval tv;
		time_t t = time(NULL);

		gettimeofday(&tv, NULL);
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		printf("%ld %ld.%06ld %ld.%09ld %ld.%09ld %llu\n", (long)t, (long)tv.tv_sec,
		       (long)tv.tv_usec, (long)rt.tv_sec, rt.tv_nsec, (long)mono.tv_sec,
		       mono.tv_nsec, (unsigned long long)__rdtsc());
	}
	printf("done\n");
	return 0;
}
