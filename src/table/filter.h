/* The seccomp filter, generated from the syscall table. */
#ifndef REPLICANT_FILTER_H
#define REPLICANT_FILTER_H

#include <seccomp.h>

/* Local syscalls are allowed, SC_ERRNO ones answered in BPF, and all others
 * go to the monitor as user notifications. */
scmp_filter_ctx filter_build(void);
/* The filter as BPF, to load with flags libseccomp does not know. */
struct sock_fprog;
void filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog);

/* Whether a thread in syscall nr may be waiting for the monitor to read
 * its notification (a local call or one answered in BPF never is). */
#include <stdbool.h>
bool filter_notifies(long nr);

#endif
