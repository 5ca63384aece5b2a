/* stdio's FILE lock. glibc takes a lock inside every FILE call, a lock no
 * pthread call shows us: threads of a replica that print to one stream
 * take it in an order of their own. The lines then come out in a
 * different order in each replica, and since a thread writes while it
 * holds the lock, replicas whose threads took it in different orders can
 * each wait in a write for peers that wait for the lock (the monitor's
 * early answers, src/list/provisional.c, break only some of those cycles).
 *
 * So every FILE is a domain, labelled by its address like the pthread
 * objects, and the stdio calls that lock a FILE run inside its region:
 * the threads of every replica take each stream in one order. Streams
 * made by fopen and its kind get their domain at once (rpt_dom_create,
 * replacing one a closed FILE left at that address); stdin, stdout and
 * stderr at each thread's first use. Wide-character calls are wstdio.c's,
 * perror and the warn/err family errmsg.c's. glibc's calls into its own
 * stdio that no exported function shows (psignal, getpwnam's file,
 * error()) do not go through here: they take the lock alone, as before. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

#include "rpt.h"
#include "stdio_region.h"

/* The fortified and C99 entry points glibc's headers turn calls into. */
int __printf_chk(int flag, const char *fmt, ...);
int __vprintf_chk(int flag, const char *fmt, va_list ap);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
char *__fgets_chk(char *s, size_t size, int n, FILE *f);
size_t __fread_chk(void *p, size_t size, size_t sz, size_t n, FILE *f);
int __isoc99_scanf(const char *fmt, ...);
int __isoc99_fscanf(FILE *f, const char *fmt, ...);
int __isoc99_vfscanf(FILE *f, const char *fmt, va_list ap);
int __isoc99_vscanf(const char *fmt, va_list ap);

/* glibc's functions under ours (stdio_region.h). */
#define STDIO_CALLS(X) \
	X(vfprintf) X(__vfprintf_chk) X(fputs) X(puts) X(fputc) X(putc) X(putchar) \
	X(fwrite) X(fflush) X(fgets) X(__fgets_chk) X(fgetc) X(getc) X(getchar) \
	X(ungetc) X(fread) X(__fread_chk) X(getdelim) X(__isoc99_vfscanf) \
	X(flockfile) X(funlockfile) X(ftrylockfile) X(fopen) X(fopen64) X(fdopen) \
	X(tmpfile) X(popen) X(fmemopen) X(open_memstream) X(fclose) X(pclose)

STDIO_CALLS(DECLARE)

void rpt_stdio_resolve(void)
{
	STDIO_CALLS(RESOLVE)
	rpt_wstdio_resolve();
	rpt_errmsg_resolve();
}

/* A call made while the thread is in one of ours (libreplicant reporting
 * a misuse on stderr, say) goes straight to glibc. */
static __thread int depth TLS_IE;

bool rpt_stdio_enter(FILE *f)
{
	if (depth++ || !f || !rpt_on() || rpt_solo())
		return false;
	return rpt_enter(f) == 0;
}

void rpt_stdio_leave(FILE *f, bool inside)
{
	int saved = errno;

	if (inside)
		rpt_leave(f);
	depth--;
	errno = saved;
}

/* ---- output ---- */

PT_API int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(vfprintf)(f, fmt, ap));
}

PT_API int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

PT_API int fprintf(FILE *f, const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, vfprintf(f, fmt, ap));
}

PT_API int printf(const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, vfprintf(stdout, fmt, ap));
}

PT_API int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(__vfprintf_chk)(f, flag, fmt, ap));
}

PT_API int __vprintf_chk(int flag, const char *fmt, va_list ap)
{
	return __vfprintf_chk(stdout, flag, fmt, ap);
}

PT_API int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, __vfprintf_chk(f, flag, fmt, ap));
}

PT_API int __printf_chk(int flag, const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, __vfprintf_chk(stdout, flag, fmt, ap));
}

PT_API int fputs(const char *s, FILE *f)
{
	return IN_REGION(int, f, REAL(fputs)(s, f));
}

PT_API int puts(const char *s)
{
	return IN_REGION(int, stdout, REAL(puts)(s));
}

PT_API int fputc(int c, FILE *f)
{
	return IN_REGION(int, f, REAL(fputc)(c, f));
}

PT_API int putc(int c, FILE *f)
{
	return IN_REGION(int, f, REAL(putc)(c, f));
}

PT_API int putchar(int c)
{
	return IN_REGION(int, stdout, REAL(putchar)(c));
}

PT_API size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	return IN_REGION(size_t, f, REAL(fwrite)(p, size, n, f));
}

/* fflush(NULL) flushes every stream, each under its own lock: not one
 * region. */
PT_API int fflush(FILE *f)
{
	return IN_REGION(int, f, REAL(fflush)(f));
}

/* ---- input: which thread reads which line ---- */

PT_API char *fgets(char *s, int size, FILE *f)
{
	return IN_REGION(char *, f, REAL(fgets)(s, size, f));
}

PT_API char *__fgets_chk(char *s, size_t size, int n, FILE *f)
{
	return IN_REGION(char *, f, REAL(__fgets_chk)(s, size, n, f));
}

PT_API int fgetc(FILE *f)
{
	return IN_REGION(int, f, REAL(fgetc)(f));
}

PT_API int getc(FILE *f)
{
	return IN_REGION(int, f, REAL(getc)(f));
}

PT_API int getchar(void)
{
	return IN_REGION(int, stdin, REAL(getchar)());
}

PT_API int ungetc(int c, FILE *f)
{
	return IN_REGION(int, f, REAL(ungetc)(c, f));
}

PT_API size_t fread(void *p, size_t size, size_t n, FILE *f)
{
	return IN_REGION(size_t, f, REAL(fread)(p, size, n, f));
}

PT_API size_t __fread_chk(void *p, size_t size, size_t sz, size_t n, FILE *f)
{
	return IN_REGION(size_t, f, REAL(__fread_chk)(p, size, sz, n, f));
}

PT_API ssize_t getdelim(char **line, size_t *n, int delim, FILE *f)
{
	return IN_REGION(ssize_t, f, REAL(getdelim)(line, n, delim, f));
}

PT_API ssize_t getline(char **line, size_t *n, FILE *f)
{
	return getdelim(line, n, '\n', f);
}

PT_API int __isoc99_vfscanf(FILE *f, const char *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(__isoc99_vfscanf)(f, fmt, ap));
}

PT_API int __isoc99_fscanf(FILE *f, const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, __isoc99_vfscanf(f, fmt, ap));
}

PT_API int __isoc99_scanf(const char *fmt, ...)
{
	return WITH_ARGS(int, fmt, __isoc99_vfscanf(stdin, fmt, ap));
}

PT_API int __isoc99_vscanf(const char *fmt, va_list ap)
{
	return __isoc99_vfscanf(stdin, fmt, ap);
}

/* ---- the program's own hold of a stream ---- */

/* The region is left by funlockfile; one that could not be made is not
 * there to leave (rpt_leave() takes that). */
PT_API void flockfile(FILE *f)
{
	if (rpt_on())
		rpt_enter(f);
	REAL(flockfile)(f);
}

PT_API void funlockfile(FILE *f)
{
	REAL(funlockfile)(f);
	if (rpt_on())
		rpt_leave(f);
}

/* Refused in every replica alike, like a mutex trylock: the order log
 * records the outcome. Inside the region, glibc's lock is free unless a
 * call of glibc's own holds it. */
PT_API int ftrylockfile(FILE *f)
{
	int err;

	if (!rpt_on())
		return REAL(ftrylockfile)(f);
	err = rpt_try_enter(f, NULL);
	if (err == EBUSY)
		return -1;
	if (err)
		return REAL(ftrylockfile)(f); /* no domain: unordered */
	if (REAL(ftrylockfile)(f)) {
		rpt_leave(f);
		return -1;
	}
	return 0;
}

/* ---- streams made and closed ---- */

static FILE *made(FILE *f)
{
	int saved = errno;

	if (f && rpt_on() && !rpt_solo())
		rpt_dom_create(f, false);
	errno = saved;
	return f;
}

PT_API FILE *fopen(const char *path, const char *mode)
{
	return made(REAL(fopen)(path, mode));
}

PT_API FILE *fopen64(const char *path, const char *mode)
{
	return made(REAL(fopen64)(path, mode));
}

PT_API FILE *fdopen(int fd, const char *mode)
{
	return made(REAL(fdopen)(fd, mode));
}

PT_API FILE *tmpfile(void)
{
	return made(REAL(tmpfile)());
}

PT_API FILE *popen(const char *cmd, const char *mode)
{
	return made(REAL(popen)(cmd, mode));
}

PT_API FILE *fmemopen(void *buf, size_t size, const char *mode)
{
	return made(REAL(fmemopen)(buf, size, mode));
}

PT_API FILE *open_memstream(char **buf, size_t *size)
{
	return made(REAL(open_memstream)(buf, size));
}

static int closed(FILE *f, int r)
{
	int saved = errno;

	if (rpt_on() && !rpt_solo())
		rpt_dom_destroy(f);
	errno = saved;
	return r;
}

PT_API int fclose(FILE *f)
{
	return closed(f, IN_REGION(int, f, REAL(fclose)(f)));
}

PT_API int pclose(FILE *f)
{
	return closed(f, IN_REGION(int, f, REAL(pclose)(f)));
}
