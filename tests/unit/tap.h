/* tests/unit/tap.h: the TAP helper every unit test (tests/unit/NAME.c) uses.
 * Header only: static inline functions, so each test is still one .c file
 * and the Makefile rules for build/unit/NAME link nothing more.
 *
 *   plan(n)                      prints "1..n"
 *   ok(cond, fmt, ...)           "ok N - NAME" or "not ok N - NAME"; returns !!cond
 *   is_long(got, want, fmt, ...) ok(got == want, ...); on failure both values
 *                                follow as '#' lines
 *   skip(reason, fmt, ...)       "ok N - NAME # SKIP reason"
 *   diag(fmt, ...)               "# TEXT"
 *   tap_prefix(p)                every later NAME starts with "p: " (NULL: none)
 *   tap_resume(base, count)      in a child process that prints tests
 *                                base+1..base+count of its parent's plan: goes
 *                                on from base, expects count more tests
 *   tap_exit()                   the exit status: 0 when no test failed and as
 *                                many ran as planned, else 1 (with a '#' line
 *                                saying why)
 *
 * NAME is a printf format (checked by the compiler). Every line is flushed
 * at once, so lines of forked children and exec'd copies stay in order.
 * Not thread-safe: tests make their checks from one thread at a time (and
 * test_pthread runs under a library that turns pthread locks into regions,
 * so this file takes no lock). */
#ifndef REPLICANT_TESTS_TAP_H
#define REPLICANT_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

struct tap_state {
	int n;			/* tests printed so far (the last number used) */
	int base;		/* tap_resume's base: numbers before it are the parent's */
	int planned;		/* tests this process must print; -1 before a plan */
	int failed;
	const char *prefix;
};

/* the state of this program (a function-local static: a test that does not
 * use every helper gets no "defined but not used") */
static inline struct tap_state *tap_state(void)
{
	static struct tap_state st = { .planned = -1 };

	return &st;
}

static inline void plan(int n)
{
	struct tap_state *st = tap_state();

	st->planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void tap_resume(int base, int count)
{
	struct tap_state *st = tap_state();

	st->n = st->base = base;
	st->planned = count;
}

static inline void tap_prefix(const char *prefix)
{
	tap_state()->prefix = prefix;
}

static inline void tap_vdiag(const char *fmt, va_list ap)
{
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

/* one test line, without its newline: "ok N - PREFIX: NAME" */
static inline void tap_vline(int pass, const char *fmt, va_list ap)
{
	struct tap_state *st = tap_state();

	printf("%sok %d - ", pass ? "" : "not ", ++st->n);
	if (st->prefix)
		printf("%s: ", st->prefix);
	vprintf(fmt, ap);
	if (!pass)
		st->failed++;
}

static inline int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond, fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond != 0;
}

static inline int is_long(long got, long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int is_long(long got, long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(got == want, fmt, ap);
	va_end(ap);
	putchar('\n');
	if (got != want)
		printf("#      got: %ld\n# expected: %ld\n", got, want);
	fflush(stdout);
	return got == want;
}

static inline void skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(1, fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

static inline int tap_exit(void)
{
	struct tap_state *st = tap_state();
	int ran = st->n - st->base;

	if (st->planned < 0) {
		printf("# no plan: %d tests ran\n", ran);
		fflush(stdout);
		return 1;
	}
	if (ran != st->planned) {
		printf("# planned %d tests but ran %d\n", st->planned, ran);
		fflush(stdout);
		return 1;
	}
	if (st->failed) {
		printf("# failed %d of %d tests\n", st->failed, ran);
		fflush(stdout);
		return 1;
	}
	return 0;
}

#endif
