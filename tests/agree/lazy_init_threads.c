/* glibc's lazy loads, made by whichever thread gets there first: the time
 * zone (/etc/localtime, on the first localtime) and the unwinder
 * (libgcc_s, on the first pthread_exit). Four threads start at once, each
 * converts a fixed time and leaves with pthread_exit; main prints what
 * they found, in order. The library reads both when the process makes its
 * first thread (lib/pthread/solo.c), so no thread's calls depend on which
 * was first. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NTHREADS 4

static pthread_barrier_t start;
static char out[NTHREADS][64];

static void *convert(void *arg)
{
	long i = (long)arg;
	time_t t = 1700000000 + i * 86400;
	struct tm tm;

	pthread_barrier_wait(&start);
	localtime_r(&t, &tm);
	strftime(out[i], sizeof(out[i]), "%Y-%m-%d %H:%M", &tm);
	pthread_exit(NULL);
}

int main(void)
{
	pthread_t th[NTHREADS];
	long i;

	setenv("TZ", ":UTC", 0);	/* the same answer on any machine, read from a file */
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, convert, (void *)i))
			return 1;
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		printf("thread %ld: %s\n", i, out[i]);
	}
	printf("done\n");
	return 0;
}
