/* make fuzz: one replica issues random calls with hostile arguments while
 * its peers do something harmless (bench/fuzz.sh runs it under replicant
 * and checks the monitor). Every replica makes the same THREADS threads
 * (their creation is voted); then, in replica 0 only, each thread makes
 * up to CALLS random calls, and one more thread keeps rewriting the
 * buffers they pass; in the other replicas the threads sleep and end.
 *
 *	fuzz SEED [CALLS] [THREADS]
 *
 * Arguments are drawn from: small numbers and descriptors, -1, random
 * words, a pointer to nothing (page 0x1000), pointers to buffers of random
 * bytes, and paths that lead out of a replica's own objects: "..", the
 * /proc magic links (cwd, root, fd/N, exe), other processes' /proc, and
 * the canary the harness put beside the scratch directory. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../attack/attack.h" /* attacker(): replica 0 */

#define MAX_THREADS 16
#define BUF_SIZE 4096

static uint64_t seed;
static int calls = 200, nthreads = 6;
static char bufs[4][BUF_SIZE];
static volatile int flipping = 1;

static const char *const paths[] = {
	"/proc/self/cwd/../canary", "/proc/self/root/tmp", "/proc/self/fd/1", "/proc/self/fd/0",
	"/proc/self/exe", "/proc/self/../1/root/etc/passwd", "/proc/thread-self/../../self/cwd",
	"/proc/self/mem", "/proc/self/status", "/proc/sys/../self/cwd/../canary", "../canary",
	"/proc/1/mem", "/proc/self/task/../../1/fd/1", "scratch-file", "/dev/null", "/",
	"/proc/self/root/proc/self/cwd/../canary", "", ".", "..",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

/* Calls that would end or remake the attacker itself rather than test the
 * monitor: exit, exec, fork/clone, the signal return, memory it runs on,
 * and sleeps the monitor never sees. */
/* FUZZ_SKIP: numbers the harness saw refused (a refusal ends the run). */
static char skip_list[8192];

static int skipped(long nr)
{
	char key[16];

	snprintf(key, sizeof(key), ",%ld,", nr);
	if (strstr(skip_list, key))
		return 1;
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_execve: case SYS_execveat:
	case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork:
	case SYS_rt_sigreturn: case SYS_munmap: case SYS_mprotect: case SYS_mremap:
	case SYS_brk: case SYS_madvise: case SYS_pause: case SYS_nanosleep:
	case SYS_clock_nanosleep: case SYS_futex: case SYS_rt_sigsuspend:
	case SYS_rt_sigprocmask: case SYS_rt_sigaction: case SYS_sigaltstack:
	case SYS_arch_prctl: case SYS_set_tid_address: case SYS_set_robust_list:
	case SYS_seccomp: case SYS_ptrace: case SYS_prctl: case SYS_mmap:
	case SYS_shmdt: case SYS_io_destroy: case SYS_rseq: case SYS_kill:
	case SYS_tkill: case SYS_tgkill: case SYS_setrlimit: case SYS_prlimit64:
		return 1;
	default:
		return 0;
	}
}

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

static long pick_arg(uint64_t *x)
{
	uint64_t r = next(x);

	switch (r % 10) {
	case 0: return (long)(r >> 8) % 16;		/* a small number, a descriptor */
	case 1: return -1;
	case 2: return (long)next(x);			/* anything */
	case 3: return 0x1000;				/* unmapped */
	case 4: case 5: return (long)bufs[(r >> 8) % 4];	/* a buffer being rewritten */
	case 6: case 7: return (long)paths[(r >> 8) % NPATHS];
	case 8: return (long)(r >> 8) % 4096;		/* a length, flags */
	default: return 0;
	}
}

/* Rewrites the buffers the calls pass: paths that flip between one of the
 * replica's own and one that leads out, and random bytes. */
static void *flipper(void *unused)
{
	uint64_t x = seed ^ 0x5151;
	int i = 0;

	(void)unused;
	while (flipping) {
		const char *p = paths[next(&x) % NPATHS];

		strcpy(bufs[i % 2], i & 1 ? "/proc/self/status" : p);
		memset(bufs[2], (int)next(&x), BUF_SIZE);
		bufs[3][next(&x) % BUF_SIZE] = (char)next(&x);
		i++;
	}
	return NULL;
}

static void *hostile(void *arg)
{
	uint64_t x = seed + (uint64_t)(long)arg * 0x9e3779b97f4a7c15ull;
	int i;

	x |= 1;
	for (i = 0; i < calls; i++) {
		long nr = (long)(next(&x) % 335), a[6];
		int k;

		if (skipped(nr))
			continue;
		for (k = 0; k < 6; k++)
			a[k] = pick_arg(&x);
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	return NULL;
}

static void *harmless(void *arg)
{
	struct timespec ts = { 0, 300000000 };

	(void)arg;
	nanosleep(&ts, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS + 1];
	int a, i;

	if (argc < 2)
		return 2;
	seed = strtoull(argv[1], NULL, 0) | 1;
	if (argc > 2)
		calls = atoi(argv[2]);
	if (argc > 3)
		nthreads = atoi(argv[3]) > MAX_THREADS ? MAX_THREADS : atoi(argv[3]);
	snprintf(skip_list, sizeof(skip_list), ",%s,", getenv("FUZZ_SKIP") ? getenv("FUZZ_SKIP") : "");
	strcpy(bufs[0], "/proc/self/status");
	strcpy(bufs[1], "/proc/self/cwd/../canary");
	a = attacker();
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, a ? hostile : harmless, (void *)(long)i);
	if (a)
		pthread_create(&th[nthreads], NULL, flipper, NULL);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	flipping = 0;
	return 0;
}
