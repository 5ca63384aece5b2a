/* Threads that share a counter through the Apache Portable Runtime's
 * atomics and no lock, as Apache's worker MPM counts its idle workers:
 * argv[1] threads (default 4) each take argv[2] values (default 400) with
 * apr_atomic_inc32 and apr_atomic_add32, in turn, with a little work
 * between, and main prints, after joining them, the values each thread got,
 * one line a thread, then "total N" (apr_atomic_read32). Which thread got
 * which value is timing unless every replica's threads use the counter in
 * one order (lib/pthread/apr.c).
 *
 * libapr is found at run time, as a program linked with it finds it: loaded
 * into the global scope, its functions looked up there (a preloaded library
 * comes first). Exit 77 when it is not installed. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXTHREADS 16
#define MAXVALUES 4096

static uint32_t (*inc32)(volatile uint32_t *);
static uint32_t (*add32)(volatile uint32_t *, uint32_t);
static uint32_t (*read32)(volatile uint32_t *);

static volatile uint32_t counter;
static long per_thread;
static uint32_t got[MAXTHREADS][MAXVALUES];

static void work(void)
{
	volatile int i;

	for (i = 0; i < 2000; i++)
		;
}

static volatile int go;

static void *taker(void *arg)
{
	long id = (long)arg, k;

	while (!go)	/* start together: making a thread takes longer than its work */
		;
	for (k = 0; k < per_thread; k++) {
		got[id][k] = k % 2 ? add32(&counter, 1) : inc32(&counter);
		work();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4, i, k;
	pthread_t th[MAXTHREADS];

	per_thread = argc > 2 ? atol(argv[2]) : 400;
	if (n < 1 || n > MAXTHREADS || per_thread < 1 || per_thread > MAXVALUES)
		return 2;
	if (!dlopen("libapr-1.so.0", RTLD_NOW | RTLD_GLOBAL)) {
		fprintf(stderr, "aprcount: no libapr: %s\n", dlerror());
		return 77;
	}
	inc32 = (uint32_t (*)(volatile uint32_t *))dlsym(RTLD_DEFAULT, "apr_atomic_inc32");
	add32 = (uint32_t (*)(volatile uint32_t *, uint32_t))dlsym(RTLD_DEFAULT,
								  "apr_atomic_add32");
	read32 = (uint32_t (*)(volatile uint32_t *))dlsym(RTLD_DEFAULT, "apr_atomic_read32");
	if (!inc32 || !add32 || !read32) {
		fprintf(stderr, "aprcount: libapr has no atomics\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, taker, (void *)i))
			return 1;
	go = 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++) {
		printf("thread %ld:", i);
		for (k = 0; k < per_thread; k++)
			printf(" %u", got[i][k]);
		printf("\n");
	}
	printf("total %u\n", read32(&counter));
	return 0;
}
