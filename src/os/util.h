/* Small helpers shared by the monitor: fatal errors, allocation, time. */
#ifndef REPLICANT_UTIL_H
#define REPLICANT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Exit codes of replicant itself (the program's own status otherwise). */
#define EXIT_REPLICANT_ERROR 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "replicant: " and the message on stderr, in one write. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, with --debug only. */
void debugmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xmemdup(const void *p, size_t n);
/* n zeroed bytes at an address that is a multiple of align (a power of
 * two, at least sizeof(void *)); freed with free(). */
void *xcalloc_aligned(size_t align, size_t n);

uint64_t now_ns(void);
/* CLOCK_MONOTONIC at its last tick: never ahead of now_ns(). */
uint64_t coarse_ns(void);
/* The next number of an xorshift64 sequence (*state never 0): the
 * per-replica delays of --perturb. */
uint64_t rng_next(uint64_t *state);

extern int util_debug; /* set by --debug: debugx prints */
/* Called by die() before exiting so that no replica outlives replicant. */
extern void (*util_cleanup_hook)(void);

#endif
