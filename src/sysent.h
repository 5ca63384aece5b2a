/* The syscall table: one entry per x86_64 syscall number, which drives the
 * seccomp filter, argument capture, comparison and the generic handlers. */
#ifndef REPLICANT_SYSENT_H
#define REPLICANT_SYSENT_H

#include <stdbool.h>
#include <stdint.h>

#define SYSENT_MAX 512 /* table size; numbers at or above are refused */

/* What the monitor does with a syscall. */
enum sc_class {
	SC_REFUSED = 0,	/* not supported: the run stops with a report, exit 125 */
	SC_LOCAL,	/* replica-private: allowed in BPF, never reaches the monitor */
	SC_INPUT,	/* executed once (first replica to arrive), result replicated */
	SC_OUTPUT,	/* voted: executed once when a majority issued the same call */
	SC_CONTROL,	/* forms or ends peer groups (exit, execve, clone, ...) */
	SC_ERRNO,	/* answered with -errno_val by BPF, never reaches the monitor */
};

/* How one argument is captured and compared. */
enum sc_arg_kind {
	A_NONE = 0,	/* unused argument slot */
	A_INT,		/* scalar compared by value */
	A_FD,		/* file descriptor, compared by value, translated on execution */
	A_DIRFD,	/* like A_FD, AT_FDCWD allowed */
	A_PATH,		/* NUL-terminated path read from the replica and compared */
	A_STR,		/* NUL-terminated string that is not a path */
	A_IN,		/* in-buffer: bytes read from the replica and compared */
	A_OUT,		/* out-buffer: filled by the execution, copied into each replica */
	A_INOUT,	/* both: read and compared, then overwritten by the result */
	A_PTR,		/* an address that is neither read nor compared (hints, futex words) */
	A_IOV_IN,	/* struct iovec array, count in len_arg; gathered and compared */
	A_IOV_OUT,	/* struct iovec array, count in len_arg; scattered from the result */
	A_OWN,		/* a value each replica chooses for itself: never compared */
};

/* Flags on an argument. */
#define AF_LEN_RET	0x01	/* A_OUT/A_IOV_OUT: bytes written = return value (if >= 0) */
#define AF_LEN_PTR	0x02	/* length is an int/socklen_t read through pointer arg len_arg */
#define AF_NULLOK	0x04	/* pointer may be NULL: then nothing is read or written */
#define AF_SOCKADDR	0x08	/* A_IN socket address: bytes the kernel ignores (after a
				 * unix path's NUL, sin_zero) are cleared before comparing */

struct sc_arg {
	uint8_t kind;		/* enum sc_arg_kind */
	uint8_t flags;		/* AF_* */
	int8_t len_arg;		/* index of the argument holding the length, or -1 */
	uint32_t size;		/* fixed size in bytes when len_arg is -1; element size for
				 * A_IN/A_OUT whose count is in len_arg (0 means 1) */
};

/* Flags on a syscall. */
#define SF_FD0		0x01	/* arg 0 is an fd: on a replica-private fd the replica
				 * executes the call itself (after comparison) */
#define SF_HANDLER	0x02	/* irregular: has a hand-written handler in handlers.c */

struct sysent {
	const char *name;	/* "read"; NULL for holes (reported as syscall_NNN) */
	uint8_t nargs;
	uint8_t cls;		/* enum sc_class */
	uint8_t flags;		/* SF_* */
	int32_t errno_val;	/* for SC_ERRNO */
	struct sc_arg args[6];
};

extern const struct sysent sysent_table[SYSENT_MAX];

const struct sysent *sysent_get(long nr);
/* Name for reports; a static buffer for unnamed numbers. */
const char *sysent_name(long nr);

#endif
