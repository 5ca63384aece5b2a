/* A replica's processes: their descriptor tables and working directories,
 * and the descriptor numbers calls give out. */
#ifndef REPLICANT_PROCS_H
#define REPLICANT_PROCS_H

#include "model/model.h"

struct proc *proc_new(pid_t vpid, pid_t vppid, int cwd);
/* A copy for a forked child: the same objects, its own table. */
struct proc *proc_fork(const struct proc *parent, pid_t vpid);
/* The object behind descriptor fd of process pr, or NULL. */
struct fobj *proc_fobj(const struct proc *pr, long fd);
/* The number of the k-th (0 or 1) descriptor that call e creates: the same
 * in every replica, chosen when first asked, at least min. With e NULL (a
 * call outside the list), the lowest free in p's own table. */
int proc_fd_number(struct entry *e, struct peer *p, int k, int min);
/* The same for the j-th object e holds (a descriptor a recvmsg received). */
int proc_held_fd_number(struct entry *e, struct peer *p, int j);
/* p's thread makes its next call: what its last one was let do in the
 * replica is done (a close: its number is free again; a credential
 * change: read the credentials again). */
void proc_settle(struct peer *p);
/* p's thread is let change its process's credentials. */
void proc_creds_changing(struct peer *p);
/* pr's credentials, read from /proc when they may have changed. */
const struct creds *proc_creds(struct proc *pr);

#endif
