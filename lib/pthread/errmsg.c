/* Error messages on stderr: perror and BSD's warn/err family print with
 * stderr's lock held inside glibc, like fprintf (stdio.c), so they run in
 * stderr's region too. err and errx are vwarn/vwarnx then exit, as
 * glibc's are, with the region left before the exit. */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "rpt.h"
#include "stdio_region.h"

#define ERRMSG_CALLS(X) X(perror) X(vwarn) X(vwarnx)

ERRMSG_CALLS(DECLARE)

void rpt_errmsg_resolve(void)
{
	ERRMSG_CALLS(RESOLVE)
}

PT_API void perror(const char *s)
{
	IN_REGION_VOID(stderr, REAL(perror)(s));
}

PT_API void vwarn(const char *fmt, va_list ap)
{
	IN_REGION_VOID(stderr, REAL(vwarn)(fmt, ap));
}

PT_API void vwarnx(const char *fmt, va_list ap)
{
	IN_REGION_VOID(stderr, REAL(vwarnx)(fmt, ap));
}

PT_API void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

PT_API void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

PT_API void verr(int status, const char *fmt, va_list ap)
{
	vwarn(fmt, ap);
	exit(status);
}

PT_API void verrx(int status, const char *fmt, va_list ap)
{
	vwarnx(fmt, ap);
	exit(status);
}

PT_API void err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(status, fmt, ap);
}

PT_API void errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrx(status, fmt, ap);
}
