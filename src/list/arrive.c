#include "list/arrive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "list/answer.h"
#include "list/clockstream.h"
#include "list/decide.h"
#include "list/execute.h"
#include "list/provisional.h"
#include "list/tempname.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/notif.h"
#include "os/util.h"
#include "signals/signals.h"

static void call_drop(struct call *c)
{
	call_free(c);
	free(c);
}

/* A call that only looks (SC_INPUT) at a path that resolution keeps in
 * the replica's own /proc/PID asks its own kernel. Anything else under
 * /proc/self is voted and run by the monitor on the agreed replica's
 * /proc/PID (calls/generic.c), as any external path. */
static bool names_own_proc(struct peer *p, const struct call *c)
{
	int i;

	if (c->se->cls != SC_INPUT)
		return false;
	for (i = 0; i < c->se->nargs; i++)
		if (c->se->args[i].kind == A_PATH && c->buf[i] && open_own_proc(p, c->buf[i]))
			return true;
	return false;
}

/* The descriptors call c names, as a mask: PRIVATE ones the replica's
 * own, EXTERNAL ones the monitor's (AT_FDCWD, the working directory, is
 * external). */
#define FDS_PRIVATE 1
#define FDS_EXTERNAL 2

static bool absolute(const struct call *c, int i)
{
	return i < c->se->nargs && c->se->args[i].kind == A_PATH && c->buf[i] &&
	       ((const char *)c->buf[i])[0] == '/';
}

static int fds_used(struct peer *p, const struct call *c)
{
	int i, used = 0;

	for (i = 0; i < c->se->nargs; i++) {
		int kind = c->se->args[i].kind;
		struct fobj *o;

		if (kind != A_FD && kind != A_DIRFD)
			continue;
		o = proc_fobj(p->proc, (long)c->args[i]);
		if (o)
			used |= o->private_ ? FDS_PRIVATE : FDS_EXTERNAL;
		else if (kind == A_DIRFD && (int)c->args[i] == AT_FDCWD && !absolute(c, i + 1))
			used |= FDS_EXTERNAL;
	}
	return used;
}

/* The mode of call c, whose row's handler is h: h's classify, or what
 * the row describes. */
static enum mode classify(struct peer *p, struct call *c, const struct handler *h)
{
	const struct sysent *se = c->se;

	if (!se || se->cls == SC_REFUSED)
		return M_REFUSE;
	if (h && h->classify)
		return h->classify(p, c);
	if (h && h->each)
		return M_EACH;
	switch (fds_used(p, c)) {
	case FDS_PRIVATE | FDS_EXTERNAL:
		/* A call is the replica's own only when every object it
		 * touches is: sendfile from its pipe to stdout is not, and
		 * the monitor cannot run it on the pipe. It fails as the
		 * kernel fails a copy it cannot make (cat then reads and
		 * writes), in every replica alike. */
		c->each_err = -EXDEV;
		return M_EACH;
	case FDS_PRIVATE:
		return M_EACH;
	default:
		break;
	}
	if (names_own_proc(p, c))
		return M_EACH;
	if (se->flags & SF_FD0) {
		struct fobj *o = proc_fobj(p->proc, (long)c->args[0]);

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
	default:
		return M_REFUSE;
	}
}

static const char *refusal(const struct call *c, const struct handler *h)
{
	if (c->why)
		return c->why;
	if (h && h->refuse_why)
		return h->refuse_why;
	return c->se && c->se->cls == SC_REFUSED ? "not supported by replicant" :
	       "not supported in this form";
}

/* M_EACH: the replica's own effect, answered at once. */
static void arrive_each(struct peer *p, struct call *c, const struct handler *h)
{
	struct answer a = h && h->each ? h->each(p->entry, p, c) : generic_each(p, c);

	if (p->waiting != W_NONE)
		answer_send(p, a);
}

/* The descriptor argument that decides whether a call is private, read
 * from its row (classify may have given c a description of its own). */
static int fd_arg(const struct call *c)
{
	const struct sysent *row = sysent_get(c->nr);

	if (c->nr == SYS_mmap)
		return 4;
	return row && (row->flags & SF_FD0) ? 0 : -1;
}

/* An M_EACH call that takes no place in the peer group's list: once the
 * program has threads, a call that touches only the replica's own objects
 * may come from whichever thread gets there first (libc reading a system
 * fact for malloc), so the replicas make it in different orders and
 * threads. Before that, the replicas are in step, and such calls keep
 * their place (their descriptor numbers are chosen alike). glibc's
 * temporary-name draw (calls/random.c) is always the replica's own. */
static bool unordered(struct peer *p, const struct call *c)
{
	int i = fd_arg(c);
	struct fobj *o;

	if (random_tempname_draw(c) || (c->se && c->se->h && c->se->h->unlisted))
		return true;
	if (!p->rep->threads_made)
		return false;
	/* a single-threaded process opens its own files in one order in
	 * every replica: in its list, their numbers are chosen alike (xargs
	 * opened /proc/self/fd at 3 in one replica and, after the replica
	 * ahead reserved 3 for a later open, at 4 in the other) */
	if (open_names_path(c))
		return open_is_private(p, c) && p->proc->threaded;
	/* no descriptor first (newfstatat(fd, "", AT_EMPTY_PATH), glibc's
	 * fstat): the replica's own when every descriptor it names is */
	if (i < 0)
		return fds_used(p, c) == FDS_PRIVATE;
	o = proc_fobj(p->proc, (long)c->args[i]);
	return !o || o->private_;
}

/* An input or an output on a pipe that runs only once every live replica
 * has come to it (calls/poll.c says which). */
static bool waits_for_all(struct peer *p, const struct call *c, enum mode m)
{
	return m == M_INPUT ? calls_on_pipe(p, c) : m == M_OUTPUT && calls_on_inner(p, c);
}

static void debug_call(const struct peer *p, const struct call *c, const char *how)
{
	char line[256];

	if (!util_debug)
		return;
	call_format(c, line, sizeof(line));
	debugmsg("replica %d group %d %s pos %llu: %s", p->rep->idx, p->grp->id, how,
		 (unsigned long long)p->pos, line);
}

void arrive(struct peer *p, struct call *c)
{
	/* before classify, which may give c a description of its own */
	const struct handler *h = c->se ? c->se->h : NULL;
	enum mode m = classify(p, c, h);
	struct entry *e;

	if (m == M_INPUT && clockstream_take(p, c)) {
		debug_call(p, c, "clock");
		call_drop(c);
		return;
	}
	if (m == M_REFUSE) {
		if (provisional_defer_refusal(p, c, refusal(c, h)))
			return;
		answer_refuse(p, c, refusal(c, h));
		call_drop(c);
		return;
	}
	if (m == M_EACH && unordered(p, c)) {
		debug_call(p, c, "unordered");
		p->entry = NULL;
		arrive_each(p, c, h);
		call_drop(c);
		return;
	}
	debug_call(p, c, m == M_EACH ? "each" : m == M_INPUT ? "input" : "output");
	e = list_take(p, c, m, h);
	tempname_align(e, p, c);
	p->entry = e;
	/* an each call too: it runs in the replica's kernel as soon as it is
	 * answered, so a signal positioned there must be sent now (a thread
	 * that sleeps in select with no descriptors, as APR does, was passed
	 * by, and never got, a signal sent to replicant) */
	if (sig_targets(p->grp))
		sig_check(); /* its position may be this one */
	if (m == M_EACH) {
		arrive_each(p, c, h);
		e->answered |= 1u << p->rep->idx;
		if (e->state == E_WAIT && e->agreed < 0)
			e->agreed = p->rep->idx;
		e->state = E_DONE;
	} else if (e->state == E_WAIT && (e->wait_all || waits_for_all(p, c, m))) {
		e->wait_all = true; /* decide_examine runs it */
	} else if (m == M_INPUT && e->state == E_WAIT && !provisional_holds(p)) {
		execute_start(e, p->rep->idx);
	}
	decide_examine(e);
	if (!run_over && e->state == E_DONE && p->waiting != W_NONE && p->entry == e)
		answer_deliver(e, p);
	else if (!run_over && m == M_OUTPUT)
		provisional_at_once(e, p);
	answer_gc(p->grp);
}

struct entry *arrive_traced(struct peer *p, struct call *c)
{
	struct entry *e = list_take(p, c, M_INPUT, c->se->h);
	bool lead;

	p->entry = e;
	p->waiting = W_WAIT;
	if (sig_targets(p->grp))
		sig_check(); /* the wait may be a signal's position */
	decide_examine(e);
	if (run_over || p->waiting != W_WAIT)
		return NULL;
	lead = e->state == E_WAIT;
	if (e->state == E_DONE)
		answer_deliver(e, p);
	answer_gc(p->grp);
	return lead ? e : NULL;
}

/* A fork that a pending signal stopped before it made the child: the
 * kernel restarts it (ERESTARTNOINTR) once the handler ran, and the
 * monitor sees the same call again. It is still the one at its position,
 * let through again; one replica's signal must not cost it a position.
 * The restart may be stopped by another signal in turn (the kernel's own
 * SIGCHLD, held back by signals/peersig.c, still stops a fork):
 * clone_sent stays until the tracer sees the child (calls/proc.c). */
static bool clone_restarted(struct peer *p, struct call *c)
{
	bool same = p->clone_sent && c->nr == p->clone_nr &&
		    !memcmp(c->args, p->clone_args, sizeof(p->clone_args));

	if (!same) {
		p->clone_sent = false;
		return false;
	}
	debugmsg("replica %d group %d: %s restarted", p->rep->idx, p->grp->id, sysent_name(c->nr));
	call_drop(c);
	answer_send(p, ans_cont());
	return true;
}

/* The kernel's restart of a call the replica runs itself, after a signal
 * the monitor held back (signals/peersig.c): let go on as before, with no
 * place of its own in the list. */
static bool own_restarted(struct peer *p, struct call *c)
{
	bool same = p->own_restart && c->nr == p->own_nr && c->ip == p->own_ip;

	p->own_restart = false;
	if (!same)
		return false;
	debugmsg("replica %d group %d: %s restarted", p->rep->idx, p->grp->id, sysent_name(c->nr));
	call_drop(c);
	answer_send(p, ans_cont());
	return true;
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
	call_drop(c);
	p->entry = e;
	if (e->state == E_DONE)
		answer_deliver(e, p);
	answer_gc(p->grp);
	return true;
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

/* A thread whose creation the tracer has not seen yet cannot run (it is
 * held); one whose end it has seen cannot call. Seen while a signal sent
 * to replicant ends the replicas (a test hit it once): the call fails,
 * the thread is dying. */
static void unknown_thread(struct replica *r, const struct seccomp_notif *req)
{
	if (sig_external_within(5000000000ull)) { /* the replicas may be dying of it */
		answer_unknown(r, req->id, -EINTR);
		return;
	}
	warnmsg("notification from unknown thread %d in replica %d", req->pid, r->idx);
	run_end(EXIT_REPLICANT_ERROR);
}

/* p's call as the notification describes it, its buffers read from the
 * replica; NULL when p has already left the call (answered then). */
static struct call *capture(struct replica *r, struct peer *p, const struct seccomp_notif *req)
{
	struct call *c = xcalloc(1, sizeof(*c));
	int err = call_capture(c, p->tid, req->data.nr, (const uint64_t *)req->data.args,
			       req->data.instruction_pointer);

	/* The buffers are only meaningful if the thread is still in that call.
	 * It is, when a received call's wait ends only with the thread
	 * (notif_killable_recv), unless its process is being replaced by an
	 * exec another thread made: the kernel kills it then, and the memory
	 * read under its tid may be the new program's. A thread the tracer
	 * has not reaped keeps its tid: nobody else's memory is read. */
	if (call_read_memory(c) && (!notif_killable_recv() || p->proc->exec_voted) &&
	    !notif_id_valid(r->listener, req->id)) {
		call_drop(c);
		p->waiting = W_NONE;
		return NULL;
	}
	if (err) {
		/* A bad pointer fails the call in this replica only; its peers
		 * see their own result and any difference shows at the vote. */
		call_drop(c);
		answer_send(p, ans_val(err));
		return NULL;
	}
	return c;
}

void arrive_notification(struct replica *r, const struct seccomp_notif *req)
{
	struct peer *p;
	struct call *c;

	if (run_over || r->killed)
		return; /* the replicas, or this one, are being killed */
	p = peer_find(req->pid);
	if (!p) {
		unknown_thread(r, req);
		return;
	}
	proc_settle(p);
	sig_send_deferred(p);
	if (p->waiting == W_NOTIF)
		p->interrupted = p->entry; /* it left the call we held: a signal */
	p->waiting = W_NOTIF;
	p->notif_id = req->id;
	if (p->initial_exec && req->data.nr == SYS_execve) {
		p->initial_exec = false;
		answer_send(p, ans_cont());
		return;
	}
	c = capture(r, p, req);
	if (!c || resume_interrupted(p, c) || clone_restarted(p, c) || own_restarted(p, c))
		return;
	inject_fault(p, c);
	arrive(p, c);
}
