/* say(): printf straight to write(), one write a line. Threads that print
 * at the same time through stdio take stdio's own lock, which no region
 * orders: replicas that take it in different orders each wait in a write
 * that their peers make only after the other thread's. */
#ifndef SAY_H
#define SAY_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(1, line, len) != len)
		abort();
}

#endif
