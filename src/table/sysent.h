/* The syscall table: one row per x86_64 syscall number, and rows for the
 * events that take a place in a syscall list like a call (a trapped rdtsc,
 * a death by signal) and for libreplicant's calls (lib/protocol.h). A row
 * drives the seccomp filter (table/filter.c), argument capture and
 * comparison (table/call.c), the classification (list/arrive.c), and names
 * the handler of an irregular call (calls/): nothing else describes a
 * call. tests/unit/test_sysent.c checks it against itself and libseccomp. */
#ifndef REPLICANT_SYSENT_H
#define REPLICANT_SYSENT_H

#include <stdbool.h>
#include <stdint.h>

#define SYSENT_MAX 512 /* kernel numbers below this; numbers above without a row are refused */

/* Events that are not syscalls but take a place in a peer group's list. */
#define RSYS_RDTSC	(SYSENT_MAX + 1)	/* rdtsc trapped by PR_TSC_SIGSEGV */
#define RSYS_RDTSCP	(SYSENT_MAX + 2)
#define RSYS_SIGNALED	(SYSENT_MAX + 3)	/* the process was killed by signal args[0] */
#define RSYS_EXECED	(SYSENT_MAX + 4)	/* exe, cwd (dev, ino), argv, environ */
/* libreplicant's calls (REPLICANT_SYS_HELLO...) have the rows after them. */
#define SYSENT_LIB_ROW	(SYSENT_MAX + 5)
#define SYSENT_ROWS	(SYSENT_MAX + 9)

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
#define SF_TRACED	0x02	/* SC_CONTROL: runs in the replica, stopped by ptrace
				 * at entry and exit (SECCOMP_RET_TRACE) to translate
				 * process ids (calls/wait.c, calls/ids.c) */
#define SF_SHARED_MAP	0x04	/* SC_LOCAL but for shared mappings of a descriptor:
				 * the filter sends only those to the monitor (mmap) */
#define SF_UNTIMED	0x08	/* SC_LOCAL only without a timeout (arg 2 NULL): the
				 * filter sends a timed one to the monitor */
#define SF_SOME_LOCAL	(SF_SHARED_MAP | SF_UNTIMED) /* rows local in some forms */
#define SF_NO_CREDS	0x10	/* on sockets and pipes (or on no descriptor at
				 * all), the kernel checks none of the caller's
				 * credentials: the monitor runs it as itself,
				 * not with the process's (list/execute.c) */

struct handler;

struct sysent {
	const char *name;	/* "read"; NULL for holes (reported as syscall_NNN) */
	uint8_t nargs;
	uint8_t cls;		/* enum sc_class */
	uint8_t flags;		/* SF_* */
	int32_t errno_val;	/* for SC_ERRNO */
	const struct handler *h; /* an irregular call's handler (calls/), or NULL */
	struct sc_arg args[6];
};

extern const struct sysent sysent_table[SYSENT_ROWS];

/* The row of number nr (a syscall, an RSYS_ event or a libreplicant call),
 * or NULL when there is none: a refused number. */
const struct sysent *sysent_get(long nr);
/* An RSYS_ event number: made by the tracer, never a replica's syscall. */
bool sysent_is_event(long nr);
/* Name for reports; a static buffer for unnamed numbers. */
const char *sysent_name(long nr);

#endif
