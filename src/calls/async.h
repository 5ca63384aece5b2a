/* O_ASYNC on external descriptors: SIGIO for the process a replica named
 * with F_SETOWN, at one position in every replica. */
#ifndef REPLICANT_ASYNC_H
#define REPLICANT_ASYNC_H

#include <signal.h>

#include "model/fdtab.h"

/* What the kernel sends the monitor for a watched descriptor (its si_fd
 * says which): blocked in every thread, read from the loop's signalfd. */
#define SIG_ASYNC (SIGRTMIN + 2)

/* Sets the monitor's descriptor of o as o's owner and O_ASYNC flag ask:
 * the kernel signals the monitor, which passes SIGIO on (async_signal). */
void async_apply(struct fobj *o);
/* The kernel's SIG_ASYNC for the monitor's descriptor mfd. */
void async_signal(int mfd);
/* The kernel's plain SIGIO: its queue of SIG_ASYNC overflowed, and which
 * descriptors are ready is not known: every owner gets SIGIO. */
void async_overflow(void);

#endif
