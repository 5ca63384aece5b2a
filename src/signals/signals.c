/* Signals delivered at a position: a signal sent to replicant (forwarded
 * to the initial thread of every replica), a timer's SIGALRM (to the
 * thread that set the timer, calls/timer.c), a kill or tgkill between a
 * replica's own threads and processes (calls/kill.c) and the kernel's
 * SIGCHLD (peersig.c) reach every replica's thread at the same point of
 * its peer group's syscall list. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/groups.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/procfs.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "signals/signals.h"
#include "table/sysent.h"

#define MAX_DELIVERIES 16

/* A signal on its way to one peer group. */
struct delivery {
	int sig;		/* 0: free */
	bool external;		/* sent to replicant (a second one ends the run) */
	struct group *g;
	uint64_t pos;		/* the position in g's list */
	uint32_t done;		/* replicas it was sent to */
	uint64_t deadline;
	uint64_t asleep_since[MAX_REPLICAS]; /* first seen asleep at the position */
	uint64_t seen_pos[MAX_REPLICAS];	/* where each member was last seen */
	uint64_t moved_ns[MAX_REPLICAS];	/* and when it last moved */
};

static struct delivery dlv[MAX_DELIVERIES];

/* The position each recent signal went to, by group: the next one of the
 * same number must come later. Two sent at one position are pending
 * together, and the kernel delivers a standard signal once: a program
 * that counts them (a child's kill every 3 ms, which a plain run gets one
 * by one) would lose one. */
#define MAX_RECENT 64

static struct {
	const struct group *g;
	int sig;
	uint64_t pos;
} recent[MAX_RECENT];
static unsigned recent_next;

static uint64_t after_last(const struct delivery *self, const struct group *g, int sig,
			   uint64_t pos)
{
	int i;

	for (i = 0; i < MAX_RECENT; i++)
		if (recent[i].g == g && recent[i].sig == sig && recent[i].pos >= pos)
			pos = recent[i].pos + 1;
	for (i = 0; i < MAX_DELIVERIES; i++) /* and those still on their way */
		if (&dlv[i] != self && dlv[i].sig == sig && dlv[i].g == g && dlv[i].pos >= pos)
			pos = dlv[i].pos + 1;
	return pos;
}

static void remember(const struct group *g, int sig, uint64_t pos)
{
	int i;

	for (i = 0; i < MAX_RECENT; i++) {
		if (recent[i].g == g && recent[i].sig == sig) {
			if (pos > recent[i].pos)
				recent[i].pos = pos;
			return;
		}
	}
	recent[recent_next].g = g;
	recent[recent_next].sig = sig;
	recent[recent_next].pos = pos;
	recent_next = (recent_next + 1) % MAX_RECENT;
}
static uint64_t fwd_last_ns; /* when a signal was last forwarded */

/* Signals sent to replicant that every thread blocks, until a thread
 * waits for them in sigwait (the kernel keeps such a signal pending for
 * the process): at most one of each number, as the kernel keeps it. */
static uint64_t parked;	/* bit sig-1 */

static bool external_pending(void)
{
	int i;

	for (i = 0; i < MAX_DELIVERIES; i++)
		if (dlv[i].sig && dlv[i].external)
			return true;
	return false;
}

bool sig_external_within(uint64_t ns)
{
	return external_pending() || (fwd_last_ns && now_ns() - fwd_last_ns < ns);
}

bool sig_targets(const struct group *g)
{
	return sig_sending(g, 0);
}

bool sig_sending(const struct group *g, int sig)
{
	int i;

	for (i = 0; i < MAX_DELIVERIES; i++)
		if (dlv[i].sig && dlv[i].g == g && (!sig || dlv[i].sig == sig))
			return true;
	return false;
}

/* The signal arrives right after the call at the position: it is sent
 * while the thread waits for the monitor in that call, and since the
 * monitor has received it, the wait is not interrupted
 * (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): the kernel delivers the signal
 * as the call returns. A thread asleep in a call the monitor does not see
 * (pause, sigsuspend, nanosleep, a futex) after the call at the position
 * is at the same point too; and when no replica has got the signal yet and
 * every one sleeps after the same call, that call becomes the position.
 *
 * "Asleep" is read from /proc, and a thread may be waking as it is read:
 * sent the signal then, it would get it after its next call (whose
 * interruption signals/peersig.c holds back), one call late. So a thread counts as
 * asleep only once it has been, at the same place, for ASLEEP_NS: a short
 * sleep ends in a call, where it is caught; a long one rarely ends at that
 * very moment.
 *
 * A position every replica has passed without the signal (they were all
 * running) is replaced by the furthest one again. A replica that makes no
 * call for DELIVER_WAIT_NS and is at none of these places gets the signal
 * where it is. */
#define DELIVER_WAIT_NS 1000000000ull
#define ASLEEP_NS 20000000ull

/* Blocked in the kernel, in a call the monitor does not see. */
static bool asleep_locally(const struct peer *p)
{
	const struct sysent *se;
	unsigned long arg0;
	long nr;

	if (procfs_task_call(p->proc->pid, p->tid, &nr, &arg0) != TASK_IN_CALL)
		return false;
	/* a call the filter sends to the monitor is one it is about to see
	 * (its notification not received yet): not asleep */
	se = nr < SYSENT_MAX ? sysent_get(nr) : NULL;
	return se && se->name && se->cls == SC_LOCAL && !(se->flags & SF_SHARED_MAP);
}

/* The entry of the call p is in, if the monitor holds or watches it: one
 * it answers, a wait held at its entry (W_WAIT) or a traced call let run
 * to its exit stop (a wait or a fork). A signal positioned there is
 * delivered as that call returns. */
static const struct entry *in_call(const struct peer *p)
{
	if (p->waiting == W_NOTIF || p->waiting == W_WAIT)
		return p->entry;
	return p->fix != FIX_NONE ? p->fix_entry : NULL;
}

/* The call p is in, or the next one it will make. */
static uint64_t place(const struct peer *p)
{
	const struct entry *e = in_call(p);

	return e ? e->seq : p->pos;
}

/* p has been asleep locally at the same place for ASLEEP_NS. */
static bool settled(struct delivery *d, const struct peer *p, uint64_t now)
{
	uint64_t *since = &d->asleep_since[p->rep->idx];

	if (p->waiting != W_NONE || !p->pos || !asleep_locally(p)) {
		*since = 0;
		return false;
	}
	if (!*since)
		*since = now;
	return now - *since >= ASLEEP_NS;
}

/* No call from p for DELIVER_WAIT_NS. */
static bool stuck(struct delivery *d, const struct peer *p, uint64_t now)
{
	int r = p->rep->idx;

	if (!d->moved_ns[r] || place(p) != d->seen_pos[r]) {
		d->seen_pos[r] = place(p);
		d->moved_ns[r] = now;
	}
	return now - d->moved_ns[r] >= DELIVER_WAIT_NS;
}

/* The first position every member of g can still reach. Members that
 * ended count: a replica behind its ended peers that gets a signal they
 * did not (a SIGCHLD the kernel merged in theirs) gets it where they would
 * have had it, after their end, which it then reaches without it. Only
 * replicas killed as a minority do not. */
static uint64_t furthest(const struct group *g)
{
	uint64_t pos = 0;
	int i;

	for (i = 0; i < opt.n; i++) {
		const struct peer *p = g->member[i];

		if (!replicas[i].killed && p && place(p) > pos)
			pos = place(p);
	}
	return pos;
}

/* A SIGCHLD whose position is a traced call (a wait, as a rule) comes as
 * that call returns, at its exit stop (loop/tracer.c): it tells of the child
 * the wait is there to reap, and sent at once it would interrupt the wait
 * in one replica and not in another whose child ended already. Any other
 * signal interrupts the call as it would in a plain run. */
static bool at_exit_stop(const struct delivery *d, const struct peer *p, bool at_pos)
{
	return at_pos && d->sig == SIGCHLD && p->waiting != W_NOTIF && in_call(p);
}

static void send_to(struct delivery *d, struct peer *p, bool at_exit)
{
	debugmsg("signal %d to replica %d group %d: position %llu, its place %llu%s%s", d->sig,
		 p->rep->idx, d->g->id, (unsigned long long)d->pos, (unsigned long long)place(p),
		 at_exit ? ", at its exit stop" : "", p->exited ? ", ended" : "");
	d->done |= 1u << p->rep->idx;
	if (p->exited)
		return;
	if (at_exit) {
		sig_at_exit(p, d->sig);
		return;
	}
	sig_send(p, d->sig);
	sig_interrupt_call(p, d->sig);
	/* a wait held for a leader: let it go, the signal interrupts it as
	 * it would a plain run's */
	if (p->waiting == W_WAIT)
		wait_abandon(p);
}

/* Nobody has it yet: all asleep after one same call (that call is the
 * position), or all past the position (the furthest place again). */
static void retarget(struct delivery *d, uint32_t live, uint64_t now)
{
	uint64_t q = 0;
	bool all_asleep = true, all_past = true, first = true;
	int i;

	for (i = 0; i < opt.n; i++) {
		struct peer *p = d->g->member[i];

		if (!(live & (1u << i)) || !p || p->exited)
			continue;
		if (!settled(d, p, now) || (!first && p->pos != q))
			all_asleep = false;
		q = p->pos, first = false;
		if (place(p) <= d->pos)
			all_past = false;
	}
	if (first)
		return;
	if (all_asleep)
		d->pos = after_last(d, d->g, d->sig, q - 1);
	else if (all_past)
		d->pos = after_last(d, d->g, d->sig, furthest(d->g));
}

static bool at_position(struct delivery *d, const struct peer *p, uint64_t now)
{
	const struct entry *e = in_call(p);

	if (e)
		return e->seq == d->pos;
	return p->pos == d->pos + 1 && settled(d, p, now);
}

static void deliver_one(struct delivery *d)
{
	uint32_t live = run_live_mask();
	uint64_t now = now_ns();
	bool at, exit_stop;
	int i;

	if (!d->done)
		retarget(d, live, now);
	for (i = 0; i < opt.n; i++) {
		struct peer *p = d->g->member[i];

		if (!(live & (1u << i)) || (d->done & (1u << i)))
			continue;
		if (!p) {
			if (now >= d->deadline)
				d->done |= 1u << i;
			continue;
		}
		at = !p->exited && at_position(d, p, now);
		exit_stop = at_exit_stop(d, p, at);
		/* a held wait is let go with ptrace: by the tracer thread */
		if (!exit_stop && p->waiting == W_WAIT && !pt_on_tracer())
			continue;
		if (p->exited || at || (now >= d->deadline && stuck(d, p, now))) {
			remember(d->g, d->sig, d->pos);
			send_to(d, p, exit_stop);
		}
	}
	if ((d->done & live) == live)
		d->sig = 0;
}

static void unpark(void);

void sig_check(void)
{
	int i;

	if (parked)
		unpark();
	for (i = 0; i < MAX_DELIVERIES; i++)
		if (dlv[i].sig)
			deliver_one(&dlv[i]);
}

bool sig_group(struct group *g, int sig, bool external)
{
	struct delivery *d = NULL;
	int i;

	for (i = 0; i < MAX_DELIVERIES && !d; i++)
		if (!dlv[i].sig)
			d = &dlv[i];
	if (!d)
		return false;
	*d = (struct delivery){ .sig = sig, .external = external, .g = g,
				.pos = after_last(d, g, sig, furthest(g)),
				.deadline = now_ns() + DELIVER_WAIT_NS };
	if (external)
		fwd_last_ns = now_ns();
	debugmsg("delivering %s at position %llu of peer group %d", strsignal(sig),
	       (unsigned long long)d->pos, g->id);
	deliver_one(d);
	return true;
}

/* Whether thread p sleeps in sigwait (rt_sigtimedwait, local) for sig. */
static bool sigwaits_for(const struct peer *p, int sig)
{
	unsigned long set_addr;
	uint64_t set;
	long nr;

	return procfs_task_call(p->proc->pid, p->tid, &nr, &set_addr) == TASK_IN_CALL &&
	       nr == SYS_rt_sigtimedwait && mem_read(p->tid, set_addr, &set, sizeof(set)) == 0 &&
	       (set & (1ull << (sig - 1)));
}

/* Whether thread p blocks sig: 1 or 0, -1 when /proc cannot tell. */
static int blocks(const struct peer *p, int sig)
{
	uint64_t blocked, caught, pending, ignored;

	if (procfs_task_sigmasks(p->proc->pid, p->tid, &blocked, &caught, &pending, &ignored))
		return -1;
	return !!(blocked & (1ull << (sig - 1)));
}

/* Where a signal sent to replicant goes: the initial thread, unless it
 * blocks the signal; then, as the kernel gives a signal sent to the
 * process, a thread of the process that waits for it in sigwait (MariaDB's
 * signal thread), or else one that does not block it. NULL when every
 * thread blocks it and none waits for it yet: it waits, parked. Read from
 * the first live replica's threads: every replica's make the same calls,
 * and the signal's position then holds it for the others. */
static struct group *forward_target(int sig)
{
	struct group *g, *unblocked = NULL;
	struct peer *m = NULL, *p;
	int r;

	for (r = 0; r < opt.n && !m; r++)
		if (replicas[r].alive && group0.member[r] && !group0.member[r]->exited)
			m = group0.member[r];
	if (!m || sig < 1 || sig > 64 || blocks(m, sig) != 1)
		return &group0;
	r = m->rep->idx;
	for (g = all_groups; g; g = g->next_all) {
		p = g->member[r];
		if (g == &group0 || !p || p->exited || p->proc != m->proc)
			continue;
		if (sigwaits_for(p, sig))
			return g;
		if (!unblocked && blocks(p, sig) == 0)
			unblocked = g;
	}
	return unblocked;
}

void sig_forward(int sig)
{
	struct group *g = forward_target(sig);

	fwd_last_ns = now_ns();
	if (g)
		sig_group(g, sig, true);
	else
		parked |= 1ull << (sig - 1);
}

/* A parked signal goes once a thread waits for it, or once the initial
 * thread no longer blocks it. */
static void unpark(void)
{
	struct group *g;
	int sig;

	for (sig = 1; sig <= 64 && parked; sig++) {
		if (!(parked & (1ull << (sig - 1))) || !(g = forward_target(sig)))
			continue;
		parked &= ~(1ull << (sig - 1));
		sig_group(g, sig, true);
	}
}

void sig_forget(const struct group *g)
{
	int i;

	for (i = 0; i < MAX_DELIVERIES; i++)
		if (dlv[i].sig && dlv[i].g == g)
			dlv[i].sig = 0;
	for (i = 0; i < MAX_RECENT; i++)
		if (recent[i].g == g)
			recent[i].g = NULL;
}
