#include "model/procs.h"

#include <fcntl.h>

#include "model/run.h"
#include "os/creds.h"
#include "os/util.h"

struct proc *proc_new(pid_t vpid, pid_t vppid, int cwd)
{
	struct proc *pr = xcalloc(1, sizeof(*pr));

	pr->vpid = vpid;
	pr->fds.vpid = vpid;
	pr->vppid = vppid;
	pr->cwd = cwd;
	return pr;
}

struct proc *proc_fork(const struct proc *parent, pid_t vpid)
{
	int cwd = fcntl(parent->cwd, F_DUPFD_CLOEXEC, 3), fd;
	struct proc *pr;

	if (cwd < 0)
		die_errno("dup of a working directory");
	pr = proc_new(vpid, parent->vpid, cwd);
	pr->creds = parent->creds; /* read again at its first need (creds_known) */
	for (fd = 0; fd < parent->fds.size; fd++)
		if (parent->fds.ent[fd].obj)
			fdtab_set(&pr->fds, fd, parent->fds.ent[fd].obj, parent->fds.ent[fd].cloexec);
	return pr;
}

struct fobj *proc_fobj(const struct proc *pr, long fd)
{
	return fdtab_get(&pr->fds, fd);
}

/* The process whose table replica i's thread of g uses: a thread that
 * replica has not created yet will share its creator's. A process it has
 * not created yet has no table: its copy of the parent's is made at the
 * fork, and a number reserved in the parent's would stay there (the
 * parent's close(0) then dup() gave 6 in that replica). */
static struct proc *group_proc(const struct group *g, int i)
{
	if (!g->member[i] && !g->is_thread)
		return NULL;
	for (; g; g = g->parent)
		if (g->member[i])
			return g->member[i]->proc;
	return NULL;
}

/* Descriptor numbers are chosen once per call and used in every replica
 * (SECCOMP_ADDFD_FLAG_SETFD), so that threads racing to open files cannot
 * give the replicas different numbers. While the process has one thread
 * the replicas' tables are in step at each place in its list and the
 * choice is the lowest free one, as POSIX has it (a peer behind may not
 * have made the close before it yet: close(0) then dup() gives 0, as tar
 * needs); once it has threads, the lowest free in every replica.
 * Numbers chosen for a replica that has not made the call yet are
 * reserved in its table. */
static int choose_fd(struct entry *e, struct peer *p, int min, int avoid)
{
	int fd, i;

	for (fd = min;; fd++) {
		bool ok = fdtab_is_free(&p->proc->fds, fd);

		/* a peer whose close of fd is not settled yet (it settles at
		 * its thread's next call, at the latest this one) has it
		 * free for this call: close(0) then dup() must give 0 */
		for (i = 0; i < opt.n && ok && p->proc->threaded; i++)
			if (&replicas[i] != p->rep && replicas[i].alive && group_proc(e->grp, i))
				ok = fdtab_free_once_closed(&group_proc(e->grp, i)->fds, fd);
		if (ok && fd != avoid)
			break;
	}
	for (i = 0; i < opt.n; i++)
		if (&replicas[i] != p->rep && replicas[i].alive && group_proc(e->grp, i))
			fdtab_reserve(&group_proc(e->grp, i)->fds, fd);
	return fd;
}

int proc_fd_number(struct entry *e, struct peer *p, int k, int min)
{
	if (!e)
		return fdtab_lowest_free(&p->proc->fds, min);
	if (e->fdnum[k] < 0)
		e->fdnum[k] = choose_fd(e, p, min, k ? e->fdnum[0] : -1);
	return e->fdnum[k];
}

int proc_held_fd_number(struct entry *e, struct peer *p, int j)
{
	if (e->heldnum[j] < 0)
		e->heldnum[j] = choose_fd(e, p, 0, -1);
	return e->heldnum[j];
}

void proc_settle(struct peer *p)
{
	for (; p->closing_fd >= 0 && p->closing_fd <= p->closing_hi; p->closing_fd++)
		fdtab_closed(&p->proc->fds, p->closing_fd);
	p->closing_fd = -1;
	if (p->creds_changing) {
		p->creds_changing = false;
		p->proc->creds_known = false; /* read them again, now changed */
	}
}

void proc_creds_changing(struct peer *p)
{
	p->creds_changing = true;
	p->proc->creds_known = false;
}

/* A process that cannot be read (it is dying) keeps what was known. */
const struct creds *proc_creds(struct proc *pr)
{
	if (!pr->creds_known && creds_read(pr->pid, &pr->creds) == 0)
		pr->creds_known = true;
	return &pr->creds;
}
