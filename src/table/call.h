/* A call record: one replica's syscall as the monitor saw it, with every
 * in-buffer copied out of the replica, so that comparison and execution use
 * the same bytes (no time-of-check/time-of-use gap). */
#ifndef REPLICANT_CALL_H
#define REPLICANT_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "table/sysent.h"

#define CALL_MAX_IN	(16u << 20)	/* bytes of one in- or out-buffer at most */

struct call {
	long nr;
	uint64_t args[6];
	const struct sysent *se;	/* its row; NULL for a number without one */
	void *buf[6];		/* captured bytes of in-args; the iovec array for A_IOV_OUT */
	size_t len[6];		/* length of buf[i] */
	size_t cap[6];		/* capacity of out-args (A_OUT, A_INOUT, A_IOV_OUT) */
	uint64_t ip;		/* instruction pointer, for reports */
	const char *why;	/* set by a handler's classify that refuses it */
	int each_err;		/* M_EACH, answered with this -errno: the call
				 * may not run in the replica (list/arrive.c) */
};

/* Fills c from a notification's data, reading buffers from pid's memory.
 * 0 or -errno (a bad pointer is -EFAULT). */
int call_capture(struct call *c, pid_t pid, long nr, const uint64_t args[6], uint64_t ip);
/* Captures c again with a more precise description of its arguments (an
 * ioctl or fcntl command whose third argument is a known struct). */
int call_recapture(struct call *c, pid_t pid, const struct sysent *se);
void call_free(struct call *c);
/* True when capturing c read replica memory. */
bool call_read_memory(const struct call *c);
bool call_equal(const struct call *a, const struct call *b);

/* Where two calls first differ: the argument index (-1: the syscall number)
 * and, for buffers, the byte offset (-1 when not a buffer). */
struct call_diff {
	int arg;
	long offset;
};
struct call_diff call_first_diff(const struct call *a, const struct call *b);

/* Renders "write(1, \"hello\\n\", 6)" into buf. */
void call_format(const struct call *c, char *buf, size_t size);

#endif
