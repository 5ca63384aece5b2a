/* What the stdio wrappers share (stdio.c, wstdio.c, errmsg.c): a call on a
 * FILE runs inside the FILE's region, and glibc's function under ours is
 * found when the library loads. */
#ifndef RPT_STDIO_REGION_H
#define RPT_STDIO_REGION_H

#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Enters f's region; false: not inside (pass-through, no domain, no
 * stream, or nested in another of our stdio calls, which glibc may make
 * itself). Every call counts, and rpt_stdio_leave() uncounts it. */
bool rpt_stdio_enter(FILE *f);

/* Leaves it, when inside; errno is kept. */
void rpt_stdio_leave(FILE *f, bool inside);

/* A file's glibc functions, looked up at load (rpt_stdio_resolve): a
 * lookup on the first call would reset dlerror() under a program that is
 * about to print it (bash's "enable -f" printed freed memory). */
#define DECLARE(fn) static __typeof__(fn) *real_##fn;
#define RESOLVE(fn) real_##fn = (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn);

/* glibc's fn; a call before the library's constructor resolves it. */
#define REAL(fn) (*(unlikely(!real_##fn) ? (rpt_resolve(), real_##fn) : real_##fn))

/* Runs expr (of type T) inside f's region. */
#define IN_REGION(T, f, expr) ({ \
	FILE *f_ = (f); \
	bool in_ = rpt_stdio_enter(f_); \
	T r_ = (expr); \
	rpt_stdio_leave(f_, in_); \
	r_; })

/* Runs void expr inside f's region. */
#define IN_REGION_VOID(f, expr) do { \
	FILE *f_ = (f); \
	bool in_ = rpt_stdio_enter(f_); \
	expr; \
	rpt_stdio_leave(f_, in_); \
} while (0)

/* Calls expr (of type T) with ap: the arguments after last. */
#define WITH_ARGS(T, last, expr) ({ \
	va_list ap; \
	va_start(ap, last); \
	T r_ = (expr); \
	va_end(ap); \
	r_; })

/* wstdio.c and errmsg.c look theirs up (from rpt_stdio_resolve). */
void rpt_wstdio_resolve(void);
void rpt_errmsg_resolve(void);

#endif
