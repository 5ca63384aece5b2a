/* The monitor's loop: seccomp notifications from every replica, ptrace
 * events (exec, signals, exits), finished worker calls and signals sent to
 * replicant, all in one thread. Each notification becomes an arrival at
 * the caller's position in its peer group's syscall list; the entry there
 * decides when the call runs and who gets which answer. */
#include "monitor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "mem.h"
#include "monitor_int.h"
#include "pool.h"
#include "report.h"
#include "seq.h"
#include "util.h"
#include "vdso.h"
#include "vote.h"

struct options opt;
struct replica replicas[MAX_REPLICAS];
int majority;
pid_t monitor_pid;

#define TID_HASH 1024
/* A thread this many calls ahead of the slowest of its peers waits for
 * them, so that a syscall list (and the monitor's memory) stays bounded. */
#define MAX_LEAD 16384

static struct peer *tid_hash[TID_HASH];
struct group group0;
struct group *all_groups = &group0;
int ngroups = 1;
static int sfd, wake_fd;
static pthread_t main_thread;
/* Guards all monitor state: the listener threads, the main thread (signals,
 * ptrace events, finished workers) take it around each event. */
static pthread_mutex_t mon_lock = PTHREAD_MUTEX_INITIALIZER; /* not adaptive: its spin reads the TSC */

/* How the run ends. */
bool run_over;		/* stop starting anything; kill what is left */
int run_end_code = -1;	/* exit code decided by a divergence, refusal, signal */
bool run_exit_agreed;	/* a majority agreed on exit_group */
static int exit_status;		/* its status */


uint32_t monitor_live_mask(void)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < opt.n; i++)
		if (replicas[i].alive)
			m |= 1u << i;
	return m;
}

/* Replicas not killed by replicant: running, or ended on their own. */
static int healthy_count(void)
{
	int i, n = 0;

	for (i = 0; i < opt.n; i++)
		if (!replicas[i].killed)
			n++;
	return n;
}

void peer_add(struct peer *p)
{
	struct peer **b = &tid_hash[p->tid % TID_HASH];

	p->hnext = *b;
	*b = p;
}

struct peer *peer_find(pid_t tid)
{
	struct peer *p;

	for (p = tid_hash[tid % TID_HASH]; p; p = p->hnext)
		if (p->tid == tid)
			return p;
	return NULL;
}

void peer_remove(struct peer *p)
{
	struct peer **pp = &tid_hash[p->tid % TID_HASH];

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
}

bool on_tracer_thread(void)
{
	return pthread_equal(pthread_self(), main_thread);
}

static void wake_main(void)
{
	uint64_t one = 1;

	if (write(wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		die_errno("eventfd write");
}

/* Main thread: ptrace answers that other threads queued. */
static void flush_ptrace_answers(void)
{
	uint64_t v;
	int i;

	if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		die_errno("eventfd read");
	for (i = 0; i < TID_HASH; i++) {
		struct peer *p;

		for (p = tid_hash[i]; p; p = p->hnext) {
			if (p->ptrace_pending && p->waiting == W_PTRACE) {
				p->ptrace_pending = false;
				monitor_respond(p, p->ptrace_ret, false);
			}
		}
	}
}

/* The process whose table replica i's thread of g uses: a thread that
 * replica has not created yet will share its creator's (or, for a process
 * to come, copy it). */
static struct proc *group_proc(const struct group *g, int i)
{
	for (; g; g = g->parent)
		if (g->member[i])
			return g->member[i]->proc;
	return NULL;
}

/* Descriptor numbers are chosen once per call and used in every replica
 * (SECCOMP_ADDFD_FLAG_SETFD), so that threads racing to open files cannot
 * give the replicas different numbers. While the program has one thread
 * the replicas' tables are in step and the choice is the lowest free one,
 * as POSIX has it; once it has threads, the lowest free in every replica.
 * Numbers chosen for a replica that has not made the call yet are
 * reserved in its table. */
int monitor_fd_number(struct entry *e, struct peer *p, int k, int min)
{
	int fd, i;

	if (!e) /* an unordered call: a private descriptor, this replica's own */
		return fdtab_lowest_free(&p->proc->fds, min);
	if (e->fdnum[k] >= 0)
		return e->fdnum[k];
	for (fd = min;; fd++) {
		bool ok = fdtab_is_free(&p->proc->fds, fd);

		for (i = 0; i < opt.n && ok && p->rep->threads_made; i++)
			if (replicas[i].alive && group_proc(e->grp, i))
				ok = fdtab_is_free(&group_proc(e->grp, i)->fds, fd);
		if (ok && (k == 0 || fd != e->fdnum[0]))
			break;
	}
	e->fdnum[k] = fd;
	for (i = 0; i < opt.n; i++)
		if (&replicas[i] != p->rep && replicas[i].alive && group_proc(e->grp, i))
			fdtab_reserve(&group_proc(e->grp, i)->fds, fd);
	return fd;
}

void monitor_kill_all(void)
{
	int i;

	for (i = 0; i < opt.n; i++) {
		if (replicas[i].pid > 0 && !replicas[i].reaped)
			kill(replicas[i].pid, SIGKILL);
		replicas[i].alive = false;
	}
}

/* Ends the run with code: no call is answered or executed after this. */
void end_run(int code)
{
	if (run_end_code < 0)
		run_end_code = code;
	run_over = true;
	monitor_kill_all();
}

static void kill_replica(int idx)
{
	struct replica *r = &replicas[idx];

	if (!r->alive)
		return;
	r->alive = false;
	r->killed = true;
	kill(r->pid, SIGKILL);
	seq_replica_gone(idx);
}

/* Answers are sent after the thread drops mon_lock: an answer wakes the
 * replica on this CPU, and if that preempted us with the lock held, the
 * other replicas' threads would queue behind it. */
struct pending_resp {
	int fd;
	struct seccomp_notif_resp resp;
};
static __thread struct pending_resp *outq;
static __thread int outq_n, outq_cap;

static void queue_response(int fd, const struct seccomp_notif_resp *resp)
{
	if (outq_n == outq_cap) {
		outq_cap = outq_cap ? outq_cap * 2 : 64;
		outq = xrealloc(outq, outq_cap * sizeof(*outq));
	}
	outq[outq_n].fd = fd;
	outq[outq_n].resp = *resp;
	outq_n++;
}

/* Sends the queued answers; called without mon_lock. ENOENT: the thread is
 * gone (killed), nothing to answer. */
static void flush_responses(void)
{
	int i;

	for (i = 0; i < outq_n; i++)
		if (ioctl(outq[i].fd, SECCOMP_IOCTL_NOTIF_SEND, &outq[i].resp) < 0 &&
		    errno != ENOENT && errno != EINPROGRESS)
			warnx("answering a notification: %s", strerror(errno));
	outq_n = 0;
}

static void unlock_and_flush(void)
{
	pthread_mutex_unlock(&mon_lock);
	flush_responses();
}

int monitor_respond(struct peer *p, long ret, bool cont)
{
	struct seccomp_notif_resp resp = { .id = p->notif_id };
	struct user_regs_struct regs;
	int err = 0;

	switch (p->waiting) {
	case W_NOTIF:
		if (cont)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else if (ret < 0)
			resp.error = (int)ret;
		else
			resp.val = ret;
		if (p->pos - p->grp->base_seq > MAX_LEAD) {
			p->held_resp = resp;
			p->has_held = true;
		} else {
			queue_response(p->rep->listener, &resp);
		}
		break;
	case W_PTRACE:
		if (!pthread_equal(pthread_self(), main_thread)) {
			/* only the tracer thread may use ptrace: it answers */
			p->ptrace_ret = ret;
			p->ptrace_pending = true;
			wake_main();
			return 0;
		}
		/* an emulated rdtsc/rdtscp: edx:eax, and rip past the instruction */
		if (ptrace(PTRACE_GETREGS, p->tid, 0, &regs) == 0) {
			regs.rax = (uint32_t)ret;
			regs.rdx = (uint64_t)ret >> 32;
			regs.rip += p->entry->call[p->rep->idx]->nr == RSYS_RDTSCP ? 3 : 2;
			if (p->entry->call[p->rep->idx]->nr == RSYS_RDTSCP)
				regs.rcx = 0;
			ptrace(PTRACE_SETREGS, p->tid, 0, &regs);
		}
		ptrace(PTRACE_CONT, p->tid, 0, 0);
		break;
	case W_WAIT:
		/* a wait that fails before it ran (a bad pointer): deliver()
		 * hands waits to wait_follow, nothing else answers them */
		return 0;
	case W_NONE:
	default:
		break;
	}
	p->waiting = W_NONE;
	p->entry = NULL;
	return err;
}

void monitor_refuse(struct peer *p, struct call *c, const char *why)
{
	char line[512];

	call_format(c, line, sizeof(line));
	warnx("refused syscall %s (number %ld) in replica %d, peer group %d at position %llu: %s",
	      call_name(c->nr), c->nr, p->rep->idx, p->grp->id, (unsigned long long)p->pos, why);
	warnx("  the call was: %s", line);
	end_run(EXIT_REPLICANT_ERROR);
}

static void entry_free(struct entry *e)
{
	int i;

	for (i = 0; i < MAX_REPLICAS; i++) {
		if (e->call[i]) {
			call_free(e->call[i]);
			free(e->call[i]);
		}
	}
	exec_free(e);
	if (e->priv)
		fobj_put(e->priv);
	if (e->pinned)
		fobj_put(e->pinned);
	free(e);
}

static struct entry *group_head(const struct group *g)
{
	return g->base_seq < g->next_seq ? g->ring[g->base_seq & (g->ring_cap - 1)] : NULL;
}

/* Frees entries at the head that every live replica has consumed. */
void group_gc(struct group *g)
{
	uint32_t live = monitor_live_mask();
	struct entry *e;

	int i;

	while ((e = group_head(g)) && e->state == E_DONE && (e->answered & live) == live) {
		g->ring[g->base_seq & (g->ring_cap - 1)] = NULL;
		g->base_seq++;
		entry_free(e);
	}
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->has_held && p->pos - g->base_seq <= MAX_LEAD) {
			p->has_held = false;
			queue_response(p->rep->listener, &p->held_resp);
		}
	}
}

bool entry_is_new(const struct entry *e)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if (e->call[i])
			return false;
	return true;
}

static void ring_grow(struct group *g)
{
	uint64_t cap = g->ring_cap ? g->ring_cap * 2 : 256, s;
	struct entry **ring = xcalloc(cap, sizeof(*ring));

	for (s = g->base_seq; s < g->next_seq; s++)
		ring[s & (cap - 1)] = g->ring[s & (g->ring_cap - 1)];
	free(g->ring);
	g->ring = ring;
	g->ring_cap = cap;
}

/* The entry at seq, created when seq is the next one; NULL if seq was
 * collected already or lies beyond the next. */
struct entry *group_entry(struct group *g, uint64_t seq)
{
	struct entry *e;

	if (seq < g->base_seq || seq > g->next_seq)
		return NULL;
	if (seq < g->next_seq)
		return g->ring[seq & (g->ring_cap - 1)];
	if (g->next_seq - g->base_seq >= g->ring_cap)
		ring_grow(g);
	e = xcalloc(1, sizeof(*e));
	e->seq = g->next_seq++;
	e->grp = g;
	e->agreed = -1;
	e->fdnum[0] = e->fdnum[1] = -1;
	e->first_ns = now_ns();
	g->ring[e->seq & (g->ring_cap - 1)] = e;
	return e;
}

static bool is_clone(long nr)
{
	return nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork || nr == SYS_vfork;
}

/* A fork that a pending signal stopped before it made the child: the
 * kernel restarts it (ERESTARTNOINTR) once the handler ran, and the
 * monitor sees the same call again. It is still the one at its position,
 * let through again; one replica's signal must not cost it a position.
 * The restart may be stopped by another signal in turn (the kernel's own
 * SIGCHLD, held back by tracer.c, still stops a fork): clone_sent stays
 * until the tracer sees the child. */
static bool clone_restarted(struct peer *p, struct call *c)
{
	bool same = p->clone_sent && c->nr == p->clone_nr &&
		    !memcmp(c->args, p->clone_args, sizeof(p->clone_args));

	if (!same) {
		p->clone_sent = false;
		return false;
	}
	debugx("replica %d group %d: %s restarted", p->rep->idx, p->grp->id, call_name(c->nr));
	call_free(c);
	free(c);
	monitor_respond(p, 0, true);
	return true;
}

void deliver(struct entry *e, struct peer *p)
{
	int err;

	if (p->waiting == W_WAIT) {
		wait_follow(e, p); /* answered at its exit stop */
		return;
	}
	if (e->report_only) {
		monitor_respond(p, e->ret, false);
	} else if (e->h && e->h->deliver) {
		err = e->h->deliver(e, p);
		if (err && p->waiting != W_NONE)
			monitor_respond(p, err, false);
	} else {
		exec_deliver(e, p);
	}
	e->answered |= 1u << p->rep->idx;
	if (e->cont && is_clone(e->call[p->rep->idx]->nr)) {
		p->clone_sent = true;
		p->clone_nr = e->call[p->rep->idx]->nr;
		memcpy(p->clone_args, e->call[p->rep->idx]->args, sizeof(p->clone_args));
	}
}

/* The call ran: answer every replica that waits on it. The entry stays
 * until the event handler that got here collects it (group_gc). */
static void complete(struct entry *e)
{
	struct group *g = e->grp;
	int i;

	if (e->h && e->h->finish && !e->report_only)
		e->h->finish(e);
	e->state = E_DONE;
	if (e->provisional && e->ret != e->provisional && !run_over) {
		warnx("peer group %d, position %llu: %s returned %ld after replicas were told %ld; "
		      "stopping", g->id, (unsigned long long)e->seq, call_name(e->call[e->agreed]->nr),
		      e->ret, e->provisional);
		end_run(EXIT_REPLICANT_ERROR);
		return;
	}
	if (e->early)
		provisional_settle(e);
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->waiting != W_NONE && p->entry == e && !run_over)
			deliver(e, p);
	}
}

static bool needs_worker(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	int i;

	if (e->h && e->h->may_block)
		return true;
	if (!c->se)
		return false;
	for (i = 0; i < c->se->nargs; i++) {
		struct fobj *o;

		if (c->se->args[i].kind != A_FD)
			continue;
		o = entry_fobj(e, e->agreed, i);
		if (o && fobj_may_block(o))
			return true;
	}
	return false;
}

/* Runs the agreed call once: inline when it cannot block, else in a worker. */
static void start_exec(struct entry *e, int agreed)
{
	int err;

	e->agreed = agreed;
	e->state = E_RUN;
	err = e->h && e->h->prepare ? e->h->prepare(e) : exec_prepare(e);
	if (err) {
		e->ret = err < 0 ? err : e->ret;
		if (err < 0)
			e->report_only = true;
		complete(e);
		return;
	}
	if (!needs_worker(e))
		exec_run(e);
	else if (!exec_try_nowait(e)) {
		pool_submit(e);
		return;
	}
	complete(e);
}

/* A worker finished running e. */
static void worker_done(struct entry *e)
{
	struct group *g = e->grp;

	pthread_mutex_lock(&mon_lock);
	if (!run_over) {
		complete(e);
		group_gc(g);
	}
	unlock_and_flush();
}

/* Acts on a divergence at e according to --on-divergence. */
static void diverged(struct entry *e, const struct tally *t)
{
	int i;

	if (opt.on_div == DIV_ABORT || !t->possible) {
		report_divergence(e, t, t->winner < 0 ?
				  "run aborted; no majority, the call was not performed" :
				  "run aborted; only the majority's call was performed");
		end_run(opt.divergence_exit);
		return;
	}
	if (t->winner < 0)
		return; /* wait for the replicas yet to come */
	if (e->agreed >= 0 && !(t->agree & (1u << e->agreed))) {
		report_divergence(e, t, "run aborted; a minority replica's input was already performed");
		end_run(opt.divergence_exit);
		return;
	}
	report_divergence(e, t, "minority replica(s) killed; the run goes on");
	for (i = 0; i < opt.n; i++)
		if (t->differ & (1u << i))
			kill_replica(i);
	if (healthy_count() < majority) {
		warnx("fewer than %d replicas are left; run aborted", majority);
		end_run(opt.divergence_exit);
	}
}

/* Looks at entry e after an arrival or a death: divergence, and whether an
 * output now has its majority. */
void examine(struct entry *e)
{
	struct tally t;
	int i;

	vote_tally(e->call, opt.n, monitor_live_mask(), majority, &t);
	if (t.differ & monitor_live_mask()) {
		diverged(e, &t);
		if (run_over)
			return;
		vote_tally(e->call, opt.n, monitor_live_mask(), majority, &t);
	} else if (!t.possible) {
		diverged(e, &t);
		return;
	}
	if (e->mode == M_OUTPUT && e->state == E_WAIT && t.winner >= 0)
		start_exec(e, t.winner);
	for (i = 0; i < opt.n && e->state == E_DONE; i++) {
		struct peer *p = e->grp->member[i];

		if (p && p->waiting != W_NONE && p->entry == e && !run_over)
			deliver(e, p);
	}
}

/* An input whose first arrival, replica r's, was held (provisional.c):
 * r leads it now. */
void monitor_start_input(struct entry *e, int r)
{
	start_exec(e, r);
	if (!run_over)
		examine(e);
}

/* A path under /proc/self names each replica's own process: the replica
 * asks its own kernel. */
static bool names_own_proc(const struct call *c)
{
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		const char *s = c->buf[i];

		if (c->se->args[i].kind != A_PATH || !s)
			continue;
		if (!strncmp(s, "/proc/self", 10) || !strncmp(s, "/proc/thread-self", 17))
			return true;
	}
	return false;
}

/* A call on a replica's own descriptor is its own business. */
static bool uses_private_fd(struct peer *p, const struct call *c)
{
	int i;

	for (i = 0; i < c->se->nargs; i++) {
		int kind = c->se->args[i].kind;
		struct fobj *o;

		if (kind != A_FD && kind != A_DIRFD)
			continue;
		o = peer_fobj(p, (long)c->args[i]);
		if (o && o->private_)
			return true;
	}
	return false;
}

static enum mode classify(struct peer *p, struct call *c, const struct handler *h)
{
	const struct sysent *se = c->se;

	if (h && h->classify)
		return h->classify(p, c);
	if (h && h->each)
		return M_EACH;
	if (!se) /* rdtsc is an input; a number beyond the table, refused */
		return c->nr == RSYS_RDTSC || c->nr == RSYS_RDTSCP ? M_INPUT : M_REFUSE;
	if ((se->flags & SF_HANDLER) && !h)
		return M_REFUSE;
	if (names_own_proc(c) || uses_private_fd(p, c))
		return M_EACH;
	if (se->flags & SF_FD0) {
		struct fobj *o = peer_fobj(p, (long)c->args[0]);

		if (!o || o->private_)
			return M_EACH;
	}
	switch ((enum sc_class)se->cls) {
	case SC_INPUT:
		return M_INPUT;
	case SC_OUTPUT:
	case SC_CONTROL:
		return M_OUTPUT;
	case SC_LOCAL:
	case SC_ERRNO:
		return M_EACH;
	case SC_REFUSED:
		return M_REFUSE;
	default:
		return M_REFUSE;
	}
}

/* M_EACH: the replica's own effect, answered at once. A descriptor the
 * monitor does not know is answered EBADF rather than let through, so a
 * replica can never reach an external file the vote does not see. */
static void answer_each(struct peer *p, struct call *c, const struct handler *h)
{
	long ret = 0;
	bool cont = false;
	int err;

	if (h && h->each) {
		err = h->each(p->entry, p, c, &ret, &cont);
		if (err)
			ret = err;
	} else if (c->se && (c->se->flags & SF_FD0) && !peer_fobj(p, (long)c->args[0])) {
		ret = -EBADF;
	} else {
		cont = true;
	}
	if (p->waiting != W_NONE)
		monitor_respond(p, ret, cont);
}

/* A replica's call arrives at its peer's next position. */
void arrive(struct peer *p, struct call *c)
{
	const struct handler *h = handler_find(c->nr);
	enum mode m = classify(p, c, h);
	struct entry *e;

	if (m == M_REFUSE) {
		monitor_refuse(p, c, h && h->refuse_why ? h->refuse_why :
			       c->se && c->se->cls == SC_REFUSED ? "not supported by replicant" :
			       "not supported in this form");
		call_free(c);
		free(c);
		return;
	}
	if (m == M_EACH && handler_unordered(p, c)) {
		if (util_debug) {
			char line[256];

			call_format(c, line, sizeof(line));
			debugx("replica %d group %d unordered: %s", p->rep->idx, p->grp->id, line);
		}
		p->entry = NULL;
		answer_each(p, c, h);
		call_free(c);
		free(c);
		return;
	}
	if (util_debug) {
		char line[256];

		call_format(c, line, sizeof(line));
		debugx("replica %d group %d pos %llu mode %d: %s", p->rep->idx, p->grp->id,
		       (unsigned long long)p->pos, m, line);
	}
	e = group_entry(p->grp, p->pos++);
	if (!e || e->call[p->rep->idx])
		die("internal error: peer group %d has no free position %llu", p->grp->id,
		    (unsigned long long)(p->pos - 1));
	if (entry_is_new(e)) {
		e->mode = m;
		e->h = h;
	}
	tempname_align(e, p, c);
	e->call[p->rep->idx] = c;
	p->entry = e;
	if (m != M_EACH && fwd_targets(p->grp))
		fwd_check(); /* its position may be this one */
	if (m == M_EACH) {
		answer_each(p, c, h);
		e->answered |= 1u << p->rep->idx;
		if (e->state == E_WAIT && e->agreed < 0)
			e->agreed = p->rep->idx;
		e->state = E_DONE;
	} else if (m == M_INPUT && e->state == E_WAIT && !provisional_holds(p)) {
		start_exec(e, p->rep->idx);
	}
	examine(e);
	if (!run_over && e->state == E_DONE && p->waiting != W_NONE && p->entry == e)
		deliver(e, p);
	group_gc(p->grp);
}

static void inject_fault(struct peer *p, struct call *c);

/* Signals held back while p's call was not yet received (tracer.c,
 * defer_signal): now that it is, they wait for it to return. */
static void send_deferred(struct peer *p)
{
	int sig;

	while ((sig = sigmask_pop(&p->deferred_sigs)))
		syscall(SYS_tgkill, p->proc->pid, p->tid, sig);
}

/* p's thread made the close it was let make: its number is free again. */
void settle_close(struct peer *p)
{
	if (p->closing_fd >= 0) {
		fdtab_closed(&p->proc->fds, p->closing_fd);
		p->closing_fd = -1;
	}
}

/* After a signal handler, the kernel restarts the interrupted call: the
 * same call as the entry it waited on, which must not take a second place
 * in the list (nor run twice). True when c was that restart. */
static bool resume_interrupted(struct peer *p, struct call *c)
{
	struct entry *e = p->interrupted;

	p->interrupted = NULL;
	if (!e || !e->call[p->rep->idx] || !call_equal(e->call[p->rep->idx], c))
		return false;
	call_free(c);
	free(c);
	p->entry = e;
	if (e->state == E_DONE)
		deliver(e, p);
	group_gc(p->grp);
	return true;
}

/* Handles one notification; called with mon_lock held. */
static void on_notification(struct replica *r, struct seccomp_notif *req)
{
	struct peer *p;
	struct call *c;
	int err;

	if (run_over || r->killed)
		return; /* the replicas, or this one, are being killed */
	p = peer_find(req->pid);
	if (!p) {
		/* a thread whose creation the tracer has not seen yet cannot
		 * run (it is held); one whose end it has seen cannot call.
		 * Seen while a signal sent to replicant ends the replicas
		 * (a test hit it once): the call fails, the thread is dying. */
		struct seccomp_notif_resp resp = { .id = req->id, .error = -EINTR };

		if (fwd_within(5000000000ull)) { /* the replicas may be dying of it */
			queue_response(r->listener, &resp);
			return;
		}
		warnx("notification from unknown thread %d in replica %d", req->pid, r->idx);
		end_run(EXIT_REPLICANT_ERROR);
		return;
	}
	settle_close(p);
	send_deferred(p);
	if (p->waiting == W_NOTIF) {
		/* it left the call we held: a signal interrupted it */
		p->interrupted = p->entry;
		p->waiting = W_NONE;
	}
	p->waiting = W_NOTIF;
	p->notif_id = req->id;
	if (p->initial_exec && req->data.nr == SYS_execve) {
		p->initial_exec = false;
		monitor_respond(p, 0, true);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	err = call_capture(c, p->tid, req->data.nr, (const uint64_t *)req->data.args,
			   req->data.instruction_pointer);
	/* The buffers are only meaningful if the thread is still in that call. */
	if (call_read_memory(c) && ioctl(r->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
		call_free(c);
		free(c);
		p->waiting = W_NONE;
		return;
	}
	if (err) {
		/* A bad pointer fails the call in this replica only; its peers
		 * see their own result and any difference shows at the vote. */
		call_free(c);
		free(c);
		monitor_respond(p, err, false);
		return;
	}
	if (resume_interrupted(p, c) || clone_restarted(p, c))
		return;
	inject_fault(p, c);
	arrive(p, c);
}

/* Fault injection for tests and drills: REPLICANT_INJECT_WRITE=R:K flips
 * the first byte of the K-th write (from 1) of replica R as the monitor
 * sees it, as if that replica had been corrupted. */
static void inject_fault(struct peer *p, struct call *c)
{
	static int target = -1, nth, seen;
	const char *v;

	if (target == -2 || c->nr != SYS_write || !c->buf[1] || !c->len[1])
		return;
	if (target == -1) {
		v = getenv("REPLICANT_INJECT_WRITE");
		if (!v || sscanf(v, "%d:%d", &target, &nth) != 2) {
			target = -2;
			return;
		}
	}
	if (p->rep->idx == target && ++seen == nth)
		((unsigned char *)c->buf[1])[0] ^= 0x20;
}

/* --perturb: one call in four waits up to perturb_max_us before the
 * monitor looks at it, a different sequence in every replica, so threads
 * that race for shared memory take their turns in different orders. */
static void perturb_delay(uint64_t *rnd)
{
	uint64_t x = *rnd;
	struct timespec ts;

	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	*rnd = x;
	if ((x & 3) != 0)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)((x >> 8) % opt.perturb_max_us) * 1000;
	nanosleep(&ts, NULL);
}

/* One thread per replica waits in SECCOMP_IOCTL_NOTIF_RECV: with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel wakes it on the replica's
 * own CPU, as cheap as a notification round trip gets. A single thread
 * polling every listener would be pulled from CPU to CPU instead. */
static void *listener_thread(void *arg)
{
	struct replica *r = arg;
	uint64_t rnd = opt.perturb_seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(r->idx + 1));

	for (;;) {
		struct seccomp_notif req;

		memset(&req, 0, sizeof(req));
		if (ioctl(r->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			if (run_over || r->reaped)
				return NULL;
			die_errno("receiving a notification from replica %d", r->idx);
		}
		if (opt.perturb)
			perturb_delay(&rnd);
		pthread_mutex_lock(&mon_lock);
		on_notification(r, &req);
		unlock_and_flush();
	}
	return NULL;
}

static void on_signal(void)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			tracer_on_sigchld();
			continue;
		}
		/* a second signal while one is on its way, or within a
		 * second of it, ends the run: the way out of a program that
		 * ignores them */
		if (!run_over && !fwd_within(1000000000ull)) {
			forward_signal(sig);
			continue;
		}
		if (!run_over)
			warnx("received %s again; stopping all replicas", strsignal(sig));
		end_run(128 + sig);
	}
}

/* A live replica that has not reached the oldest entry others reached
 * stalls the run once --stall-timeout has passed. */
static void check_stall_group(struct group *g)
{
	struct entry *e = group_head(g);

	provisional_check(g);
	uint32_t live = monitor_live_mask(), arrived = 0, missing;
	uint64_t waited;
	int i;

	if (!e || run_over)
		return;
	for (i = 0; i < opt.n; i++)
		if (e->call[i])
			arrived |= 1u << i;
	missing = live & ~arrived;
	waited = now_ns() - e->first_ns;
	if (!missing || waited < opt.stall_ns)
		return;
	if (opt.on_div == DIV_KILL_MINORITY && healthy_count() - __builtin_popcount(missing) >= majority) {
		report_stall(e, missing, waited, "stalled replica(s) killed; the run goes on");
		for (i = 0; i < opt.n; i++)
			if (missing & (1u << i))
				kill_replica(i);
		examine(e);
		group_gc(g);
		return;
	}
	report_stall(e, missing, waited, "run aborted");
	end_run(opt.divergence_exit);
}

/* A domain of sequential regions where live replicas stopped behind the
 * one furthest ahead: those are the stalled ones. */
static void region_stalled(const struct seq_stall *st)
{
	uint32_t live = monitor_live_mask(), behind = 0;
	uint64_t hi = 0;
	int i;

	for (i = 0; i < opt.n; i++)
		if ((live & (1u << i)) && st->turn[i] > hi)
			hi = st->turn[i];
	for (i = 0; i < opt.n; i++)
		if ((live & (1u << i)) && st->turn[i] < hi)
			behind |= 1u << i;
	if (opt.on_div == DIV_KILL_MINORITY && healthy_count() - __builtin_popcount(behind) >= majority) {
		report_region_stall(st, "stalled replica(s) killed; the run goes on");
		for (i = 0; i < opt.n; i++)
			if (behind & (1u << i))
				kill_replica(i);
		return;
	}
	report_region_stall(st, "run aborted");
	end_run(opt.divergence_exit);
}

/* A live replica that has not reached the oldest entry others reached in
 * a peer group stalls the run once --stall-timeout has passed. */
static void check_stall(void)
{
	struct seq_stall st;
	struct group *g;

	for (g = all_groups; g && !run_over; g = g->next_all)
		check_stall_group(g);
	if (!run_over && seq_check_stall(&st))
		region_stalled(&st);
}

static bool all_reaped(void)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if (!replicas[i].reaped)
			return false;
	return true;
}

static void setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno("sigprocmask");
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die_errno("signalfd");
	signal(SIGPIPE, SIG_IGN);
}

void monitor_setup(void);
void monitor_setup(void)
{
	int i;

	majority = vote_majority(opt.n);
	monitor_pid = getpid();
	setup_signals();
	util_cleanup_hook = monitor_kill_all;
	group0.id = 0;
	for (i = 0; i < opt.n; i++) {
		replicas[i].idx = i;
		replicas[i].pid = -1;
		replicas[i].listener = -1;
	}
}

/* The initial peers, once the replicas are spawned. */
void monitor_add_initial_peers(void);
void monitor_add_initial_peers(void)
{
	int i;

	for (i = 0; i < opt.n; i++) {
		struct peer *p = xcalloc(1, sizeof(*p));

		p->tid = replicas[i].pid;
		p->closing_fd = -1;
		p->rep = &replicas[i];
		p->proc = replicas[i].proc0;
		p->proc->vpid = replicas[0].pid;
		p->proc->pid = replicas[i].pid;
		p->proc->refs++;
		p->grp = &group0;
		p->initial_exec = true;
		group0.member[i] = p;
		group0.vtid = replicas[0].pid;
		peer_add(p);
	}
}

void monitor_exit_agreed(int status);
void monitor_exit_agreed(int status)
{
	if (!run_exit_agreed) {
		run_exit_agreed = true;
		exit_status = status & 0xff;
	}
}

static int final_code(void)
{
	int i;

	if (run_end_code >= 0)
		return run_end_code;
	if (run_exit_agreed)
		return exit_status;
	/* every thread called exit: the status of the last, as the kernel
	 * reports it for the process */
	for (i = 0; i < opt.n; i++)
		if (replicas[i].reaped && WIFEXITED(replicas[i].wstatus))
			return WEXITSTATUS(replicas[i].wstatus);
	return EXIT_REPLICANT_ERROR;
}

int monitor_run(void)
{
	struct pollfd pfd[2];
	pthread_t t;
	int i, code;

	/* Replicas run with rdtsc disabled (PR_TSC_SIGSEGV), and every switch
	 * between a task with it and one without rewrites CR4, which in a VM
	 * is an exit to the hypervisor: it tripled the cost of a notification
	 * round trip here. So the monitor disables it for itself too (its
	 * threads inherit it). */
#ifndef MONITOR_KEEPS_TSC /* sanitizer builds: their runtime reads the clock through the vDSO */
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_TSC)");
#endif
	main_thread = pthread_self();
	pool_init(worker_done);
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wake_fd < 0)
		die_errno("eventfd");
	pthread_mutex_lock(&mon_lock);
	for (i = 0; i < opt.n; i++)
		if (pthread_create(&t, NULL, listener_thread, &replicas[i]) != 0)
			die("cannot start a listener thread");
	while (!all_reaped()) {
		int wait_ms = 50, due = tracer_start_delayed();
		int timer_due = timer_check();

		if (timer_due >= 0 && (due < 0 || timer_due < due))
			due = timer_due;

		pfd[0] = (struct pollfd){ sfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ wake_fd, POLLIN, 0 };
		unlock_and_flush();
		if (poll(pfd, 2, due >= 0 && due < wait_ms ? due : wait_ms) < 0 && errno != EINTR)
			die_errno("poll");
		pthread_mutex_lock(&mon_lock);
		if (pfd[0].revents)
			on_signal();
		if (pfd[1].revents)
			flush_ptrace_answers();
		if (run_over)
			monitor_kill_all();
		else
			check_stall();
		fwd_check();
	}
	code = final_code();
	report_finish(code);
	return code;
}
