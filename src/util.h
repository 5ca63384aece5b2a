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
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debugx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xmemdup(const void *p, size_t n);
char *xstrdup(const char *s);

uint64_t now_ns(void);

extern int util_debug; /* set by --debug: debugx prints */
/* Called by die() before exiting so that no replica outlives replicant. */
extern void (*util_cleanup_hook)(void);

#endif
