/* The x86_64 syscall table: name, argument count, class and argument
 * description for every syscall number below SYSENT_MAX.
 *
 * Argument counts follow the raw kernel entry points where they differ from
 * the glibc prototypes (preadv/pwritev carry pos_l and pos_h, so the flags of
 * preadv2/pwritev2 are arg 5; faccessat and fchmodat take no flags; waitid
 * takes a struct rusage pointer as arg 4; clone is flags, stack, parent_tid,
 * child_tid, tls).
 *
 * For A_OUT/A_INOUT arguments with an element size (size != 0) and the count
 * in len_arg, AF_LEN_RET means the return value counts elements (getgroups,
 * epoll_wait); without an element size it counts bytes. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <time.h>
#include <utime.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <asm/unistd_64.h>

#include "../lib/protocol.h"
#include "calls/calls.h"
#include "table/sysent.h"

#define LIB_ROW(nr)	(SYSENT_LIB_ROW + (nr) - REPLICANT_SYS_HELLO)
_Static_assert(LIB_ROW(REPLICANT_SYS_BLOCKED) < SYSENT_ROWS, "rows for libreplicant's calls");

/* Argument descriptions. */
#define INT		{ A_INT, 0, -1, 0 }
#define FD		{ A_FD, 0, -1, 0 }
#define DIRFD		{ A_DIRFD, 0, -1, 0 }
#define PATH		{ A_PATH, 0, -1, 0 }
#define PATH_NULL	{ A_PATH, AF_NULLOK, -1, 0 }
#define STR		{ A_STR, 0, -1, 0 }
#define PTR		{ A_PTR, 0, -1, 0 }
/* each replica's own, never compared; the call runs with the agreed one's */
#define OWN		{ A_OWN, 0, -1, 0 }
/* in-buffer, length in arg n */
#define IN(n)		{ A_IN, 0, n, 0 }
/* fixed-size in struct */
/* socket address in-buffer, length in arg n */
#define SOCKADDR_IN(n)	{ A_IN, AF_SOCKADDR, n, 0 }
#define SOCKADDR_IN_NULL(n) { A_IN, AF_SOCKADDR | AF_NULLOK, n, 0 }
#define INSZ(sz)	{ A_IN, 0, -1, sz }
#define INSZ_NULL(sz)	{ A_IN, AF_NULLOK, -1, sz }
/* out-buffer of arg-n length, return value = bytes written */
#define OUT_RET(n)	{ A_OUT, AF_LEN_RET, n, 0 }
/* fixed-size out struct */
#define OUTSZ(sz)	{ A_OUT, 0, -1, sz }
#define OUTSZ_NULL(sz)	{ A_OUT, AF_NULLOK, -1, sz }
/* fixed-size struct read and written back */
#define INOUTSZ_NULL(sz) { A_INOUT, AF_NULLOK, -1, sz }
/* iovec arrays, count in arg n */
#define IOV_IN(n)	{ A_IOV_IN, 0, n, 0 }
#define IOV_OUT(n)	{ A_IOV_OUT, AF_LEN_RET, n, 0 }
/* socket address out-param whose socklen_t * is arg n, and that socklen_t * */
#define SOCKADDR_OUT(n)	{ A_OUT, AF_LEN_PTR | AF_NULLOK, n, 0 }
#define SOCKLEN		{ A_INOUT, AF_NULLOK, -1, sizeof(socklen_t) }
/* fd_set for select/pselect6 */
#define FDSET		INOUTSZ_NULL(sizeof(fd_set))
/* struct pollfd array, count in arg n */
#define POLLFDS(n)	{ A_INOUT, 0, n, sizeof(struct pollfd) }
/* struct epoll_event array, count in arg n, return value = events */
#define EPEVENTS(n)	{ A_OUT, AF_LEN_RET, n, sizeof(struct epoll_event) }

#define TS		sizeof(struct timespec)
#define TV		sizeof(struct timeval)
#define ITV		sizeof(struct itimerval)

/* Entries. */
#define SYS(nm, n, c, f, ...) \
	{ .name = (nm), .nargs = (n), .cls = (c), .flags = (f), \
	  .args = { __VA_ARGS__ } }
#define SYS0(nm, c, f) \
	{ .name = (nm), .nargs = 0, .cls = (c), .flags = (f) }
#define HSYS(nm, n, c, f, hd, ...) \
	{ .name = (nm), .nargs = (n), .cls = (c), .flags = (f), .h = &(hd), \
	  .args = { __VA_ARGS__ } }
#define HSYS0(nm, c, f, hd) \
	{ .name = (nm), .nargs = 0, .cls = (c), .flags = (f), .h = &(hd) }
#define REFUSED(nm, n) \
	{ .name = (nm), .nargs = (n), .cls = SC_REFUSED }

#define LOCAL(nm, n, ...)	SYS(nm, n, SC_LOCAL, 0, __VA_ARGS__)
#define INPUT(nm, n, ...)	SYS(nm, n, SC_INPUT, 0, __VA_ARGS__)
#define INPUT_FD(nm, n, ...)	SYS(nm, n, SC_INPUT, SF_FD0, __VA_ARGS__)
#define OUTPUT(nm, n, ...)	SYS(nm, n, SC_OUTPUT, 0, __VA_ARGS__)
#define OUTPUT_FD(nm, n, ...)	SYS(nm, n, SC_OUTPUT, SF_FD0, __VA_ARGS__)
/* data in or out of a descriptor, with no credentials checked on a socket
 * or a pipe (SF_NO_CREDS; a file's write clears set-id bits by them) */
#define INPUT_IO(nm, n, ...)	SYS(nm, n, SC_INPUT, SF_FD0 | SF_NO_CREDS, __VA_ARGS__)
#define OUTPUT_IO(nm, n, ...)	SYS(nm, n, SC_OUTPUT, SF_FD0 | SF_NO_CREDS, __VA_ARGS__)

const struct sysent sysent_table[SYSENT_ROWS] = {
	[__NR_read]		= INPUT_IO("read", 3, FD, OUT_RET(2), INT),
	[__NR_write]		= OUTPUT_IO("write", 3, FD, IN(2), INT),
	[__NR_open]		= HSYS("open", 3, SC_OUTPUT, 0, h_open, PATH, INT, INT),
	[__NR_close]		= HSYS("close", 1, SC_OUTPUT, SF_FD0, h_close, FD),
	[__NR_stat]		= INPUT("stat", 2, PATH, OUTSZ(sizeof(struct stat))),
	[__NR_fstat]		= INPUT_FD("fstat", 2, FD, OUTSZ(sizeof(struct stat))),
	[__NR_lstat]		= INPUT("lstat", 2, PATH, OUTSZ(sizeof(struct stat))),
	[__NR_poll]		= HSYS("poll", 3, SC_INPUT, SF_NO_CREDS, h_poll, POLLFDS(1), INT, OWN),
	[__NR_lseek]		= INPUT_FD("lseek", 3, FD, INT, INT),
	[__NR_mmap]		= HSYS("mmap", 6, SC_LOCAL, SF_SHARED_MAP, h_mmap,
				      PTR, INT, INT, INT, FD, INT),
	[__NR_mprotect]		= LOCAL("mprotect", 3, PTR, INT, INT),
	[__NR_munmap]		= LOCAL("munmap", 2, PTR, INT),
	[__NR_brk]		= LOCAL("brk", 1, PTR),
	[__NR_rt_sigaction]	= LOCAL("rt_sigaction", 4, INT, PTR, PTR, INT),
	[__NR_rt_sigprocmask]	= LOCAL("rt_sigprocmask", 4, INT, PTR, PTR, INT),
	[__NR_rt_sigreturn]	= SYS0("rt_sigreturn", SC_LOCAL, 0),
	[__NR_ioctl]		= HSYS("ioctl", 3, SC_OUTPUT, SF_FD0, h_ioctl, FD, INT, PTR),
	[__NR_pread64]		= INPUT_FD("pread64", 4, FD, OUT_RET(2), INT, INT),
	[__NR_pwrite64]		= OUTPUT_FD("pwrite64", 4, FD, IN(2), INT, INT),
	[__NR_readv]		= INPUT_IO("readv", 3, FD, IOV_OUT(2), INT),
	[__NR_writev]		= OUTPUT_IO("writev", 3, FD, IOV_IN(2), INT),
	[__NR_access]		= HSYS("access", 2, SC_INPUT, 0, h_access, PATH, INT),
	[__NR_pipe]		= HSYS("pipe", 1, SC_OUTPUT, 0, h_pair,
				      OUTSZ(2 * sizeof(int))),
	[__NR_select]		= HSYS("select", 5, SC_INPUT, SF_NO_CREDS, h_select,
				      INT, FDSET, FDSET, FDSET, INOUTSZ_NULL(TV)),
	[__NR_sched_yield]	= SYS0("sched_yield", SC_LOCAL, 0),
	[__NR_mremap]		= LOCAL("mremap", 5, PTR, INT, INT, INT, PTR),
	[__NR_msync]		= LOCAL("msync", 3, PTR, INT, INT),
	[__NR_mincore]		= LOCAL("mincore", 3, PTR, INT, PTR),
	[__NR_madvise]		= LOCAL("madvise", 3, PTR, INT, INT),
	[__NR_shmget]		= REFUSED("shmget", 3),
	[__NR_shmat]		= REFUSED("shmat", 3),
	[__NR_shmctl]		= REFUSED("shmctl", 3),
	[__NR_dup]		= HSYS("dup", 1, SC_OUTPUT, 0, h_dup, FD),
	[__NR_dup2]		= HSYS("dup2", 2, SC_OUTPUT, 0, h_dup, FD, FD),
	[__NR_pause]		= SYS0("pause", SC_LOCAL, 0),
	[__NR_nanosleep]	= LOCAL("nanosleep", 2, INSZ(TS), OUTSZ_NULL(TS)),
	/* timers are the monitor's (calls/timer.c): only ITIMER_REAL */
	[__NR_getitimer]	= HSYS("getitimer", 2, SC_INPUT, 0, h_timer, INT, OUTSZ(ITV)),
	[__NR_alarm]		= HSYS("alarm", 1, SC_INPUT, 0, h_timer, INT),
	[__NR_setitimer]	= HSYS("setitimer", 3, SC_INPUT, 0, h_timer, INT, INSZ_NULL(ITV),
				      OUTSZ_NULL(ITV)),
	[__NR_getpid]		= HSYS0("getpid", SC_INPUT, 0, h_vpid),
	[__NR_sendfile]		= SYS("sendfile", 4, SC_OUTPUT, SF_FD0,
				      FD, FD, INOUTSZ_NULL(sizeof(off_t)), INT),
	[__NR_socket]		= HSYS("socket", 3, SC_OUTPUT, 0, h_socket, INT, INT, INT),
	[__NR_connect]		= OUTPUT_FD("connect", 3, FD, SOCKADDR_IN(2), INT),
	[__NR_accept]		= HSYS("accept", 3, SC_INPUT, SF_FD0, h_accept,
				      FD, SOCKADDR_OUT(2), SOCKLEN),
	[__NR_sendto]		= OUTPUT_FD("sendto", 6, FD, IN(2), INT, INT,
					    SOCKADDR_IN_NULL(5), INT),
	[__NR_recvfrom]		= INPUT_IO("recvfrom", 6, FD, OUT_RET(2), INT, INT,
					   SOCKADDR_OUT(5), SOCKLEN),
	[__NR_sendmsg]		= HSYS("sendmsg", 3, SC_OUTPUT, SF_FD0, h_sendmsg,
				      FD, PTR, INT),
	[__NR_recvmsg]		= HSYS("recvmsg", 3, SC_INPUT, SF_FD0 | SF_NO_CREDS, h_recvmsg, FD, PTR, INT),
	[__NR_shutdown]		= OUTPUT_IO("shutdown", 2, FD, INT),
	[__NR_bind]		= OUTPUT_FD("bind", 3, FD, SOCKADDR_IN(2), INT),
	[__NR_listen]		= OUTPUT_FD("listen", 2, FD, INT),
	[__NR_getsockname]	= INPUT_FD("getsockname", 3, FD, SOCKADDR_OUT(2), SOCKLEN),
	[__NR_getpeername]	= INPUT_FD("getpeername", 3, FD, SOCKADDR_OUT(2), SOCKLEN),
	[__NR_socketpair]	= HSYS("socketpair", 4, SC_OUTPUT, 0, h_pair,
				      INT, INT, INT, OUTSZ(2 * sizeof(int))),
	[__NR_setsockopt]	= OUTPUT_FD("setsockopt", 5, FD, INT, INT, IN(4), INT),
	[__NR_getsockopt]	= INPUT_FD("getsockopt", 5, FD, INT, INT,
					   { A_OUT, AF_LEN_PTR | AF_NULLOK, 4, 0 },
					   SOCKLEN),
	[__NR_clone]		= HSYS("clone", 5, SC_CONTROL, 0, h_clone,
				      INT, PTR, PTR, PTR, PTR),
	[__NR_fork]		= HSYS0("fork", SC_CONTROL, 0, h_fork),
	[__NR_vfork]		= HSYS0("vfork", SC_CONTROL, 0, h_fork),
	[__NR_execve]		= HSYS("execve", 3, SC_CONTROL, 0, h_execve, PATH, PTR, PTR),
	[__NR_exit]		= HSYS("exit", 1, SC_CONTROL, 0, h_exit, INT),
	[__NR_wait4]		= HSYS("wait4", 4, SC_CONTROL, SF_TRACED, h_wait,
				      INT, OUTSZ_NULL(sizeof(int)), INT,
				      OUTSZ_NULL(sizeof(struct rusage))),
	[__NR_kill]		= HSYS("kill", 2, SC_OUTPUT, 0, h_kill, INT, INT),
	[__NR_uname]		= INPUT("uname", 1, OUTSZ(sizeof(struct utsname))),
	[__NR_semget]		= REFUSED("semget", 3),
	[__NR_semop]		= REFUSED("semop", 3),
	[__NR_semctl]		= REFUSED("semctl", 4),
	[__NR_shmdt]		= REFUSED("shmdt", 1),
	[__NR_msgget]		= REFUSED("msgget", 2),
	[__NR_msgsnd]		= REFUSED("msgsnd", 4),
	[__NR_msgrcv]		= REFUSED("msgrcv", 5),
	[__NR_msgctl]		= REFUSED("msgctl", 3),
	[__NR_fcntl]		= HSYS("fcntl", 3, SC_OUTPUT, SF_FD0, h_fcntl, FD, INT, INT),
	[__NR_flock]		= OUTPUT_FD("flock", 2, FD, INT),
	[__NR_fsync]		= OUTPUT_FD("fsync", 1, FD),
	[__NR_fdatasync]	= OUTPUT_FD("fdatasync", 1, FD),
	[__NR_truncate]		= OUTPUT("truncate", 2, PATH, INT),
	[__NR_ftruncate]	= OUTPUT_FD("ftruncate", 2, FD, INT),
	[__NR_getdents]		= INPUT_FD("getdents", 3, FD, OUT_RET(2), INT),
	[__NR_getcwd]		= HSYS("getcwd", 2, SC_INPUT, 0, h_getcwd, OUT_RET(1), INT),
	[__NR_chdir]		= HSYS("chdir", 1, SC_OUTPUT, 0, h_chdir, PATH),
	[__NR_fchdir]		= HSYS("fchdir", 1, SC_OUTPUT, 0, h_chdir, FD),
	[__NR_rename]		= OUTPUT("rename", 2, PATH, PATH),
	[__NR_mkdir]		= OUTPUT("mkdir", 2, PATH, INT),
	[__NR_rmdir]		= OUTPUT("rmdir", 1, PATH),
	[__NR_creat]		= HSYS("creat", 2, SC_OUTPUT, 0, h_open, PATH, INT),
	[__NR_link]		= OUTPUT("link", 2, PATH, PATH),
	[__NR_unlink]		= OUTPUT("unlink", 1, PATH),
	[__NR_symlink]		= OUTPUT("symlink", 2, STR, PATH),
	[__NR_readlink]		= INPUT("readlink", 3, PATH, OUT_RET(2), INT),
	[__NR_chmod]		= OUTPUT("chmod", 2, PATH, INT),
	[__NR_fchmod]		= OUTPUT_FD("fchmod", 2, FD, INT),
	[__NR_chown]		= OUTPUT("chown", 3, PATH, INT, INT),
	[__NR_fchown]		= OUTPUT_FD("fchown", 3, FD, INT, INT),
	[__NR_lchown]		= OUTPUT("lchown", 3, PATH, INT, INT),
	[__NR_umask]		= LOCAL("umask", 1, INT),
	[__NR_gettimeofday]	= INPUT("gettimeofday", 2, OUTSZ_NULL(TV),
					OUTSZ_NULL(sizeof(struct timezone))),
	[__NR_getrlimit]	= LOCAL("getrlimit", 2, INT, OUTSZ(sizeof(struct rlimit))),
	[__NR_getrusage]	= INPUT("getrusage", 2, INT, OUTSZ(sizeof(struct rusage))),
	[__NR_sysinfo]		= INPUT("sysinfo", 1, OUTSZ(sizeof(struct sysinfo))),
	[__NR_times]		= INPUT("times", 1, OUTSZ_NULL(sizeof(struct tms))),
	[__NR_ptrace]		= REFUSED("ptrace", 4),
	[__NR_getuid]		= SYS0("getuid", SC_LOCAL, 0),
	[__NR_syslog]		= REFUSED("syslog", 3),
	[__NR_getgid]		= SYS0("getgid", SC_LOCAL, 0),
	[__NR_setuid]	= HSYS("setuid", 1, SC_OUTPUT, 0, h_creds, INT),
	[__NR_setgid]	= HSYS("setgid", 1, SC_OUTPUT, 0, h_creds, INT),
	[__NR_geteuid]		= SYS0("geteuid", SC_LOCAL, 0),
	[__NR_getegid]		= SYS0("getegid", SC_LOCAL, 0),
	[__NR_setpgid]		= HSYS("setpgid", 2, SC_CONTROL, SF_TRACED, h_pgrp, INT, INT),
	[__NR_getppid]		= HSYS0("getppid", SC_INPUT, 0, h_vpid),
	[__NR_getpgrp]		= HSYS0("getpgrp", SC_CONTROL, SF_TRACED, h_pgrp),
	[__NR_setsid]		= HSYS0("setsid", SC_CONTROL, SF_TRACED, h_pgrp),
	[__NR_setreuid]	= HSYS("setreuid", 2, SC_OUTPUT, 0, h_creds, INT, INT),
	[__NR_setregid]	= HSYS("setregid", 2, SC_OUTPUT, 0, h_creds, INT, INT),
	[__NR_getgroups]	= LOCAL("getgroups", 2, INT,
					{ A_OUT, AF_LEN_RET, 0, sizeof(gid_t) }),
	[__NR_setgroups]	= HSYS("setgroups", 2, SC_OUTPUT, 0, h_creds, INT, PTR),
	[__NR_setresuid]	= HSYS("setresuid", 3, SC_OUTPUT, 0, h_creds, INT, INT, INT),
	[__NR_getresuid]	= LOCAL("getresuid", 3, OUTSZ(sizeof(uid_t)),
					OUTSZ(sizeof(uid_t)), OUTSZ(sizeof(uid_t))),
	[__NR_setresgid]	= HSYS("setresgid", 3, SC_OUTPUT, 0, h_creds, INT, INT, INT),
	[__NR_getresgid]	= LOCAL("getresgid", 3, OUTSZ(sizeof(gid_t)),
					OUTSZ(sizeof(gid_t)), OUTSZ(sizeof(gid_t))),
	[__NR_getpgid]		= HSYS("getpgid", 1, SC_CONTROL, SF_TRACED, h_pgrp, INT),
	[__NR_setfsuid]		= REFUSED("setfsuid", 1),
	[__NR_setfsgid]		= REFUSED("setfsgid", 1),
	[__NR_getsid]		= HSYS("getsid", 1, SC_CONTROL, SF_TRACED, h_pgrp, INT),
	[__NR_capget]		= HSYS("capget", 2, SC_INPUT, 0, h_capget,
				       INSZ(2 * sizeof(uint32_t)), PTR),
	/* the kernel lets a process set only its own capabilities, and with
	 * no_new_privs only give some up (calls/proc.c h_creds) */
	[__NR_capset]		= HSYS("capset", 2, SC_OUTPUT, 0, h_creds,
				       INSZ(2 * sizeof(uint32_t)), INSZ(6 * sizeof(uint32_t))),
	[__NR_rt_sigpending]	= LOCAL("rt_sigpending", 2, PTR, INT),
	/* sigwait (no timeout) runs in the replica; external signals go to
	 * the thread that waits for them (signals/signals.c) */
	[__NR_rt_sigtimedwait]	= HSYS("rt_sigtimedwait", 4, SC_LOCAL, SF_UNTIMED, h_sigtimedwait,
				       PTR, PTR, PTR, INT),
	[__NR_rt_sigqueueinfo]	= REFUSED("rt_sigqueueinfo", 3),
	[__NR_rt_sigsuspend]	= LOCAL("rt_sigsuspend", 2, PTR, INT),
	[__NR_sigaltstack]	= LOCAL("sigaltstack", 2, PTR, PTR),
	[__NR_utime]		= OUTPUT("utime", 2, PATH,
					 INSZ_NULL(sizeof(struct utimbuf))),
	[__NR_mknod]		= REFUSED("mknod", 3),
	[__NR_uselib]		= REFUSED("uselib", 1),
	[__NR_personality]	= REFUSED("personality", 1),
	[__NR_ustat]		= REFUSED("ustat", 2),
	[__NR_statfs]		= INPUT("statfs", 2, PATH, OUTSZ(sizeof(struct statfs))),
	[__NR_fstatfs]		= INPUT_FD("fstatfs", 2, FD, OUTSZ(sizeof(struct statfs))),
	[__NR_sysfs]		= REFUSED("sysfs", 3),
	[__NR_getpriority]	= LOCAL("getpriority", 2, INT, INT),
	[__NR_setpriority]	= HSYS("setpriority", 3, SC_OUTPUT, 0, h_setpriority, INT, INT, INT),
	[__NR_sched_setparam]	= REFUSED("sched_setparam", 2),
	[__NR_sched_getparam]	= LOCAL("sched_getparam", 2, INT, PTR),
	[__NR_sched_setscheduler] = REFUSED("sched_setscheduler", 3),
	[__NR_sched_getscheduler] = LOCAL("sched_getscheduler", 1, INT),
	[__NR_sched_get_priority_max] = LOCAL("sched_get_priority_max", 1, INT),
	[__NR_sched_get_priority_min] = LOCAL("sched_get_priority_min", 1, INT),
	[__NR_sched_rr_get_interval] = REFUSED("sched_rr_get_interval", 2),
	[__NR_mlock]		= LOCAL("mlock", 2, PTR, INT),
	[__NR_munlock]		= LOCAL("munlock", 2, PTR, INT),
	[__NR_mlockall]		= LOCAL("mlockall", 1, INT),
	[__NR_munlockall]	= SYS0("munlockall", SC_LOCAL, 0),
	[__NR_vhangup]		= REFUSED("vhangup", 0),
	[__NR_modify_ldt]	= REFUSED("modify_ldt", 3),
	[__NR_pivot_root]	= REFUSED("pivot_root", 2),
	[__NR__sysctl]		= REFUSED("_sysctl", 1),
	[__NR_prctl]		= HSYS("prctl", 5, SC_OUTPUT, 0, h_prctl, INT, INT, INT, INT, INT),
	[__NR_arch_prctl]	= LOCAL("arch_prctl", 2, INT, PTR),
	[__NR_adjtimex]		= REFUSED("adjtimex", 1),
	[__NR_setrlimit]	= REFUSED("setrlimit", 2),
	[__NR_chroot]		= REFUSED("chroot", 1),
	[__NR_sync]		= SYS0("sync", SC_OUTPUT, 0),
	[__NR_acct]		= REFUSED("acct", 1),
	[__NR_settimeofday]	= REFUSED("settimeofday", 2),
	[__NR_mount]		= REFUSED("mount", 5),
	[__NR_umount2]		= REFUSED("umount2", 2),
	[__NR_swapon]		= REFUSED("swapon", 2),
	[__NR_swapoff]		= REFUSED("swapoff", 1),
	[__NR_reboot]		= REFUSED("reboot", 4),
	[__NR_sethostname]	= REFUSED("sethostname", 2),
	[__NR_setdomainname]	= REFUSED("setdomainname", 2),
	[__NR_iopl]		= REFUSED("iopl", 1),
	[__NR_ioperm]		= REFUSED("ioperm", 3),
	[__NR_create_module]	= REFUSED("create_module", 2),
	[__NR_init_module]	= REFUSED("init_module", 3),
	[__NR_delete_module]	= REFUSED("delete_module", 2),
	[__NR_get_kernel_syms]	= REFUSED("get_kernel_syms", 1),
	[__NR_query_module]	= REFUSED("query_module", 5),
	[__NR_quotactl]		= REFUSED("quotactl", 4),
	[__NR_nfsservctl]	= REFUSED("nfsservctl", 3),
	/* unimplemented: argument counts as strace has them */
	[__NR_getpmsg]		= REFUSED("getpmsg", 5),
	[__NR_putpmsg]		= REFUSED("putpmsg", 5),
	[__NR_afs_syscall]	= REFUSED("afs_syscall", 5),
	[__NR_tuxcall]		= REFUSED("tuxcall", 3),
	[__NR_security]		= REFUSED("security", 3),
	[__NR_gettid]		= HSYS0("gettid", SC_INPUT, 0, h_vpid),
	[__NR_readahead]	= REFUSED("readahead", 3),
	[__NR_setxattr]		= OUTPUT("setxattr", 5, PATH, STR, IN(3), INT, INT),
	[__NR_lsetxattr]	= OUTPUT("lsetxattr", 5, PATH, STR, IN(3), INT, INT),
	[__NR_fsetxattr]	= OUTPUT_FD("fsetxattr", 5, FD, STR, IN(3), INT, INT),
	[__NR_getxattr]		= INPUT("getxattr", 4, PATH, STR, OUT_RET(3), INT),
	[__NR_lgetxattr]	= INPUT("lgetxattr", 4, PATH, STR, OUT_RET(3), INT),
	[__NR_fgetxattr]	= INPUT_FD("fgetxattr", 4, FD, STR, OUT_RET(3), INT),
	[__NR_listxattr]	= INPUT("listxattr", 3, PATH, OUT_RET(2), INT),
	[__NR_llistxattr]	= INPUT("llistxattr", 3, PATH, OUT_RET(2), INT),
	[__NR_flistxattr]	= INPUT_FD("flistxattr", 3, FD, OUT_RET(2), INT),
	[__NR_removexattr]	= OUTPUT("removexattr", 2, PATH, STR),
	[__NR_lremovexattr]	= OUTPUT("lremovexattr", 2, PATH, STR),
	[__NR_fremovexattr]	= OUTPUT_FD("fremovexattr", 2, FD, STR),
	[__NR_tkill]		= HSYS("tkill", 2, SC_OUTPUT, 0, h_kill, INT, INT),
	[__NR_time]		= INPUT("time", 1, OUTSZ_NULL(sizeof(time_t))),
	[__NR_futex]		= LOCAL("futex", 6, PTR, INT, INT, PTR, PTR, INT),
	[__NR_sched_setaffinity] = LOCAL("sched_setaffinity", 3, INT, INT, IN(1)),
	[__NR_sched_getaffinity] = LOCAL("sched_getaffinity", 3, INT, INT, OUT_RET(1)),
	[__NR_set_thread_area]	= REFUSED("set_thread_area", 1),
	/* native AIO: ENOSYS, as a kernel built without it (CONFIG_AIO=n)
	 * answers them all: its requests are memory the kernel reads after
	 * the vote. Programs fall back to plain reads and writes (MariaDB's
	 * InnoDB: "Linux Native AIO disabled"); with no context made, the
	 * others have none to work on */
	[__NR_io_setup]		= { .name = "io_setup", .nargs = 2, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT, PTR } },
	[__NR_io_destroy]	= { .name = "io_destroy", .nargs = 1, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT } },
	[__NR_io_getevents]	= { .name = "io_getevents", .nargs = 5, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT, INT, INT, PTR, PTR } },
	[__NR_io_submit]	= { .name = "io_submit", .nargs = 3, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT, INT, PTR } },
	[__NR_io_cancel]	= { .name = "io_cancel", .nargs = 3, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT, PTR, PTR } },
	[__NR_get_thread_area]	= REFUSED("get_thread_area", 1),
	[__NR_lookup_dcookie]	= REFUSED("lookup_dcookie", 3),
	[__NR_epoll_create]	= HSYS("epoll_create", 1, SC_OUTPUT, 0, h_epoll_create, INT),
	[__NR_epoll_ctl_old]	= REFUSED("epoll_ctl_old", 4),
	[__NR_epoll_wait_old]	= REFUSED("epoll_wait_old", 4),
	[__NR_remap_file_pages]	= REFUSED("remap_file_pages", 5),
	[__NR_getdents64]	= INPUT_FD("getdents64", 3, FD, OUT_RET(2), INT),
	[__NR_set_tid_address]	= LOCAL("set_tid_address", 1, PTR),
	[__NR_restart_syscall]	= SYS0("restart_syscall", SC_LOCAL, 0),
	[__NR_semtimedop]	= REFUSED("semtimedop", 4),
	[__NR_fadvise64]	= LOCAL("fadvise64", 4, INT, INT, INT, INT),
	/* POSIX timers: ENOSYS, as a kernel built without them answers
	 * (coreutils' timeout falls back to alarm, which calls/timer.c serves);
	 * with no timer made, the others have none to work on */
	[__NR_timer_create]	= { .name = "timer_create", .nargs = 3, .cls = SC_ERRNO,
				    .errno_val = ENOSYS,
				    .args = { INT, INT, INT } },
	[__NR_timer_settime]	= { .name = "timer_settime", .nargs = 4, .cls = SC_ERRNO,
				    .errno_val = EINVAL,
				    .args = { INT, INT, INT, INT } },
	[__NR_timer_gettime]	= { .name = "timer_gettime", .nargs = 2, .cls = SC_ERRNO,
				    .errno_val = EINVAL,
				    .args = { INT, INT } },
	[__NR_timer_getoverrun]	= { .name = "timer_getoverrun", .nargs = 1, .cls = SC_ERRNO,
				    .errno_val = EINVAL,
				    .args = { INT } },
	[__NR_timer_delete]	= { .name = "timer_delete", .nargs = 1, .cls = SC_ERRNO,
				    .errno_val = EINVAL,
				    .args = { INT } },
	[__NR_clock_settime]	= REFUSED("clock_settime", 2),
	[__NR_clock_gettime]	= INPUT("clock_gettime", 2, INT, OUTSZ(TS)),
	[__NR_clock_getres]	= INPUT("clock_getres", 2, INT, OUTSZ_NULL(TS)),
	[__NR_clock_nanosleep]	= LOCAL("clock_nanosleep", 4, INT, INT, INSZ(TS),
					OUTSZ_NULL(TS)),
	[__NR_exit_group]	= HSYS("exit_group", 1, SC_CONTROL, 0, h_exit_group, INT),
	[__NR_epoll_wait]	= HSYS("epoll_wait", 4, SC_INPUT, SF_FD0 | SF_NO_CREDS, h_epoll_wait,
				      FD, EPEVENTS(2), INT, OWN),
	[__NR_epoll_ctl]	= HSYS("epoll_ctl", 4, SC_OUTPUT, 0, h_epoll_ctl, FD, INT, FD,
				      INSZ_NULL(sizeof(struct epoll_event))),
	[__NR_tgkill]		= HSYS("tgkill", 3, SC_OUTPUT, 0, h_kill, INT, INT, INT),
	[__NR_utimes]		= OUTPUT("utimes", 2, PATH, INSZ_NULL(2 * TV)),
	[__NR_vserver]		= REFUSED("vserver", 5),
	[__NR_mbind]		= LOCAL("mbind", 6, PTR, INT, INT, PTR, INT, INT),
	[__NR_set_mempolicy]	= LOCAL("set_mempolicy", 3, INT, PTR, INT),
	[__NR_get_mempolicy]	= LOCAL("get_mempolicy", 5, PTR, PTR, INT, PTR, INT),
	[__NR_mq_open]		= REFUSED("mq_open", 4),
	[__NR_mq_unlink]	= REFUSED("mq_unlink", 1),
	[__NR_mq_timedsend]	= REFUSED("mq_timedsend", 5),
	[__NR_mq_timedreceive]	= REFUSED("mq_timedreceive", 5),
	[__NR_mq_notify]	= REFUSED("mq_notify", 2),
	[__NR_mq_getsetattr]	= REFUSED("mq_getsetattr", 3),
	[__NR_kexec_load]	= REFUSED("kexec_load", 4),
	[__NR_waitid]		= HSYS("waitid", 5, SC_CONTROL, SF_TRACED, h_wait, INT, INT,
				      OUTSZ_NULL(sizeof(siginfo_t)), INT,
				      OUTSZ_NULL(sizeof(struct rusage))),
	[__NR_add_key]		= REFUSED("add_key", 5),
	[__NR_request_key]	= REFUSED("request_key", 4),
	[__NR_keyctl]		= REFUSED("keyctl", 5),
	[__NR_ioprio_set]	= REFUSED("ioprio_set", 3),
	[__NR_ioprio_get]	= REFUSED("ioprio_get", 2),
	[__NR_inotify_init]	= REFUSED("inotify_init", 0),
	[__NR_inotify_add_watch] = REFUSED("inotify_add_watch", 3),
	[__NR_inotify_rm_watch]	= REFUSED("inotify_rm_watch", 2),
	[__NR_migrate_pages]	= REFUSED("migrate_pages", 4),
	[__NR_openat]		= HSYS("openat", 4, SC_OUTPUT, 0, h_open,
				      DIRFD, PATH, INT, INT),
	[__NR_mkdirat]		= OUTPUT("mkdirat", 3, DIRFD, PATH, INT),
	[__NR_mknodat]		= REFUSED("mknodat", 4),
	[__NR_fchownat]		= OUTPUT("fchownat", 5, DIRFD, PATH, INT, INT, INT),
	[__NR_futimesat]	= OUTPUT("futimesat", 3, DIRFD, PATH, INSZ_NULL(2 * TV)),
	[__NR_newfstatat]	= INPUT("newfstatat", 4, DIRFD, PATH,
					OUTSZ(sizeof(struct stat)), INT),
	[__NR_unlinkat]		= OUTPUT("unlinkat", 3, DIRFD, PATH, INT),
	[__NR_renameat]		= OUTPUT("renameat", 4, DIRFD, PATH, DIRFD, PATH),
	[__NR_linkat]		= OUTPUT("linkat", 5, DIRFD, PATH, DIRFD, PATH, INT),
	[__NR_symlinkat]	= OUTPUT("symlinkat", 3, STR, DIRFD, PATH),
	[__NR_readlinkat]	= INPUT("readlinkat", 4, DIRFD, PATH, OUT_RET(3), INT),
	[__NR_fchmodat]		= OUTPUT("fchmodat", 3, DIRFD, PATH, INT),
	[__NR_faccessat]	= HSYS("faccessat", 3, SC_INPUT, 0, h_access, DIRFD, PATH, INT),
	[__NR_pselect6]		= HSYS("pselect6", 6, SC_INPUT, SF_NO_CREDS, h_select,
				      INT, FDSET, FDSET, FDSET, INOUTSZ_NULL(TS), PTR),
	[__NR_ppoll]		= HSYS("ppoll", 5, SC_INPUT, SF_NO_CREDS, h_poll,
				      POLLFDS(1), INT, INOUTSZ_NULL(TS), PTR, INT),
	[__NR_unshare]		= REFUSED("unshare", 1),
	[__NR_set_robust_list]	= LOCAL("set_robust_list", 2, PTR, INT),
	[__NR_get_robust_list]	= LOCAL("get_robust_list", 3, INT, PTR, PTR),
	[__NR_splice]		= REFUSED("splice", 6),
	[__NR_tee]		= REFUSED("tee", 4),
	[__NR_sync_file_range]	= REFUSED("sync_file_range", 4),
	[__NR_vmsplice]		= REFUSED("vmsplice", 4),
	[__NR_move_pages]	= REFUSED("move_pages", 6),
	[__NR_utimensat]	= OUTPUT("utimensat", 4, DIRFD, PATH_NULL,
					 INSZ_NULL(2 * TS), INT),
	[__NR_epoll_pwait]	= HSYS("epoll_pwait", 6, SC_INPUT, SF_FD0 | SF_NO_CREDS, h_epoll_wait,
				      FD, EPEVENTS(2), INT, OWN, PTR, INT),
	[__NR_signalfd]		= REFUSED("signalfd", 3),
	[__NR_timerfd_create]	= REFUSED("timerfd_create", 2),
	[__NR_eventfd]		= HSYS("eventfd", 1, SC_OUTPUT, 0, h_eventfd, INT),
	[__NR_fallocate]	= OUTPUT_FD("fallocate", 4, FD, INT, INT, INT),
	[__NR_timerfd_settime]	= REFUSED("timerfd_settime", 4),
	[__NR_timerfd_gettime]	= REFUSED("timerfd_gettime", 2),
	[__NR_accept4]		= HSYS("accept4", 4, SC_INPUT, SF_FD0, h_accept,
				      FD, SOCKADDR_OUT(2), SOCKLEN, INT),
	[__NR_signalfd4]	= REFUSED("signalfd4", 4),
	[__NR_eventfd2]		= HSYS("eventfd2", 2, SC_OUTPUT, 0, h_eventfd, INT, INT),
	[__NR_epoll_create1]	= HSYS("epoll_create1", 1, SC_OUTPUT, 0, h_epoll_create, INT),
	[__NR_dup3]		= HSYS("dup3", 3, SC_OUTPUT, 0, h_dup, FD, FD, INT),
	[__NR_pipe2]		= HSYS("pipe2", 2, SC_OUTPUT, 0, h_pair,
				      OUTSZ(2 * sizeof(int)), INT),
	[__NR_inotify_init1]	= REFUSED("inotify_init1", 1),
	/* preadv/pwritev: fd, iov, iovcnt, pos_l, pos_h; pos_h is ignored by a
	 * 64-bit kernel, so it is not compared */
	[__NR_preadv]		= INPUT_FD("preadv", 5, FD, IOV_OUT(2), INT, INT, PTR),
	[__NR_pwritev]		= OUTPUT_FD("pwritev", 5, FD, IOV_IN(2), INT, INT, PTR),
	[__NR_rt_tgsigqueueinfo] = REFUSED("rt_tgsigqueueinfo", 4),
	[__NR_perf_event_open]	= REFUSED("perf_event_open", 5),
	[__NR_recvmmsg]		= REFUSED("recvmmsg", 5),
	[__NR_fanotify_init]	= REFUSED("fanotify_init", 2),
	[__NR_fanotify_mark]	= REFUSED("fanotify_mark", 5),
	[__NR_prlimit64]	= HSYS("prlimit64", 4, SC_INPUT, 0, h_prlimit, INT, INT,
					INSZ_NULL(sizeof(struct rlimit)),
					OUTSZ_NULL(sizeof(struct rlimit))),
	[__NR_name_to_handle_at] = REFUSED("name_to_handle_at", 5),
	[__NR_open_by_handle_at] = REFUSED("open_by_handle_at", 3),
	[__NR_clock_adjtime]	= REFUSED("clock_adjtime", 2),
	[__NR_syncfs]		= OUTPUT_FD("syncfs", 1, FD),
	[__NR_sendmmsg]		= REFUSED("sendmmsg", 4),
	[__NR_setns]		= REFUSED("setns", 2),
	[__NR_getcpu]		= INPUT("getcpu", 3, OUTSZ_NULL(sizeof(unsigned int)),
					OUTSZ_NULL(sizeof(unsigned int)), PTR),
	[__NR_process_vm_readv]	= REFUSED("process_vm_readv", 6),
	[__NR_process_vm_writev] = REFUSED("process_vm_writev", 6),
	[__NR_kcmp]		= REFUSED("kcmp", 5),
	[__NR_finit_module]	= REFUSED("finit_module", 3),
	[__NR_sched_setattr]	= REFUSED("sched_setattr", 3),
	[__NR_sched_getattr]	= REFUSED("sched_getattr", 4),
	[__NR_renameat2]	= OUTPUT("renameat2", 5, DIRFD, PATH, DIRFD, PATH, INT),
	[__NR_seccomp]		= REFUSED("seccomp", 3),
	[__NR_getrandom]	= HSYS("getrandom", 3, SC_INPUT, SF_NO_CREDS, h_getrandom, OUT_RET(1), INT, INT),
	[__NR_memfd_create]	= REFUSED("memfd_create", 2),
	[__NR_kexec_file_load]	= REFUSED("kexec_file_load", 5),
	[__NR_bpf]		= REFUSED("bpf", 3),
	[__NR_execveat]		= SYS("execveat", 5, SC_REFUSED, 0,
				      DIRFD, PATH, PTR, PTR, INT),
	[__NR_userfaultfd]	= REFUSED("userfaultfd", 1),
	[__NR_membarrier]	= LOCAL("membarrier", 3, INT, INT, INT),
	[__NR_mlock2]		= LOCAL("mlock2", 3, PTR, INT, INT),
	[__NR_copy_file_range]	= SYS("copy_file_range", 6, SC_OUTPUT, 0, FD, INOUTSZ_NULL(sizeof(long)), FD, INOUTSZ_NULL(sizeof(long)), INT, INT),
	/* preadv2/pwritev2: fd, iov, iovcnt, pos_l, pos_h, flags */
	[__NR_preadv2]		= INPUT_FD("preadv2", 6, FD, IOV_OUT(2), INT, INT, PTR, INT),
	[__NR_pwritev2]		= OUTPUT_FD("pwritev2", 6, FD, IOV_IN(2), INT, INT, PTR, INT),
	[__NR_pkey_mprotect]	= LOCAL("pkey_mprotect", 4, PTR, INT, INT, INT),
	[__NR_pkey_alloc]	= LOCAL("pkey_alloc", 2, INT, INT),
	[__NR_pkey_free]	= LOCAL("pkey_free", 1, INT),
	[__NR_statx]		= INPUT("statx", 5, DIRFD, PATH, INT, INT,
					OUTSZ(sizeof(struct statx))),
	[__NR_io_pgetevents]	= { .name = "io_pgetevents", .nargs = 6, .cls = SC_ERRNO,
				    .errno_val = ENOSYS,
				    .args = { INT, INT, INT, PTR, PTR, PTR } },
	/* glibc must not register rseq: its cpu_id is a nondeterministic input */
	[__NR_rseq]		= { .name = "rseq", .nargs = 4, .cls = SC_ERRNO,
				    .errno_val = ENOSYS,
				    .args = { PTR, INT, INT, INT } },
	[335]			= REFUSED("uretprobe", 0),	/* 6.11 */
	[__NR_pidfd_send_signal] = REFUSED("pidfd_send_signal", 4),
	/* io_uring: ENOSYS, as a kernel built without it answers all three
	 * (its rings are memory the kernel reads behind the monitor's back);
	 * programs fall back to plain reads and writes (MariaDB's InnoDB: "liburing
	 * disabled"); with no ring made, enter and register have none to work on */
	[__NR_io_uring_setup]	= { .name = "io_uring_setup", .nargs = 2, .cls = SC_ERRNO,
				    .errno_val = ENOSYS, .args = { INT, PTR } },
	[__NR_io_uring_enter]	= { .name = "io_uring_enter", .nargs = 6, .cls = SC_ERRNO,
				    .errno_val = ENOSYS,
				    .args = { INT, INT, INT, INT, PTR, INT } },
	[__NR_io_uring_register] = { .name = "io_uring_register", .nargs = 4, .cls = SC_ERRNO,
				     .errno_val = ENOSYS, .args = { INT, INT, PTR, INT } },
	[__NR_open_tree]	= REFUSED("open_tree", 3),
	[__NR_move_mount]	= REFUSED("move_mount", 5),
	[__NR_fsopen]		= REFUSED("fsopen", 2),
	[__NR_fsconfig]		= REFUSED("fsconfig", 5),
	[__NR_fsmount]		= REFUSED("fsmount", 3),
	[__NR_fspick]		= REFUSED("fspick", 3),
	[__NR_pidfd_open]	= REFUSED("pidfd_open", 2),
	/* its flags are in memory the kernel would read again after the vote:
	 * ENOSYS, and glibc uses clone, whose flags are in registers */
	[__NR_clone3]		= { .name = "clone3", .nargs = 2, .cls = SC_ERRNO, .errno_val = ENOSYS,
				    .args = { IN(1), INT } },
	[__NR_close_range]	= HSYS("close_range", 3, SC_OUTPUT, 0, h_close_range, INT, INT, INT),
	[__NR_openat2]		= SYS("openat2", 4, SC_REFUSED, 0,
				      DIRFD, PATH, IN(3), INT),
	[__NR_pidfd_getfd]	= REFUSED("pidfd_getfd", 3),
	[__NR_faccessat2]	= HSYS("faccessat2", 4, SC_INPUT, 0, h_access, DIRFD, PATH, INT, INT),
	[__NR_process_madvise]	= REFUSED("process_madvise", 5),
	[__NR_epoll_pwait2]	= SYS("epoll_pwait2", 6, SC_REFUSED, SF_FD0,
				      FD, EPEVENTS(2), INT, INSZ_NULL(TS), PTR, INT),
	[__NR_mount_setattr]	= REFUSED("mount_setattr", 5),
	[__NR_quotactl_fd]	= REFUSED("quotactl_fd", 4),
	[__NR_landlock_create_ruleset] = REFUSED("landlock_create_ruleset", 3),
	[__NR_landlock_add_rule] = REFUSED("landlock_add_rule", 4),
	[__NR_landlock_restrict_self] = REFUSED("landlock_restrict_self", 2),
	[__NR_memfd_secret]	= REFUSED("memfd_secret", 1),
	[__NR_process_mrelease]	= REFUSED("process_mrelease", 2),
	[__NR_futex_waitv]	= LOCAL("futex_waitv", 5, PTR, INT, INT, PTR, INT),
	[__NR_set_mempolicy_home_node] = REFUSED("set_mempolicy_home_node", 4),

	/* Newer than the kernel 6.1 headers. */
	[451]			= REFUSED("cachestat", 4),
	[452]			= REFUSED("fchmodat2", 4),
	[453]			= REFUSED("map_shadow_stack", 3),
	[454]			= LOCAL("futex_wake", 4, PTR, INT, INT, INT),
	[455]			= LOCAL("futex_wait", 6, PTR, INT, INT, INT, PTR, INT),
	[456]			= LOCAL("futex_requeue", 4, PTR, INT, INT, INT),
	[457]			= REFUSED("statmount", 4),
	[458]			= REFUSED("listmount", 4),
	[459]			= REFUSED("lsm_get_self_attr", 4),
	[460]			= REFUSED("lsm_set_self_attr", 4),
	[461]			= REFUSED("lsm_list_modules", 3),
	[462]			= LOCAL("mseal", 3, PTR, INT, INT),
	[463]			= REFUSED("setxattrat", 6),
	[464]			= REFUSED("getxattrat", 6),
	[465]			= REFUSED("listxattrat", 5),
	[466]			= REFUSED("removexattrat", 4),
	[467]			= REFUSED("open_tree_attr", 5),
	[468]			= REFUSED("file_getattr", 5),
	[469]			= REFUSED("file_setattr", 5),
	[470]			= REFUSED("listns", 4),
	[471]			= REFUSED("rseq_slice_yield", 0),
	/* 512..547 are x32-only: not here. */

	/* Events that take a place in a list, made by the tracer. */
	[RSYS_RDTSC]		= HSYS0("rdtsc", SC_INPUT, 0, h_rdtsc),
	[RSYS_RDTSCP]		= HSYS0("rdtscp", SC_INPUT, 0, h_rdtsc),
	[RSYS_SIGNALED]		= HSYS("killed-by-signal", 1, SC_OUTPUT, 0, h_signaled, INT),
	[RSYS_EXECED]		= HSYS("execve-result", 6, SC_OUTPUT, 0, h_execed, INT, INT, INT, INT,
				       INSZ(0), INSZ(0)),
	/* libreplicant's calls (lib/protocol.h). HELLO's struct pointer
	 * differs under ASLR; DECIDE's proposal and MISUSE's label are each
	 * replica's own, never compared (the first one's is the answer). */
	[LIB_ROW(REPLICANT_SYS_HELLO)]	= HSYS("replicant_hello", 3, SC_INPUT, 0, h_hello, INT, PTR, INT),
	[LIB_ROW(REPLICANT_SYS_DECIDE)]	= HSYS("replicant_decide", 1, SC_INPUT, 0, h_decide, OWN),
	[LIB_ROW(REPLICANT_SYS_MISUSE)]	= HSYS("replicant_misuse", 3, SC_INPUT, 0, h_misuse,
					       INT, INT, OWN),
	[LIB_ROW(REPLICANT_SYS_BLOCKED)] = HSYS("replicant_blocked", 1, SC_INPUT, 0, h_blocked, INT),
};

static long row_of(long nr)
{
	if (nr >= REPLICANT_SYS_HELLO && nr <= REPLICANT_SYS_BLOCKED)
		return LIB_ROW(nr);
	return nr >= 0 && nr < SYSENT_LIB_ROW ? nr : -1;
}

const struct sysent *sysent_get(long nr)
{
	long row = row_of(nr);

	return row < 0 ? NULL : &sysent_table[row];
}

bool sysent_is_event(long nr)
{
	return nr >= SYSENT_MAX && nr < SYSENT_LIB_ROW;
}

const char *sysent_name(long nr)
{
	static _Thread_local char buf[32];
	const struct sysent *se = sysent_get(nr);

	if (se && se->name)
		return se->name;
	snprintf(buf, sizeof(buf), "syscall_%ld", nr);
	return buf;
}
