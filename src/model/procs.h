/* A replica's processes: their descriptor tables and working directories,
 * and the descriptor numbers calls give out. */
#ifndef REPLICANT_PROCS_H
#define REPLICANT_PROCS_H

#include "model/model.h"

struct proc *proc_new(pid_t vpid, pid_t vppid, int cwd);
/* A copy for a forked child: the same objects, its own table. */
struct proc *proc_fork(const struct proc *parent, pid_t vpid);
/* The object behind descriptor fd of p's process, or NULL. */
struct fobj *peer_fobj(const struct peer *p, long fd);
/* The process that made replica r's call at e. */
struct proc *entry_proc(const struct entry *e, int r);
/* The object behind descriptor argument i of replica r's call at e. */
struct fobj *entry_fobj(const struct entry *e, int r, int i);
/* The number of the k-th (0 or 1) descriptor that call e creates: the same
 * in every replica, chosen when first asked, at least min. With e NULL (a
 * call outside the list), the lowest free in p's own table. */
int proc_fd_number(struct entry *e, struct peer *p, int k, int min);
/* p's thread made the close it was let make: its number is free again. */
void proc_settle_close(struct peer *p);

#endif
