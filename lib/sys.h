/* Raw system calls for the code that runs inside replicas: no errno, no libc
 * wrapper that an interposition library could replace. Each returns the
 * kernel's value (-errno on failure). Only calls that the monitor's filter
 * lets through locally are used on hot paths (futex, mmap, munmap,
 * sched_yield); the rest happen at fixed points (attach). */
#ifndef REPLICANT_SYS_H
#define REPLICANT_SYS_H

#include <linux/futex.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#if defined(__x86_64__)
static inline long rp_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline void rp_cpu_relax(void)
{
	__builtin_ia32_pause();
}
#else
#error "libreplicant: raw syscalls are written for x86_64 only"
#endif

static inline long rp_futex_wait(_Atomic uint32_t *uaddr, uint32_t val, uint32_t bits,
				 const struct timespec *rel)
{
	/* FUTEX_WAIT_BITSET takes an absolute time; a relative one needs plain
	 * FUTEX_WAIT, which waits on every bit. Not private: the word is
	 * shared between processes. */
	if (rel)
		return rp_syscall6(SYS_futex, (long)uaddr, FUTEX_WAIT, val, (long)rel, 0, 0);
	return rp_syscall6(SYS_futex, (long)uaddr, FUTEX_WAIT_BITSET, val, 0, 0, bits);
}

static inline long rp_futex_wake(_Atomic uint32_t *uaddr, int n, uint32_t bits)
{
	return rp_syscall6(SYS_futex, (long)uaddr, FUTEX_WAKE_BITSET, n, 0, 0, bits);
}

static inline long rp_futex_wait_private(_Atomic uint32_t *uaddr, uint32_t val)
{
	return rp_syscall6(SYS_futex, (long)uaddr, FUTEX_WAIT_PRIVATE, val, 0, 0, 0);
}

static inline long rp_futex_wake_private(_Atomic uint32_t *uaddr, int n)
{
	return rp_syscall6(SYS_futex, (long)uaddr, FUTEX_WAKE_PRIVATE, n, 0, 0, 0);
}

static inline void *rp_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return (void *)rp_syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

static inline int rp_mmap_failed(const void *p)
{
	return (unsigned long)p > -4096UL;
}

static inline long rp_munmap(void *addr, size_t len)
{
	return rp_syscall6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

static inline long rp_close(int fd)
{
	return rp_syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

static inline long rp_gettid(void)
{
	return rp_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

#endif
