#include "loop/threads.h"

#include <errno.h>

#include "model/peers.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "seq/seq.h"

/* Threads whose first stop came before their creator's clone event. */
static pid_t early_stops[256];
static int nearly;

void threads_early_stop(pid_t tid)
{
	if (nearly < (int)(sizeof(early_stops) / sizeof(early_stops[0])))
		early_stops[nearly++] = tid;
}

static bool take_early_stop(pid_t tid)
{
	int i;

	for (i = 0; i < nearly; i++) {
		if (early_stops[i] == tid) {
			early_stops[i] = early_stops[--nearly];
			return true;
		}
	}
	return false;
}

/* --perturb: a new thread of replica r starts up to perturb_max_us late,
 * in a sequence of its own, so that threads racing for a lock right after
 * they start take it in different orders in different replicas. */
#define MAX_DELAYED 256

static struct {
	pid_t tid;
	struct peer *p;
	uint64_t at;
} delayed[MAX_DELAYED];
static int ndelayed;

static uint64_t start_delay_ns(int r)
{
	static uint64_t rnd[MAX_REPLICAS];
	uint64_t x;

	if (!rnd[r])
		rnd[r] = opt.perturb_seed ^ (0xd1b54a32d192ed03ull * (uint64_t)(r + 1)) ^ 1;
	x = rng_next(&rnd[r]);
	return (x & 1) ? ((x >> 8) % opt.perturb_max_us) * 1000 : 0;
}

static void start_thread(struct peer *p)
{
	uint64_t d = opt.perturb ? start_delay_ns(p->rep->idx) : 0;

	if (d && ndelayed < MAX_DELAYED) {
		delayed[ndelayed].tid = p->tid;
		delayed[ndelayed].p = p;
		delayed[ndelayed++].at = now_ns() + d;
		return;
	}
	pt_cont(p->tid, 0);
}

/* A thread that died meanwhile is left. */
int threads_start_delayed(void)
{
	uint64_t now = now_ns(), next = UINT64_MAX;
	int i = 0;

	while (i < ndelayed) {
		if (delayed[i].at <= now || run_over) {
			if (peer_find(delayed[i].tid) == delayed[i].p)
				pt_cont(delayed[i].tid, 0);
			delayed[i] = delayed[--ndelayed];
			continue;
		}
		if (delayed[i].at < next)
			next = delayed[i].at;
		i++;
	}
	return next == UINT64_MAX ? -1 : (int)((next - now) / 1000000 + 1);
}

/* Lets the group's new threads run once a majority of replicas created
 * theirs, so that a thread never runs ahead of a creation that its peers
 * have not confirmed. */
static void group_release(struct group *g)
{
	int i, count = 0;

	for (i = 0; i < opt.n; i++)
		if (g->member[i])
			count++;
	if (count >= majority)
		g->released = true;
	if (!g->released)
		return;
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->held && p->stopped) {
			p->held = false;
			p->stopped = false;
			start_thread(p);
		}
	}
}

void threads_first_stop(struct peer *p)
{
	p->stopped = true;
	group_release(p->grp);
}

/* The kernel made a thread or a process: the k-th that p's group makes
 * is its k-th child group in every replica. */
void threads_on_clone(struct peer *p, bool process)
{
	unsigned long msg = 0;
	struct peer *np;
	struct proc *pr;
	struct group *g;
	int r = p->rep->idx, err = pt_eventmsg(p->tid, &msg);

	/* gone: its process was killed (a SIGTERM the program dies of, sent
	 * while this thread was making another), and its child with it */
	if (err == -ESRCH)
		return;
	if (err < 0)
		die("PTRACE_GETEVENTMSG of thread %d failed", (int)p->tid);
	p->clone_sent = false; /* it made its child: a clone now is a new one */
	g = group_child(p->grp, p->grp->created[r]++);
	if (!g)
		die("internal error: replica %d created a thread of a finished peer group", r);
	if (g->member[r])
		die("internal error: replica %d created thread %d of peer group %d twice", r,
		    g->id, p->grp->id);
	g->is_thread = !process;
	p->rep->threads_made++;
	if (!process)
		p->proc->threaded = true;
	pr = process ? proc_fork(p->proc, g->vtid) : p->proc;
	if (process) {
		pr->pid = (pid_t)msg;
		seq_proc_forked(pr, p->proc);
		/* fork returns the child's id: the virtual one */
		p->fix = FIX_RET;
		p->fix_val = g->vtid;
	}
	np = peer_new(p->rep, (pid_t)msg, pr, g);
	np->held = true;
	np->stopped = take_early_stop(np->tid);
	debugmsg("replica %d: peer group %d created peer group %d (thread %d)", r, p->grp->id, g->id,
		 np->tid);
	group_release(g);
}
