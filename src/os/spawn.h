/* Starting a replica: a child under ptrace (for exec, exit and signal
 * events) and a seccomp filter whose listener the monitor takes. */
#ifndef REPLICANT_SPAWN_H
#define REPLICANT_SPAWN_H

#include <linux/filter.h>

#include "model/model.h"

void spawn_replica(struct replica *r, const struct sock_fprog *prog, const char *path, char **argv);

#endif
