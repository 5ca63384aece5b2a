#include "os/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int util_debug;
void (*util_cleanup_hook)(void);

static void vmsg(const char *fmt, va_list ap, int err)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "replicant: ");

	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (err)
		n += snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write so that lines from replicant do not interleave. */
	fwrite(buf, 1, n, stderr);
	fflush(stderr);
}

noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	if (util_cleanup_hook)
		util_cleanup_hook();
	exit(EXIT_REPLICANT_ERROR);
}

noreturn void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, err);
	va_end(ap);
	if (util_cleanup_hook)
		util_cleanup_hook();
	exit(EXIT_REPLICANT_ERROR);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void debugmsg(const char *fmt, ...)
{
	va_list ap;

	if (!util_debug)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory reallocating %zu bytes", n);
	return p;
}

void *xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n);

	memcpy(q, p, n);
	return q;
}

void *xcalloc_aligned(size_t align, size_t n)
{
	void *p;
	int err = posix_memalign(&p, align, n ? n : 1);

	if (err)
		die("out of memory allocating %zu bytes aligned to %zu", n, align);
	memset(p, 0, n);
	return p;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	/* not the vDSO: the monitor runs with rdtsc disabled (loop_run) */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* The clock's last tick (a few milliseconds behind at most), read in the
 * vDSO with no call and no rdtsc: for times of that scale (a stall, a
 * write held back), taken at every place in a list. */
uint64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	*state = x;
	return x;
}
