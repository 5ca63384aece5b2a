/* Wide-character stdio: the same FILE lock as the narrow calls (stdio.c),
 * so the same region around each call. */
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#include "rpt.h"
#include "stdio_region.h"

/* The fortified and C99 entry points glibc's headers turn calls into. */
int __vfwprintf_chk(FILE *f, int flag, const wchar_t *fmt, va_list ap);
int __fwprintf_chk(FILE *f, int flag, const wchar_t *fmt, ...);
int __wprintf_chk(int flag, const wchar_t *fmt, ...);
int __vwprintf_chk(int flag, const wchar_t *fmt, va_list ap);
wchar_t *__fgetws_chk(wchar_t *s, size_t size, int n, FILE *f);
int __isoc99_vfwscanf(FILE *f, const wchar_t *fmt, va_list ap);
int __isoc99_fwscanf(FILE *f, const wchar_t *fmt, ...);
int __isoc99_wscanf(const wchar_t *fmt, ...);
int __isoc99_vwscanf(const wchar_t *fmt, va_list ap);

#define WSTDIO_CALLS(X) \
	X(vfwprintf) X(__vfwprintf_chk) X(fputws) X(fputwc) X(putwc) X(putwchar) \
	X(fgetws) X(__fgetws_chk) X(fgetwc) X(getwc) X(getwchar) X(ungetwc) \
	X(__isoc99_vfwscanf)

WSTDIO_CALLS(DECLARE)

void rpt_wstdio_resolve(void)
{
	WSTDIO_CALLS(RESOLVE)
}

/* ---- output ---- */

PT_API int vfwprintf(FILE *f, const wchar_t *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(vfwprintf)(f, fmt, ap));
}

PT_API int vwprintf(const wchar_t *fmt, va_list ap)
{
	return vfwprintf(stdout, fmt, ap);
}

PT_API int fwprintf(FILE *f, const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, vfwprintf(f, fmt, ap));
}

PT_API int wprintf(const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, vfwprintf(stdout, fmt, ap));
}

PT_API int __vfwprintf_chk(FILE *f, int flag, const wchar_t *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(__vfwprintf_chk)(f, flag, fmt, ap));
}

PT_API int __vwprintf_chk(int flag, const wchar_t *fmt, va_list ap)
{
	return __vfwprintf_chk(stdout, flag, fmt, ap);
}

PT_API int __fwprintf_chk(FILE *f, int flag, const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, __vfwprintf_chk(f, flag, fmt, ap));
}

PT_API int __wprintf_chk(int flag, const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, __vfwprintf_chk(stdout, flag, fmt, ap));
}

PT_API int fputws(const wchar_t *s, FILE *f)
{
	return IN_REGION(int, f, REAL(fputws)(s, f));
}

PT_API wint_t fputwc(wchar_t c, FILE *f)
{
	return IN_REGION(wint_t, f, REAL(fputwc)(c, f));
}

PT_API wint_t putwc(wchar_t c, FILE *f)
{
	return IN_REGION(wint_t, f, REAL(putwc)(c, f));
}

PT_API wint_t putwchar(wchar_t c)
{
	return IN_REGION(wint_t, stdout, REAL(putwchar)(c));
}

/* ---- input ---- */

PT_API wchar_t *fgetws(wchar_t *s, int size, FILE *f)
{
	return IN_REGION(wchar_t *, f, REAL(fgetws)(s, size, f));
}

PT_API wchar_t *__fgetws_chk(wchar_t *s, size_t size, int n, FILE *f)
{
	return IN_REGION(wchar_t *, f, REAL(__fgetws_chk)(s, size, n, f));
}

PT_API wint_t fgetwc(FILE *f)
{
	return IN_REGION(wint_t, f, REAL(fgetwc)(f));
}

PT_API wint_t getwc(FILE *f)
{
	return IN_REGION(wint_t, f, REAL(getwc)(f));
}

PT_API wint_t getwchar(void)
{
	return IN_REGION(wint_t, stdin, REAL(getwchar)());
}

PT_API wint_t ungetwc(wint_t c, FILE *f)
{
	return IN_REGION(wint_t, f, REAL(ungetwc)(c, f));
}

PT_API int __isoc99_vfwscanf(FILE *f, const wchar_t *fmt, va_list ap)
{
	return IN_REGION(int, f, REAL(__isoc99_vfwscanf)(f, fmt, ap));
}

PT_API int __isoc99_vwscanf(const wchar_t *fmt, va_list ap)
{
	return __isoc99_vfwscanf(stdin, fmt, ap);
}

PT_API int __isoc99_fwscanf(FILE *f, const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, __isoc99_vfwscanf(f, fmt, ap));
}

PT_API int __isoc99_wscanf(const wchar_t *fmt, ...)
{
	return WITH_ARGS(int, fmt, __isoc99_vfwscanf(stdin, fmt, ap));
}
