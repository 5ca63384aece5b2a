#include "list/answer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/notif.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "signals/signals.h"

/* A thread this many calls ahead of the slowest of its peers waits for
 * them, so that a syscall list (and the monitor's memory) stays bounded. */
#define MAX_LEAD 16384

static int wake_fd = -1;

/* Answers are sent after the thread drops the monitor lock: an answer
 * wakes the replica on this CPU, and if that preempted us with the lock
 * held, the other replicas' threads would queue behind it. */
struct pending_resp {
	int fd;
	struct seccomp_notif_resp resp;
};
static __thread struct pending_resp *outq;
static __thread int outq_n, outq_cap;

void answer_init(void)
{
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wake_fd < 0)
		die_errno("eventfd");
}

int answer_wake_fd(void)
{
	return wake_fd;
}

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

/* ENOENT: the thread is gone (killed), nothing to answer. */
void answer_flush(void)
{
	int i, err;

	for (i = 0; i < outq_n; i++) {
		err = notif_send(outq[i].fd, &outq[i].resp);
		if (err && err != -ENOENT && err != -EINPROGRESS)
			warnmsg("answering a notification: %s", strerror(-err));
	}
	outq_n = 0;
}

/* A peer held in a ptrace stop: an emulated rdtsc/rdtscp gets edx:eax and
 * rip past the instruction; a new program (execve-result) just goes on. */
static void answer_emulated(struct peer *p, long ret)
{
	struct user_regs_struct regs;
	long nr = p->entry->call[p->rep->idx]->nr;
	bool rdtscp = nr == RSYS_RDTSCP;

	if ((nr == RSYS_RDTSC || rdtscp) && pt_getregs(p->tid, &regs) == 0) {
		regs.rax = (uint32_t)ret;
		regs.rdx = (uint64_t)ret >> 32;
		regs.rip += rdtscp ? 3 : 2;
		if (rdtscp)
			regs.rcx = 0;
		pt_setregs(p->tid, &regs);
	}
	pt_cont(p->tid, 0);
}

/* Only the tracer thread may use ptrace: another leaves it the answer. */
static void leave_for_tracer(struct peer *p, long ret)
{
	uint64_t one = 1;

	p->ptrace_ret = ret;
	p->ptrace_pending = true;
	if (write(wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		die_errno("eventfd write");
}

static void respond_notif(struct peer *p, struct answer a)
{
	struct seccomp_notif_resp resp = { .id = p->notif_id };

	if (a.kind == ANS_CONT)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (a.val < 0)
		resp.error = (int)a.val;
	else
		resp.val = a.val;
	if (p->pos - p->grp->base_seq > MAX_LEAD) {
		p->held_resp = resp;
		p->has_held = true;
	} else {
		queue_response(p->rep->listener, &resp);
	}
}

void answer_send(struct peer *p, struct answer a)
{
	if (a.kind == ANS_SENT || a.kind == ANS_LATER)
		return;
	p->continued = p->waiting == W_NOTIF && a.kind == ANS_CONT;
	switch (p->waiting) {
	case W_NOTIF:
		respond_notif(p, a);
		break;
	case W_PTRACE:
		if (!pt_on_tracer()) {
			leave_for_tracer(p, a.val);
			return;
		}
		answer_emulated(p, a.val);
		break;
	case W_WAIT:
		/* a wait is answered at its exit stop (calls/wait.c) */
		return;
	case W_NONE:
	default:
		break;
	}
	p->waiting = W_NONE;
	p->entry = NULL;
}

void answer_unknown(struct replica *r, uint64_t id, long err)
{
	struct seccomp_notif_resp resp = { .id = id, .error = (int)err };

	queue_response(r->listener, &resp);
}

static void flush_one(struct peer *p)
{
	if (p->ptrace_pending && p->waiting == W_PTRACE) {
		p->ptrace_pending = false;
		answer_send(p, ans_val(p->ptrace_ret));
	}
}

void answer_ptrace_pending(void)
{
	uint64_t v;

	if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		die_errno("eventfd read");
	peer_each(flush_one);
}

/* The kernel sends SIGPIPE with the EPIPE of a write to a pipe or stream
 * socket that nobody reads any more, unless a send asked MSG_NOSIGNAL. The
 * monitor ran the call (and ignores SIGPIPE itself): the replica's thread
 * gets it as the call returns, as it would have (signals/peersig.c). */
static bool raises_sigpipe(const struct entry *e, const struct call *c)
{
	if (e->ret != -EPIPE || e->mode != M_OUTPUT || !c)
		return false;
	switch (c->nr) {
	case SYS_sendto:
	case SYS_sendmmsg:
		return !(c->args[3] & MSG_NOSIGNAL);
	case SYS_sendmsg:
		return !(c->args[2] & MSG_NOSIGNAL);
	default:
		return true;
	}
}

void answer_deliver(struct entry *e, struct peer *p)
{
	const struct handler *h = e->h;
	struct answer a;

	if (e->report_only) {
		a = ans_val(e->ret);
	} else {
		mapped_deliver(e, p);
		a = h && h->deliver ? h->deliver(e, p) : generic_deliver(e, p);
	}
	if (a.kind == ANS_LATER)
		return;
	if (a.kind == ANS_VAL)
		a.val = sig_interrupted_answer(e, p, a.val);
	if (p->waiting != W_NONE && a.kind == ANS_VAL && a.val == -EPIPE &&
	    raises_sigpipe(e, e->call[p->rep->idx]))
		sig_send(p, SIGPIPE);
	if (p->waiting != W_NONE)
		answer_send(p, a);
	e->answered |= 1u << p->rep->idx;
}

void answer_gc(struct group *g)
{
	int i;

	list_gc(g);
	for (i = 0; i < opt.n; i++) {
		struct peer *p = g->member[i];

		if (p && p->has_held && p->pos - g->base_seq <= MAX_LEAD) {
			p->has_held = false;
			queue_response(p->rep->listener, &p->held_resp);
		}
	}
}

void answer_refuse(struct peer *p, const struct call *c, const char *why)
{
	char line[512];

	call_format(c, line, sizeof(line));
	warnmsg("refused syscall %s (number %ld) in replica %d, peer group %d at position %llu: %s",
		sysent_name(c->nr), c->nr, p->rep->idx, p->grp->id, (unsigned long long)p->pos, why);
	warnmsg("  the call was: %s", line);
	run_end(EXIT_REPLICANT_ERROR);
}
