/* Starting a replica: a child under ptrace (for exec, exit and signal
 * events) and a seccomp filter whose listener the monitor takes. */
#ifndef REPLICANT_SPAWN_H
#define REPLICANT_SPAWN_H

#include <seccomp.h>

#include "monitor.h"

void spawn_replica(struct replica *r, scmp_filter_ctx ctx, const char *path, char **argv);

#endif
