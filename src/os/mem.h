/* Reading and writing replica memory. */
#ifndef REPLICANT_MEM_H
#define REPLICANT_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 0 or -errno; a short transfer is -EFAULT. */
int mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max bytes (with the NUL) into a
 * new buffer; *lenp gets its length with the NUL. 0 or -errno. */
int mem_read_str(pid_t pid, uint64_t addr, size_t max, char **out, size_t *lenp);
/* Writes through /proc/PID/mem, which may write read-only pages (the vDSO). */
int mem_poke(pid_t pid, uint64_t addr, const void *buf, size_t len);

#endif
