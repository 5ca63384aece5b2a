/* Finds its own replica index (replica_index.h) and prints one line that only
 * replica 2 prints differently: a clean 2-to-1 split for
 * --on-divergence kill-minority with -n 3. Run alone it prints "majority".
 *
 * argv[1] "minority-late": replica 2 reaches that line 300 ms after the
 * others; "majority-late": the others reach it 300 ms after replica 2;
 * "last-stalls": the last replica sleeps 3 s before that line, and prints
 * "majority" like the others; "last-spins": the last replica spends
 * half a minute or so there in calls the monitor never sees (2e7 futex
 * wakes), runnable all along (alone, it does so too).
 * nanosleep is local, so the delay itself is not voted on. */
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "replica_index.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct timespec delay = { 0, 300000000 };
	struct timespec stall = { 3, 0 };
	int nkids = 0, idx = replica_index(&nkids);

	if (idx < 0)
		return 2;
	printf("common line\n");
	fflush(stdout);
	if ((idx == 2 && !strcmp(mode, "minority-late")) ||
	    (idx != 2 && !strcmp(mode, "majority-late")))
		nanosleep(&delay, NULL);
	if (!strcmp(mode, "last-stalls")) {
		if (idx == nkids - 1)
			nanosleep(&stall, NULL);
		idx = 0;
	}
	if (!strcmp(mode, "last-spins")) {
		static int word;
		long k;

		/* counted, not timed: the clock is a call that waits for peers */
		for (k = 0; idx == nkids - 1 && k < 20000000L; k++)
			syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0);
		idx = 0;
	}
	printf("replica says %s\n", idx == 2 ? "minority" : "majority");
	fflush(stdout);
	printf("done\n");
	return 0;
}
