/* Neutralising the vDSO: its clock functions read time without a syscall,
 * which would make time a per-replica value. Each entry point is patched to
 * make the real syscall, so time reaches the monitor as an input. */
#ifndef REPLICANT_VDSO_H
#define REPLICANT_VDSO_H

#include <sys/types.h>

/* 0 or -errno. Call while pid is stopped (the exec event stop). */
int vdso_patch(pid_t pid);

#endif
