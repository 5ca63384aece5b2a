/* Processes and threads: their creation, their end, their credentials and
 * what prctl lets a program do to itself. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "calls/calls.h"
#include "model/list.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/mem.h"

/* The run's status is the initial process's. */
static enum prep exit_group_prepare(struct entry *e)
{
	if (list_proc(e, e->agreed) == replicas[e->agreed].proc0)
		run_exit_agree((int)e->call[e->agreed]->args[0]);
	e->cont = true;
	return PREP_DONE;
}

const struct handler h_exit_group = {
	.prepare = exit_group_prepare,
};

const struct handler h_exit = {
	.each = calls_own_each,
};

/* The kernel reads the path, argv and environment again after the vote,
 * where another thread of the replica may have changed them: what the new
 * program got is compared once it is loaded, before it runs an instruction
 * (the execve-result event, loop/tracer.c). */
static struct answer execve_deliver(struct entry *e, struct peer *p)
{
	(void)e;
	p->proc->exec_voted = true;
	return ans_cont();
}

const struct handler h_execve = {
	.prepare = calls_cont_prepare,
	.deliver = execve_deliver,
};

/* Compared only: the new program waits in its exec stop until a majority
 * got the same, then goes on. */
const struct handler h_execed = {
	.prepare = calls_cont_prepare,
};

/* capset's (and capget's) header names the thread: 0, or the caller's own
 * id, which the program knows as its virtual one (libcap-ng passes
 * getpid()); its kernel knows it by its real one. The caller's own id
 * becomes 0 in its header; any other thread is refused, as the kernel
 * refuses it. */
static pid_t cap_header_pid(const struct call *c)
{
	const uint32_t *hdr = c->buf[0];

	return hdr && c->len[0] >= 2 * sizeof(uint32_t) ? (pid_t)hdr[1] : 0;
}

static long capset_own(struct peer *p, const struct call *c)
{
	pid_t pid = cap_header_pid(c);
	uint32_t zero = 0;

	if (!pid)
		return 0;
	if (pid != p->grp->vtid)
		return -EPERM;
	return mem_write(p->tid, c->args[0] + sizeof(uint32_t), &zero, sizeof(zero));
}

/* capget with the caller's own virtual id reads its own capabilities;
 * with another's, it would read a process that is not that replica's
 * (its virtual id is another replica's real one): refused. */
static enum mode capget_classify(struct peer *p, struct call *c)
{
	pid_t pid = cap_header_pid(c);

	if (pid && pid != p->grp->vtid) {
		c->why = "capget of another process is not supported";
		return M_REFUSE;
	}
	return M_EACH;
}

static struct answer capget_each(struct entry *e, struct peer *p, struct call *c)
{
	long err = capset_own(p, c);

	(void)e;
	return err ? ans_val(err) : ans_cont();
}

const struct handler h_capget = {
	.classify = capget_classify,
	.each = capget_each,
};

/* setuid and its kin, and capset: the process changes its own
 * credentials, which the monitor then uses for what it does for it
 * (os/creds.c). */
static struct answer creds_each(struct entry *e, struct peer *p, struct call *c)
{
	(void)e;
	if (c->nr == SYS_capset) {
		long err = capset_own(p, c);

		if (err)
			return ans_val(err);
	}
	proc_creds_changing(p);
	return ans_cont();
}

const struct handler h_creds = {
	.each = creds_each,
};

/* The process died of a signal it did not get from us (loop/tracer.c): an
 * event compared like a call; nothing to run or answer. */
static enum prep signaled_prepare(struct entry *e)
{
	(void)e;
	return PREP_DONE;
}

const struct handler h_signaled = {
	.prepare = signaled_prepare,
};

/* Threads, and processes with descriptor tables and working directories
 * of their own (shared ones would need shared tables in the monitor). The
 * stack, tls and tid pointers differ under ASLR and are not compared.
 * clone3 never comes here: it answers ENOSYS in the filter. */
static enum mode clone_classify(struct peer *p, struct call *c)
{
	uint64_t flags = c->args[0];

	(void)p;
	if (flags & CLONE_UNTRACED) {
		/* the child would escape the tracer, and with it the run's end */
		c->why = "CLONE_UNTRACED would let the child escape the monitor";
		return M_REFUSE;
	}
	if (flags & CLONE_THREAD)
		return flags & CLONE_VM ? M_OUTPUT : M_REFUSE;
	if (flags & (CLONE_FILES | CLONE_FS | CLONE_PARENT | CLONE_NEWNS | CLONE_NEWPID |
		     CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP))
		return M_REFUSE;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return M_REFUSE;
	return M_OUTPUT;
}

/* The clone is let through (CONTINUE). Until the tracer sees its child,
 * the same call again is this one restarted (list/arrive.c). */
static struct answer clone_deliver(struct entry *e, struct peer *p)
{
	const struct call *c = e->call[p->rep->idx];

	p->clone_sent = true;
	p->clone_nr = c->nr;
	memcpy(p->clone_args, c->args, sizeof(p->clone_args));
	return ans_cont();
}

const struct handler h_clone = {
	.classify = clone_classify,
	.prepare = calls_cont_prepare,
	.deliver = clone_deliver,
	.refuse_why = "this kind of clone (shared descriptor table, namespaces, ...) is not supported",
};

static enum mode fork_classify(struct peer *p, struct call *c)
{
	(void)p, (void)c;
	return M_OUTPUT;
}

const struct handler h_fork = {
	.classify = fork_classify,
	.prepare = calls_cont_prepare,
	.deliver = clone_deliver,
};

/* setpriority of the caller's own process (PRIO_PROCESS, who 0: what
 * pam_limits does under su) is its own business, which its kernel checks
 * (a lower nice value needs CAP_SYS_NICE). A process group, a user, or a
 * process named by its id (its virtual id is another replica's real one)
 * would reach other processes from one replica's call: refused. */
static enum mode setpriority_classify(struct peer *p, struct call *c)
{
	(void)p;
	if ((int)c->args[0] == PRIO_PROCESS && (id_t)c->args[1] == 0)
		return M_EACH;
	c->why = "setpriority of another process, a process group or a user is not supported";
	return M_REFUSE;
}

const struct handler h_setpriority = {
	.classify = setpriority_classify,
	.each = calls_own_each,
};

/* prlimit64 on the caller itself (pid 0, as glibc's getrlimit and
 * setrlimit call it) is its own business: its kernel applies it to it.
 * Any other id would reach another process from one replica's call (its
 * own virtual id is another replica's real one), or the monitor itself
 * if the monitor ran it: refused. */
static enum mode prlimit_classify(struct peer *p, struct call *c)
{
	(void)p;
	if ((pid_t)c->args[0] == 0)
		return M_EACH;
	c->why = "prlimit64 on another process (or by its process id) is not supported";
	return M_REFUSE;
}

/* Core dumps stay off (os/spawn.c): a replica's crash must not write a
 * file no majority chose. Raising the limit fails as it would without the
 * privilege to; every replica asks the same, so every one fails alike. */
static struct answer prlimit_each(struct entry *e, struct peer *p, struct call *c)
{
	const struct rlimit *rl = c->buf[2];

	(void)e, (void)p;
	if (c->args[1] == RLIMIT_CORE && rl && (rl->rlim_cur || rl->rlim_max))
		return ans_val(-EPERM);
	return ans_cont();
}

const struct handler h_prlimit = {
	.classify = prlimit_classify,
	.each = prlimit_each,
	.refuse_why = "prlimit64 on another process is not supported",
};

/* Options that change only the calling process, harmless to the monitor,
 * and what their arguments mean: prctl is variadic, and callers (libcap's
 * constructor) leave garbage in the arguments an option does not read, so
 * those are not compared; a pointer is compared by whether it is NULL (it
 * differs under ASLR). Bit i of val or ptr: argument i (1 to 4: arg2 to
 * arg5). Not among them: PR_SET_DUMPABLE 0 (would end the monitor's access
 * to the replica's memory when it is not root), PR_SET_TSC, PR_SET_SECCOMP,
 * PR_SET_PTRACER. */
#define A2 (1u << 1)
#define A3 (1u << 2)
#define A4 (1u << 3)
#define A5 (1u << 4)
static const struct {
	int option;
	uint8_t val, ptr;
	bool creds;	/* it changes the process's capabilities */
} prctl_own[] = {
	{ PR_SET_NAME, 0, A2 }, { PR_GET_NAME, 0, A2 },
	{ PR_SET_PDEATHSIG, A2, 0 }, { PR_GET_PDEATHSIG, 0, A2 },
	{ PR_GET_DUMPABLE, 0, 0 }, { PR_SET_DUMPABLE, A2, 0 },
	{ PR_SET_NO_NEW_PRIVS, A2 | A3 | A4 | A5, 0 }, { PR_GET_NO_NEW_PRIVS, A2 | A3 | A4 | A5, 0 },
	{ PR_CAPBSET_READ, A2, 0 }, { PR_CAPBSET_DROP, A2, 0, true },
	{ PR_CAP_AMBIENT, A2 | A3 | A4 | A5, 0, true },
	{ PR_GET_KEEPCAPS, 0, 0 }, { PR_SET_KEEPCAPS, A2, 0 },
	{ PR_GET_SECUREBITS, 0, 0 }, { PR_SET_SECUREBITS, A2, 0, true },
	{ PR_GET_TIMERSLACK, 0, 0 }, { PR_SET_TIMERSLACK, A2, 0 },
	{ PR_SET_THP_DISABLE, A2 | A3 | A4 | A5, 0 }, { PR_GET_THP_DISABLE, A2 | A3 | A4 | A5, 0 },
	{ PR_SET_CHILD_SUBREAPER, A2, 0 }, { PR_GET_CHILD_SUBREAPER, 0, A2 },
	{ PR_MCE_KILL, A2 | A3 | A4 | A5, 0 }, { PR_MCE_KILL_GET, A2 | A3 | A4 | A5, 0 },
	{ PR_GET_TSC, 0, A2 }, { PR_SET_VMA, A2 | A4, A3 | A5 },
};

static int prctl_row(uint64_t option)
{
	size_t i;

	for (i = 0; i < sizeof(prctl_own) / sizeof(prctl_own[0]); i++)
		if ((int)option == prctl_own[i].option)
			return (int)i;
	return -1;
}

static enum mode prctl_classify(struct peer *p, struct call *c)
{
	int i = prctl_row(c->args[0]), a;

	(void)p;
	if (i < 0 || (prctl_own[i].option == PR_SET_DUMPABLE && c->args[1] != 1))
		return M_REFUSE;
	for (a = 1; a <= 4; a++)
		if (prctl_own[i].ptr & (1u << a))
			c->args[a] = c->args[a] != 0;
		else if (!(prctl_own[i].val & (1u << a)))
			c->args[a] = 0;
	return M_EACH;
}

/* The options that change capabilities make the monitor read them again
 * (os/creds.c), as capset does. */
static struct answer prctl_each(struct entry *e, struct peer *p, struct call *c)
{
	int i = prctl_row(c->args[0]);

	(void)e;
	if (i >= 0 && prctl_own[i].creds)
		proc_creds_changing(p);
	return ans_cont();
}

const struct handler h_prctl = {
	.classify = prctl_classify,
	.each = prctl_each,
	.refuse_why = "this prctl option is not supported",
};
