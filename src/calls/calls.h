/* The handlers of irregular calls, by family, each named by its rows of
 * the syscall table (table/sysent.c), and the generic path that every
 * other call takes. The contract is in model/model.h, struct handler. */
#ifndef REPLICANT_CALLS_H
#define REPLICANT_CALLS_H

#include "model/model.h"

/* generic.c: the path the table describes */
/* Translates the agreed call into one on the monitor's descriptors and
 * buffers: PREP_RUN, or PREP_FAIL with e->ret (a private or unknown
 * descriptor). */
enum prep generic_prepare(struct entry *e);
/* path with a /dev link into /proc/self/fd (/dev/fd/N, /dev/stdin...)
 * spelt as /proc/self/fd, in buf; or path itself. */
const char *generic_spell_proc(const char *path, char *buf, size_t size);
/* The length of a /proc/self or /proc/thread-self prefix of path, or 0. */
size_t generic_proc_prefix(const char *path);
/* Path argument i of the agreed call as the monitor resolves it: under
 * /proc/self (or thread-self), the agreed replica's process (or thread),
 * not the monitor's. */
const char *generic_path(struct entry *e, int i);
/* Runs it (in a worker when it may block). */
void generic_run(struct entry *e);
/* e's prepared call is an openat the monitor resolves for the agreed
 * process (os/resolve.c), with the process's view of /proc/self. */
void generic_resolve_open(struct entry *e);
/* Runs it at once if it can without blocking; false: a worker must. */
bool generic_try_nowait(struct entry *e);
/* Copies e's out-buffers into p's replica at p's own addresses; 0 or -errno. */
int generic_copy_out(struct entry *e, struct peer *p);
struct answer generic_deliver(struct entry *e, struct peer *p);
/* M_EACH without a handler: the replica runs it (EBADF for a descriptor
 * the monitor does not know, which a replica must never reach; the
 * call's each_err when classify set one). */
struct answer generic_each(struct peer *p, const struct call *c);

/* calls.c: pieces several families use */
/* Installs the monitor descriptor mfd into p's process at target (the
 * lowest free when < 0); the number or -errno. _send makes it the call's
 * answer (p then waits no more). */
int calls_addfd(struct peer *p, int mfd, int target, bool cloexec);
/* The monitor's own copy of object o, which replica p holds at fd: for a
 * private object, taken from the replica (pidfd_getfd). -1 with errno. */
int calls_object_fd(struct peer *p, struct fobj *o, int fd);
int calls_addfd_send(struct peer *p, int mfd, int target, bool cloexec);
/* A call that creates one external descriptor (e->priv): its finish and
 * its delivery, which installs it as the answer. */
void calls_newfd_finish(struct entry *e);
struct answer calls_newfd_deliver(struct entry *e, struct peer *p, bool cloexec);
/* The replica makes the call itself (CONTINUE), after comparison. */
struct answer calls_own_each(struct entry *e, struct peer *p, struct call *c);
enum prep calls_cont_prepare(struct entry *e);

/* fd.c: copies descriptor old of p's process to target, as dup2 would:
 * the answer is the new number, or -errno */
struct answer fd_install_copy(struct peer *p, int old, int target, bool cloexec);

/* open.c */
/* path, resolved from p's process, stays in its own /proc/PID (no magic
 * link, no ".." out of it): the replica may look at it itself. */
bool open_own_proc(const struct peer *p, const char *path);
/* c is an open or openat with a path. */
bool open_names_path(const struct call *c);
/* That path is private to the replica (its /proc files, the kernel's
 * constant facts that libc reads lazily). */
bool open_is_private(const struct peer *p, const struct call *c);

/* random.c: glibc's 8-byte draw for a temporary name, the replica's own */
bool random_tempname_draw(const struct call *c);

/* wait.c: wait4 and waitid, run in the replica at ptrace stops */
/* At its exit stop: the child it got, made virtual; the entry answered. */
void wait_on_exit(struct peer *p, struct user_regs_struct *regs);
/* A wait held at its entry for a leader that will not decide (a signal
 * is on its way to it): it runs as the program asked. */
void wait_abandon(struct peer *p);
/* A wait that a signal interrupted restarts in its role. */
void wait_resume(struct peer *p);

/* timer.c */
/* Fires the timers that are due; the milliseconds until the next (-1: none). */
int timer_check(void);
/* g's thread ended: its timer goes too. */
void timer_forget(const struct group *g);

/* poll.c: c is an input on a pipe (whose run waits for every replica). */
bool calls_on_pipe(struct peer *p, const struct call *c);
/* poll.c: c is an output on a pipe or socketpair the replicas made (whose
 * run waits for every replica too). */
bool calls_on_inner(struct peer *p, const struct call *c);

/* mapped.c: each replica's copy of a file it maps shared follows the
 * writes to the file: e's change, noted once it ran, and applied to p's
 * copy as p is answered. */
void mapped_note(struct entry *e);
void mapped_deliver(struct entry *e, struct peer *p);

extern const struct handler h_open, h_close, h_dup, h_fcntl, h_ioctl, h_pair, h_mmap;
extern const struct handler h_chdir, h_getcwd;
extern const struct handler h_socket, h_accept, h_sendmsg, h_eventfd;
extern const struct handler h_vpid, h_pgrp, h_wait, h_kill, h_sigtimedwait;
extern const struct handler h_exit, h_exit_group, h_execve, h_clone, h_fork, h_creds, h_prctl,
	h_prlimit, h_setpriority, h_capget;
extern const struct handler h_signaled, h_execed, h_access, h_close_range, h_recvmsg;
extern const struct handler h_poll, h_select;
extern const struct handler h_epoll_create, h_epoll_ctl, h_epoll_wait;
extern const struct handler h_timer, h_rdtsc, h_getrandom;
extern const struct handler h_hello, h_decide, h_misuse, h_blocked;

#endif
