/* Record locks (fcntl F_SETLK, F_SETLKW, F_GETLK) by process.
 *
 * A replica's POSIX record lock belongs to its process. The monitor runs
 * the call on a description of its own, and a POSIX lock it took there
 * would be the monitor's: two processes of one replica would never
 * exclude each other, and the monitor closing any descriptor of the file
 * would drop every process's locks on it. So each process (by its virtual
 * pid, the same in every replica) that locks a regular file gets a
 * description of the file of its own, opened again by the monitor, and
 * the lock is taken there as an open file description lock (F_OFD_*):
 * owned by that description, so by that process, and seen by every other
 * process on the machine as a lock. It closes, and its locks go, as POSIX
 * says: when the process closes any descriptor of the file (its fdtab's
 * close, a dup2 over it, close-on-exec, its exit). */
#ifndef REPLICANT_PLOCKS_H
#define REPLICANT_PLOCKS_H

#include <sys/types.h>

struct fobj;

/* The description process vpid locks o's file through (made on its first
 * use); -1 and errno when it cannot be opened. */
int plock_fd(pid_t vpid, const struct fobj *o);
/* Process vpid closed a descriptor of o: its locks on o's file go. */
void plock_closed(pid_t vpid, const struct fobj *o);
/* The virtual pid of the process whose description holds the lock the
 * monitor's F_OFD_GETLK on vpid's description reported (type, start and
 * length as it gave them), or -1 (another program's OFD lock). */
pid_t plock_holder(pid_t vpid, const struct fobj *o, short type, off_t start, off_t len);

#endif
