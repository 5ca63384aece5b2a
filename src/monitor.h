/* The monitor's state: replicas, peers, peer groups and their syscall lists. */
#ifndef REPLICANT_MONITOR_H
#define REPLICANT_MONITOR_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"
#include "fdtab.h"

#define MAX_REPLICAS 16

enum on_divergence { DIV_ABORT, DIV_KILL_MINORITY };

struct options {
	int n;			/* replicas */
	int divergence_exit;	/* exit status on divergence */
	enum on_divergence on_div;
	const char *report_path; /* --report FILE (JSON), or NULL */
	uint64_t stall_ns;	/* --stall-timeout */
	char **argv;		/* program and its arguments */
	const char *prog_path;	/* resolved executable */
	bool perturb;		/* --perturb: random delays at syscalls and regions */
	uint64_t perturb_seed;	/* --perturb-seed, or drawn at start */
	uint32_t perturb_max_us; /* the longest delay */
	bool pthread;		/* --pthread: preload libreplicant-pthread.so */
	bool pthread_serial;	/* --pthread=serial */
};

/* One process of a replica: what its threads share. */
struct proc {
	struct fdtab fds;
	int cwd;		/* the monitor's O_PATH descriptor of its working directory */
	pid_t vpid;		/* the process id every replica sees */
	pid_t vppid;		/* its parent's */
	pid_t pid;		/* its real id */
	int refs;		/* its threads the monitor knows, alive or not */
	struct seqreg *seq_tree; /* the sequential region its process tree keeps
				  * mapped (seq.c), NULL before its first HELLO */
};

struct replica {
	int idx;
	pid_t pid;		/* its initial process */
	int listener;		/* seccomp notification fd */
	bool alive;		/* counted in votes */
	bool killed;		/* killed by replicant as a minority or stalled replica */
	bool reaped;		/* its process has been waited for */
	int wstatus;		/* as waitpid gave it, once reaped */
	struct proc *proc0;	/* its initial process */
	int threads_made;	/* threads it created: from the first on, descriptor
				 * numbers and private calls follow the rules for
				 * threads (monitor_fd_number, handler_unordered) */
	int unsettled;		/* writes it was answered before they ran
				 * (provisional.c): it may not lead an input */
};

/* A set of signals (bit sig - 1), as a peer keeps those it owes. */
static inline void sigmask_add(uint64_t *mask, int sig)
{
	*mask |= 1ull << (sig - 1);
}

/* The lowest signal in *mask, taken out of it; 0: none. */
static inline int sigmask_pop(uint64_t *mask)
{
	int sig;

	if (!*mask)
		return 0;
	sig = __builtin_ctzll(*mask) + 1;
	*mask &= *mask - 1;
	return sig;
}

/* How a peer is waiting for its answer. */
enum wait_kind {
	W_NONE,
	W_NOTIF,	/* a seccomp notification */
	W_PTRACE,	/* an emulated instruction (rdtsc) in a signal stop */
	W_WAIT,		/* a wait4/waitid stopped at entry (SECCOMP_RET_TRACE) */
};

/* What to do at a peer's next syscall-exit stop. */
enum exit_fix {
	FIX_NONE,
	FIX_RET,	/* set the return value to fix_val (fork: the child's vpid) */
	FIX_WAIT_LEAD,	/* a wait4/waitid that decides: record its child */
	FIX_WAIT_FOLLOW, /* a wait4/waitid that follows: virtualise its child */
	FIX_VPID,	/* a process id returned: virtualise it */
};

struct peer {
	pid_t tid;		/* real thread id */
	struct replica *rep;
	struct proc *proc;
	struct group *grp;
	uint64_t pos;		/* its next position in grp's list */
	enum wait_kind waiting;
	uint64_t notif_id;	/* for W_NOTIF */
	struct entry *entry;	/* the entry it waits on */
	bool ptrace_pending;	/* an answer for the tracer thread to give */
	long ptrace_ret;
	bool initial_exec;	/* the next execve is replicant's own exec of the program */
	bool held;		/* a new thread kept stopped until its group is released */
	bool stopped;		/* in its first ptrace stop */
	bool exited;		/* the thread has ended */
	enum exit_fix fix;	/* pending at its syscall-exit stop */
	long fix_val;
	struct entry *fix_entry; /* the wait's entry, answered at that stop */
	long wait_vchild;	/* the virtual child id its wait runs for */
	int chld_real;		/* SIGCHLDs the kernel sent this thread (held back) */
	int chld_given;		/* SIGCHLDs given to it at decided positions */
	bool chld_inject;	/* the next SIGCHLD stop is one we sent: let it in */
	uint64_t exit_sigs;	/* signals to send as its traced call returns, at
				 * the exit stop: the call is their position
				 * (bit sig - 1) */
	uint64_t deferred_sigs;	/* signals held back from a call the monitor had
				 * not received yet (bit sig - 1) */
	bool restarting;	/* a signal interrupted its traced call, which the
				 * kernel restarts: the same call, not a new one */
	bool clone_sent;	/* it was let make a clone/fork whose child the
				 * tracer has not seen yet: the same call again
				 * is that one restarted (a signal came first) */
	long clone_nr;
	uint64_t clone_args[6];
	bool has_held;		/* an answer kept back: it ran too far ahead */
	struct seccomp_notif_resp held_resp;
	struct entry *interrupted; /* the entry it waited on when a signal made it
				    * leave the call (it restarts it, or not) */
	int closing_fd;		/* a close it was let make, done by its next call; or -1 */
	struct peer *hnext;	/* tid hash chain */
};

enum mode {
	M_REFUSE,	/* not supported in this form */
	M_EACH,		/* answered for each replica at once (its own effect) */
	M_INPUT,	/* executed once, for the first arrival */
	M_OUTPUT,	/* executed once, when a majority agrees */
};

enum entry_state { E_WAIT, E_RUN, E_DONE };

/* One position of a peer group's syscall list. */
struct entry {
	uint64_t seq;
	struct group *grp;
	enum mode mode;
	enum entry_state state;
	struct call *call[MAX_REPLICAS];	/* each replica's record, NULL until it arrives */
	int agreed;			/* replica whose record was executed, or -1 */
	uint32_t answered;		/* replicas that got their answer */
	uint64_t first_ns;		/* arrival time of the first replica */
	/* the execution, in the monitor */
	long xnr;
	uint64_t xargs[6];
	long ret;			/* result: value or -errno */
	void *out[6];			/* out-buffers by argument */
	bool cont;			/* answer with CONTINUE instead of ret */
	bool report_only;		/* a failure to report, not a result */
	long provisional;		/* > 0: the result some replicas were given
					 * before it ran (provisional.c) */
	struct fobj *pinned;		/* then the written file, held by the entry:
					 * an answered replica may close its descriptor */
	uint32_t early;			/* replicas answered before it ran */
	struct fobj *priv;		/* a new object the call created, owned by the entry */
	int fdnum[2];			/* descriptor numbers it creates, -1 until chosen */
	const struct handler *h;
};

struct group {
	int id;			/* in order of creation: 0 is the initial thread */
	pid_t vtid;		/* the thread id every replica sees for it */
	struct group *next_all;	/* all groups, newest first */
	struct group *parent;	/* the group that created it, and its index there */
	int index;
	bool is_thread;		/* a thread's group, freed once done (a process's
				 * stays: its id is waited for after it ends) */
	struct group **kids;	/* the groups its threads created, by order */
	int nkids;
	int created[MAX_REPLICAS]; /* threads each replica's member created */
	bool released;		/* a majority has created its thread: they run */
	struct peer *member[MAX_REPLICAS];
	/* Entries some live replica has not consumed, seq base_seq up to
	 * next_seq - 1, in a ring indexed by seq (a peer may run far ahead of
	 * its slowest peer, so lookup must not walk). */
	struct entry **ring;
	uint64_t ring_cap;		/* a power of two */
	uint64_t base_seq;		/* seq of the oldest entry kept */
	uint64_t next_seq;		/* seq of the next entry to create */
};

/* A handler for an irregular syscall (handlers.c); NULL members take the
 * generic path that the table describes. */
struct handler {
	long nr;
	enum mode (*classify)(struct peer *p, struct call *c);
	/* Main thread, before running: fills e->xnr/xargs; -errno fails the call. */
	int (*prepare)(struct entry *e);
	/* Main thread, after running: turns e->ret into objects etc. */
	void (*finish)(struct entry *e);
	/* Answers one replica; 0 or -errno. */
	int (*deliver)(struct entry *e, struct peer *p);
	/* For M_EACH: the effect in this replica; sets *ret or *cont. */
	int (*each)(struct entry *e, struct peer *p, struct call *c, long *ret, bool *cont);
	bool may_block;		/* run in a worker thread */
	const char *refuse_why;	/* with classify returning M_REFUSE: why */
};

extern struct options opt;
extern struct replica replicas[MAX_REPLICAS];
extern int majority;

const struct handler *handler_find(long nr);
bool handler_unordered(struct peer *p, struct call *c);
/* For handlers whose call creates one external descriptor (e->priv). */
void handler_finish_new_fd(struct entry *e);
int handler_deliver_new_fd(struct entry *e, struct peer *p, bool cloexec);

/* The virtual thread id of replica r's thread with real id tid, or tid
 * itself when it is not one of r's threads. */
pid_t monitor_vtid(const struct replica *r, pid_t tid);
/* The real thread id in replica r of virtual thread id vtid, or -1. */
pid_t monitor_real_tid(const struct replica *r, pid_t vtid);

/* monitor.c */
int monitor_run(void);
void monitor_kill_all(void);
uint32_t monitor_live_mask(void);
int monitor_respond(struct peer *p, long ret, bool cont);
/* Ends the run because a syscall is refused: report and exit 125. */
void monitor_refuse(struct peer *p, struct call *c, const char *why);

/* exec.c: the generic execution path */
int exec_prepare(struct entry *e);
void exec_run(struct entry *e);
bool exec_try_nowait(struct entry *e);
int exec_deliver(struct entry *e, struct peer *p);
/* Copies out-buffers into p's replica at its own addresses; 0 or -errno. */
int exec_copy_out(struct entry *e, struct peer *p);
void exec_free(struct entry *e);

/* Translates a replica descriptor to the monitor's (external objects only). */
struct fobj *peer_fobj(struct peer *p, long fd);
/* The process that made replica r's call at e (the one executed, for e->agreed). */
struct proc *entry_proc(const struct entry *e, int r);
struct fobj *entry_fobj(const struct entry *e, int r, int i);
struct proc *proc_new(pid_t vpid, pid_t vppid, int cwd);
/* A copy for a forked child: the same objects, its own table. */
struct proc *proc_fork(const struct proc *parent, pid_t vpid);
/* Installs the monitor descriptor mfd into p's replica at target as the
 * syscall's answer (SECCOMP_ADDFD_FLAG_SEND); returns target or -errno. */
int peer_addfd_send(struct peer *p, int mfd, int target, bool cloexec);
int peer_addfd(struct peer *p, int mfd, int target, bool cloexec);
/* The number of the k-th (0 or 1) descriptor that call e creates: the same
 * in every replica, chosen when first asked, at least min. */
int monitor_fd_number(struct entry *e, struct peer *p, int k, int min);

#endif
