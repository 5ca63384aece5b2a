/* clock_gettime(CLOCK_MONOTONIC) never goes backwards over 1000 reads (nor
 * does CLOCK_REALTIME's seconds count stay below 2020's), as each replica
 * sees it. Prints no time, only the verdicts. */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec prev = { 0, 0 }, now, rt;
	int i, back = 0, bad = 0;

	for (i = 0; i < 1000; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &now)) {
			bad++;
			continue;
		}
		if (now.tv_sec < prev.tv_sec ||
		    (now.tv_sec == prev.tv_sec && now.tv_nsec < prev.tv_nsec))
			back++;
		if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000)
			bad++;
		prev = now;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	if (back || bad)
		printf("monotonic: %d backwards, %d bad\n", back, bad);
	else
		printf("monotonic ok\n");
	printf("realtime after 2020: %s\n", rt.tv_sec > 1577836800 ? "yes" : "no");
	printf("done\n");
	return 0;
}
