/* Process ids: each replica sees the virtual ids of its first replica
 * (model/peers.c), in getpid and its kin and in the process-group calls. */
#include <fcntl.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/peers.h"
#include "model/procs.h"
#include "os/ptrace.h"

static enum prep vpid_prepare(struct entry *e)
{
	struct proc *pr = list_proc(e, e->agreed);

	switch (e->call[e->agreed]->nr) {
	case SYS_getppid:
		e->ret = pr->vppid;
		break;
	case SYS_gettid:
		e->ret = e->grp->vtid;
		break;
	default:
		e->ret = pr->vpid;
		break;
	}
	return PREP_DONE;
}

const struct handler h_vpid = {
	.prepare = vpid_prepare,
};

/* A virtual id in register *reg made real, when it is one of p's replica's. */
static void to_real(struct peer *p, unsigned long long *reg)
{
	pid_t real = (long)*reg > 0 ? peer_real_tid(p->rep, (pid_t)*reg) : -1;

	if (real > 0)
		*reg = real;
}

/* setsid, setpgid, getpgid, getpgrp, getsid: the replica's own process
 * groups, made in the replica itself; process ids in their arguments are
 * virtual ones made real, and the id they return is made virtual at the
 * exit stop (FIX_VPID). An id that is no replica's (replicant's own
 * process group) is the same in every replica and passes as it is. */
static void pgrp_traced(struct peer *p, struct user_regs_struct *regs)
{
	switch ((long)regs->orig_rax) {
	case SYS_setpgid:
		to_real(p, &regs->rsi);
		/* fall through */
	case SYS_getpgid:
	case SYS_getsid:
		to_real(p, &regs->rdi);
		break;
	default:
		break;
	}
	if (pt_setregs(p->tid, regs) < 0)
		return;
	p->fix = FIX_VPID;
	pt_syscall(p->tid);
}

const struct handler h_pgrp = {
	.traced = pgrp_traced,
};

/* access, faccessat and faccessat2 without AT_EACCESS check with the
 * process's real ids (os/creds.c). */
static enum prep access_prepare(struct entry *e)
{
	const struct call *c = e->call[e->agreed];

	if (c->nr != SYS_faccessat2 || !(c->args[3] & AT_EACCESS))
		e->creds.real_ids = true;
	return generic_prepare(e);
}

const struct handler h_access = {
	.prepare = access_prepare,
};
