/* The monitor's model of the run: replicas, their processes and threads
 * (peers), peer groups with their syscall lists (entries), and the
 * handlers that the syscall table names for irregular calls. Every layer
 * reads these; model/ owns them. Everything here is used with the monitor
 * lock held (loop/loop.c). */
#ifndef REPLICANT_MODEL_H
#define REPLICANT_MODEL_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "model/fdtab.h"
#include "os/resolve.h"
#include "signals/sigstate.h"
#include "table/call.h"

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
	bool pthread;		/* preload libreplicant-pthread.so (not --no-pthread) */
	bool pthread_serial;	/* --pthread=serial */
	const char *profile_path; /* --profile FILE, or NULL */
};

/* A process's credentials as the kernel checks file access with them. */
#define CREDS_GROUPS_MAX 64
struct creds {
	uid_t fsuid;
	gid_t fsgid;
	uid_t ruid;		/* the real ids, which access() checks with */
	gid_t rgid;
	uid_t euid, suid;	/* the effective and saved ids */
	gid_t egid, sgid;
	bool real_ids;		/* this call checks with ruid and rgid (access) */
	bool all_ids;		/* it takes the real, effective and saved ids: a
				 * unix socket's peer credentials and
				 * SCM_CREDENTIALS carry them (list/execute.c's
				 * carries_ids) */
	uint64_t cap_eff;	/* effective capabilities (bit n: capability n) */
	int ngroups;		/* supplementary groups (at most CREDS_GROUPS_MAX) */
	gid_t groups[CREDS_GROUPS_MAX];
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
				  * mapped (seq/seq.c), NULL before its first HELLO */
	struct creds creds;	/* as last read from /proc (model/procs.c) */
	bool creds_known;	/* creds is current: no credential call since */
	bool exec_voted;	/* answered a voted execve: its result is compared */
	bool threaded;		/* it made a thread: its threads change its table
				 * in each replica's own order */
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
				 * threads (proc_fd_number, arrive.c's unordered) */
	int unsettled;		/* writes it was answered before they ran
				 * (list/provisional.c): it may not lead an input */
	uint64_t sigs_sent;	/* bit sig-1: signals replicant sent its threads */
	uint64_t excused_from;	/* dead of one of those (list/excuse.c): since
				 * when it is counted in votes all the same; 0 */
	int excuse_sig;		/* that signal */
};

/* How a peer is waiting for its answer. */
enum wait_kind {
	W_NONE,
	W_NOTIF,	/* a seccomp notification */
	W_PTRACE,	/* in a ptrace stop: an emulated rdtsc, a new program */
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
	struct call *refused;	/* a refusal held until its replica's early
				 * writes have run (list/provisional.c) */
	const char *refused_why;
	enum exit_fix fix;	/* pending at its syscall-exit stop */
	long fix_val;
	struct entry *fix_entry; /* the wait's entry, answered at that stop */
	long wait_vchild;	/* the virtual child id its wait runs for */
	struct peer_sigs sigs;	/* signals owed to it (signals/ owns them) */
	bool continued;		/* its last call was answered CONTINUE: it runs
				 * in its own kernel */
	bool own_restart;	/* a signal the monitor held back interrupted a
				 * call it runs itself (a sleep): the kernel makes
				 * it again, own_nr at own_ip, no new call */
	long own_nr;
	uint64_t own_ip;
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
	int closing_fd;		/* closes it was let make, closing_fd to closing_hi,
				 * done by its next call; or -1 */
	int closing_hi;
	bool creds_changing;	/* it was let change its credentials: they are
				 * known once its next call comes */
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
	uint64_t started_ns;		/* when it started to run (--profile only) */
	uint64_t stall_from;		/* the stall clock's start: first_ns, or when
					 * the missing calls were last on their way */
	/* the execution, in the monitor */
	long xnr;
	uint64_t xargs[6];
	long ret;			/* result: value or -errno */
	void *out[6];			/* out-buffers by argument */
	bool cont;			/* answer with CONTINUE instead of ret */
	bool xresolve;			/* xnr is an openat resolved for xas (os/resolve.c) */
	uint8_t xpaths;			/* its arguments that are paths, resolved for xas */
	struct resolve_as xas;
	bool report_only;		/* a failure to report, not a result */
	long provisional;		/* > 0: the result some replicas were given
					 * before it ran (list/provisional.c) */
	struct fobj *pinned;		/* then the written file, held by the entry:
					 * an answered replica may close its descriptor */
	uint32_t early;			/* replicas answered before it ran */
	struct fobj *priv;		/* a new object the call created, owned by the entry */
	struct fobj *priv2;		/* a second one (a pipe's write end) */
	int fdnum[2];			/* descriptor numbers it creates, -1 until chosen */
	struct fobj **held;		/* objects it holds a reference to: those a
					 * sendmsg passes, those a recvmsg received */
	int *heldnum;			/* a received one's number, -1 until chosen */
	int nheld;
	struct shade *shade;		/* what it did to files replicas keep copies of,
					 * or a mapping's snapshot (model/shadows.h) */
	struct creds creds;		/* the agreed process's, which the monitor
					 * runs the call with (os/creds.c) */
	bool as_monitor;		/* runs with the monitor's own instead: the
					 * kernel checks none (SF_NO_CREDS) */
	const struct handler *h;	/* its row's handler, or NULL */
	bool wait_all;			/* an input on a pipe, an output on one the
					 * replicas made: runs once every live
					 * replica has come (calls_on_pipe,
					 * calls_on_inner) */
	bool pooled;			/* given to a worker (list/pool.c) */
	int nlent;			/* it runs outside the monitor lock with copies */
	int lent[2];			/* of its directory descriptors (execute.c) */
	pid_t worker;			/* the worker thread running it, or 0 */
	bool cancel;			/* a signal interrupts it (list/pool.c) */
	int intr_sig;			/* that signal */
	uint32_t intr_sent;		/* replicas it was sent to while they waited here */
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
	struct past_call *past;		/* each replica's last PAST_CALLS calls, for
					 * reports (model/list.c), NULL until its first */
	struct clockstream **clocks;	/* its clock reads (list/clockstream.c) */
	int nclocks;
};

/* A call as a divergence report recalls it: what came before. */
#define PAST_CALLS 8
struct past_call {
	uint64_t seq;
	long nr;
	uint64_t args[3];
	bool used;		/* false: an empty slot */
};

/* An answer to one replica's call. */
enum ans_kind {
	ANS_VAL,	/* return val (a result, or -errno) */
	ANS_CONT,	/* let the replica's kernel run the call (CONTINUE) */
	ANS_SENT,	/* answered already (an ADDFD that sent the result) */
	ANS_LATER,	/* answered at its syscall-exit stop (a wait): the
			 * entry stays until then */
};

struct answer {
	enum ans_kind kind;
	long val;
};

static inline struct answer ans_val(long val)
{
	return (struct answer){ ANS_VAL, val };
}

static inline struct answer ans_cont(void)
{
	return (struct answer){ ANS_CONT, 0 };
}

static inline struct answer ans_sent(void)
{
	return (struct answer){ ANS_SENT, 0 };
}

/* What a prepare decided. */
enum prep {
	PREP_RUN,	/* e->xnr and e->xargs are the call to run */
	PREP_DONE,	/* e->ret (and e->out, e->cont) is the result: nothing to run */
	PREP_FAIL,	/* the monitor cannot run it: e->ret is -errno, every
			 * replica gets it, and finish is not called */
};

/* A handler for an irregular syscall: the column of its row in the
 * syscall table (table/sysent.c). A NULL member takes the generic path
 * that the row describes (calls/generic.c). The contract:
 * - only classify refuses a call: M_REFUSE, with c->why or refuse_why;
 * - each, prepare and deliver never refuse and never answer through
 *   anything but their result (an ADDFD that sends is ANS_SENT);
 * - prepare and finish run once, for the agreed record, in the thread
 *   that holds the monitor lock; run may happen in a worker (may_block). */
struct handler {
	/* Every replica's call, first: how the monitor handles it. It may
	 * rewrite c (a more precise description, normalised arguments). */
	enum mode (*classify)(struct peer *p, struct call *c);
	/* M_EACH: the call's effect in p's replica alone. e is its entry, or
	 * NULL when the call takes no place in the list (unordered). */
	struct answer (*each)(struct entry *e, struct peer *p, struct call *c);
	/* M_INPUT/M_OUTPUT, once: the call to run, or the result. */
	enum prep (*prepare)(struct entry *e);
	/* After it ran: turns e->ret into objects (a new descriptor...), as
	 * the monitor: what it opens or checks for the process, it does with
	 * e's credentials (execute_creds_enter). */
	void (*finish)(struct entry *e);
	/* The answer for one replica, once the entry is done. */
	struct answer (*deliver)(struct entry *e, struct peer *p);
	/* SF_TRACED calls, which run in the replica: its entry stop, with
	 * its registers; it lets the thread go on. */
	void (*traced)(struct peer *p, struct user_regs_struct *regs);
	bool may_block;		/* run in a worker thread */
	bool unlisted;		/* M_EACH that never takes a place in the list:
				 * a question about the replica's own state */
	const char *refuse_why;	/* classify's M_REFUSE, when c->why is NULL */
};

#endif
