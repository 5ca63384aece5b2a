#include "list/execute.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "end/profile.h"
#include "list/answer.h"
#include "list/decide.h"
#include "list/pool.h"
#include "list/provisional.h"
#include "model/list.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/creds.h"
#include "os/util.h"
#include "table/call.h"

/* Whether the call that ran is the one a replica was answered early for:
 * not so when they differ (a divergence, reported as one; the early
 * replica's call never ran). */
static bool promised(const struct entry *e)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if ((e->early & (1u << i)) && e->call[i] &&
		    (i == e->agreed || call_equal(e->call[i], e->call[e->agreed])))
			return true;
	return false;
}

/* Whether a descriptor the agreed call names has an object that test()
 * holds for; one with no object counts as no_object. */
static bool some_fd(struct entry *e, bool (*test)(const struct fobj *o), bool no_object)
{
	const struct call *c = e->call[e->agreed];
	int i;

	for (i = 0; c->se && i < c->se->nargs; i++) {
		struct fobj *o;

		if (c->se->args[i].kind != A_FD)
			continue;
		o = list_fobj(e, e->agreed, i);
		if (o ? test(o) : no_object)
			return true;
	}
	return false;
}

/* Sockets, pipes and anonymous objects (eventfd, epoll) are the ones on
 * which the SF_NO_CREDS rows check no credentials. */
static bool may_check_creds(const struct fobj *o)
{
	return o->mfd < 0 || !(S_ISSOCK(o->type) || S_ISFIFO(o->type) || (o->type & S_IFMT) == 0);
}

/* A row that checks no credentials, on such objects only. Taking the
 * process's credentials costs the monitor's thread five calls and four
 * back (os/creds.c), each a new set of credentials in the kernel: half
 * the calls the monitor made for an Apache request. */
static bool checks_no_creds(struct entry *e)
{
	const struct call *c = e->call[e->agreed];

	return c->se && (c->se->flags & SF_NO_CREDS) && !some_fd(e, may_check_creds, true);
}

static bool unix_socket(const struct fobj *o)
{
	return fobj_family(o) == AF_UNIX;
}

/* A call whose effect carries the caller's ids: an output on a unix socket
 * (the peer credentials connect and listen record, the SCM_CREDENTIALS a
 * send carries), or a unix socketpair (each end's peer credentials). Run
 * with the monitor's, a server would take its client for root. */
static bool carries_ids(struct entry *e)
{
	const struct call *c = e->call[e->agreed];

	if (c->nr == SYS_socketpair)
		return c->args[0] == AF_UNIX;
	return c->se && c->se->cls == SC_OUTPUT && some_fd(e, unix_socket, false);
}

bool execute_creds_enter(const struct entry *e)
{
	return !e->as_monitor && creds_enter(&e->creds);
}

void execute_complete(struct entry *e)
{
	struct group *g = e->grp;
	int i;

	if (e->h && e->h->finish && !e->report_only)
		e->h->finish(e);
	if (profile_on)
		profile_ran(e);
	if (!e->report_only)
		mapped_note(e);
	e->state = E_DONE;
	if (e->provisional && e->ret != e->provisional && !run_over && promised(e)) {
		warnmsg("peer group %d, position %llu: %s returned %ld after replicas were told %ld; "
			"stopping", g->id, (unsigned long long)e->seq, sysent_name(e->call[e->agreed]->nr),
			e->ret, e->provisional);
		run_end(EXIT_REPLICANT_ERROR);
		return;
	}
	if (e->early)
		provisional_settle(e);
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->waiting != W_NONE && p->entry == e && !run_over)
			answer_deliver(e, p);
	}
}

static bool needs_worker(struct entry *e)
{
	if (e->h && e->h->may_block)
		return true;
	if (e->xnr == SYS_fcntl && (int)e->xargs[1] == F_OFD_SETLKW)
		return true;	/* another process's lock, of this run's too */
	return some_fd(e, fobj_may_block, false);
}

/* A look-up by path that only reads (an open for reading, a stat) and
 * takes the process's credentials runs after the thread lets the monitor
 * lock go. Apache's requests spend most of the lock's time there: each
 * makes five such opens and a stat as www-data, and the credential switch
 * around each is some ten calls. With the lock free meanwhile, the other
 * replica's listener sleeps on it less: Apache worker 2x64 at -n 2
 * served 1, 6, 11 and 19% more requests a second in four passes of make
 * bench-server-compare (medians of 7, side by side), at 14% less to 5%
 * more monitor CPU a request. The call's one result is every replica's,
 * whenever it runs; the thread's next call comes only after its answer. */
static bool outside_lock(struct entry *e)
{
	const struct call *c = e->call[e->agreed];
	long flags;

	if (e->as_monitor || !creds_switch(&e->creds) || needs_worker(e))
		return false;
	switch (c->nr) {
	case SYS_newfstatat:
		return true;
	case SYS_openat:
		flags = (long)c->args[2];
		break;
	default:
		return false;
	}
	return !(flags & (O_CREAT | O_TRUNC | O_ACCMODE | O_PATH));
}

/* Outside the lock another thread of the process may close the directory
 * descriptor the call starts from, or chdir (which closes the monitor's
 * old working directory): the monitor's descriptor numbers could then name
 * another file. The call gets copies of its own, made under the lock. */
static int lend(struct entry *e, int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (copy >= 0)
		e->lent[e->nlent++] = copy;
	return copy;
}

static void give_back(struct entry *e)
{
	while (e->nlent)
		close(e->lent[--e->nlent]);
}

/* The working directory and the directory argument (the first, for the
 * calls outside_lock() takes), lent; false: it runs under the lock. */
static bool lend_dirs(struct entry *e)
{
	int cwd = lend(e, e->xas.cwd), dir;

	if (cwd < 0)
		return false;
	dir = (int)e->xargs[0] == e->xas.cwd ? cwd : lend(e, (int)e->xargs[0]);
	if (dir < 0) {
		give_back(e);
		return false;
	}
	e->xas.cwd = cwd;
	e->xargs[0] = (uint64_t)dir;
	return true;
}

void execute_outside(struct entry *e)
{
	bool as = execute_creds_enter(e);

	generic_run(e);
	if (as)
		creds_leave();
	give_back(e);
}

/* Runs e here when it cannot block, or when it can run without blocking
 * now; false: a worker must. */
static bool run_inline(struct entry *e)
{
	if (needs_worker(e))
		return generic_try_nowait(e);
	generic_run(e);
	return true;
}

/* The call runs with the agreed process's credentials (os/creds.c):
 * inline here, or in a worker. */
void execute_start(struct entry *e, int agreed)
{
	enum prep r;
	bool as, ran;

	e->agreed = agreed;
	e->state = E_RUN;
	if (profile_on)
		profile_start(e);
	e->creds = *proc_creds(list_proc(e, agreed));
	e->creds.all_ids = carries_ids(e);
	e->as_monitor = !e->creds.all_ids && checks_no_creds(e);
	r = e->h && e->h->prepare ? e->h->prepare(e) : generic_prepare(e);
	if (r != PREP_RUN) {
		e->report_only = r == PREP_FAIL;
		execute_complete(e);
		return;
	}
	if (outside_lock(e) && pool_defer_room() && lend_dirs(e)) {
		pool_defer(e);
		return;
	}
	as = execute_creds_enter(e);
	ran = run_inline(e);
	if (as)
		creds_leave();
	if (!ran) {
		e->pooled = true;
		pool_submit(e);
		return;
	}
	execute_complete(e);
}

void execute_input(struct entry *e, int r)
{
	execute_start(e, r);
	if (!run_over)
		decide_examine(e);
}
