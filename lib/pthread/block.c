/* The calls a thread blocks in, waiting for the world or another thread:
 * while a thread is in one it runs none of the program's code, so it is
 * quiet (quiet.c), and another thread's deadline may pass meanwhile.
 * Without these a thread blocked in accept or sleep would hold up every
 * timed wait of its process until HOLD_MAX_NS. The writes are here for
 * the same reason: under replicant an output waits for the other
 * replicas to make it, and one of theirs may wait for a deadline here.
 *
 * Only calls made through the dynamic linker come here: glibc's own calls
 * (the read inside fread, the nanosleep inside sleep: hence sleep and usleep
 * themselves) do not, and the thread counts as running through them. A
 * thread that has not used this library yet has no slot and is not
 * counted either way.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rpt.h"

/* The calls, as X(ret, name, params, args). */
#define BLOCKING_CALLS(X)                                                               \
	X(ssize_t, read, (int fd, void *buf, size_t n), (fd, buf, n))                   \
	X(ssize_t, readv, (int fd, const struct iovec *iov, int n), (fd, iov, n))       \
	X(ssize_t, recv, (int fd, void *buf, size_t n, int flags), (fd, buf, n, flags)) \
	X(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n))            \
	X(ssize_t, writev, (int fd, const struct iovec *iov, int n), (fd, iov, n))      \
	X(ssize_t, send, (int fd, const void *buf, size_t n, int flags), (fd, buf, n, flags)) \
	X(ssize_t, recvfrom,                                                            \
	  (int fd, void *buf, size_t n, int flags, struct sockaddr *a, socklen_t *alen), \
	  (fd, buf, n, flags, a, alen))                                                 \
	X(ssize_t, recvmsg, (int fd, struct msghdr *m, int flags), (fd, m, flags))      \
	X(int, accept, (int fd, struct sockaddr *a, socklen_t *alen), (fd, a, alen))    \
	X(int, accept4, (int fd, struct sockaddr *a, socklen_t *alen, int flags),       \
	  (fd, a, alen, flags))                                                         \
	X(int, connect, (int fd, const struct sockaddr *a, socklen_t alen), (fd, a, alen)) \
	X(int, poll, (struct pollfd *p, nfds_t n, int ms), (p, n, ms))                  \
	X(int, ppoll,                                                                   \
	  (struct pollfd *p, nfds_t n, const struct timespec *t, const sigset_t *m),    \
	  (p, n, t, m))                                                                 \
	X(int, select, (int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t),     \
	  (n, r, w, e, t))                                                              \
	X(int, pselect,                                                                 \
	  (int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t, const sigset_t *m), \
	  (n, r, w, e, t, m))                                                           \
	X(int, epoll_wait, (int fd, struct epoll_event *ev, int n, int ms), (fd, ev, n, ms)) \
	X(int, epoll_pwait, (int fd, struct epoll_event *ev, int n, int ms, const sigset_t *m), \
	  (fd, ev, n, ms, m))                                                           \
	X(int, nanosleep, (const struct timespec *t, struct timespec *left), (t, left)) \
	X(int, clock_nanosleep,                                                         \
	  (clockid_t c, int flags, const struct timespec *t, struct timespec *left),    \
	  (c, flags, t, left))                                                          \
	X(unsigned, sleep, (unsigned s), (s))                                           \
	X(int, usleep, (useconds_t us), (us))                                           \
	X(int, pause, (void), ())                                                       \
	X(int, sigsuspend, (const sigset_t *m), (m))                                    \
	X(int, sigwait, (const sigset_t *m, int *sig), (m, sig))                        \
	X(int, sigwaitinfo, (const sigset_t *m, siginfo_t *i), (m, i))                  \
	X(int, sigtimedwait, (const sigset_t *m, siginfo_t *i, const struct timespec *t), \
	  (m, i, t))                                                                    \
	X(pid_t, wait, (int *status), (status))                                         \
	X(pid_t, waitpid, (pid_t pid, int *status, int opts), (pid, status, opts))      \
	X(int, waitid, (idtype_t t, id_t id, siginfo_t *i, int opts), (t, id, i, opts)) \
	X(int, pthread_join, (pthread_t t, void **ret), (t, ret))

#define DECLARE(ret, name, params, args) static ret(*_Atomic real_##name) params;
BLOCKING_CALLS(DECLARE)

/* glibc's, found at load (rpt_resolve()); a call from another library's
 * constructor before that finds it on the spot. dlsym is not
 * async-signal-safe, and read is called from signal handlers. */
#define RESOLVE(ret, name, params, args) \
	atomic_store_explicit(&real_##name, (ret(*) params)dlsym(RTLD_NEXT, #name), \
			      memory_order_relaxed);

void rpt_block_resolve(void)
{
	BLOCKING_CALLS(RESOLVE)
}

/* ret name(params): quiet (quiet.c) while glibc's runs. */
#define WRAP(ret, name, params, args)                                                   \
	PT_API ret name params                                                          \
	{                                                                               \
		ret(*fn_) params = atomic_load_explicit(&real_##name, memory_order_relaxed); \
		uint32_t tok_;                                                          \
		ret ret_;                                                               \
		int err_;                                                               \
                                                                                        \
		if (unlikely(!fn_)) {                                                   \
			rpt_block_resolve();                                            \
			fn_ = atomic_load_explicit(&real_##name, memory_order_relaxed); \
		}                                                                       \
		tok_ = rpt_quiet_call();                                                \
		ret_ = fn_ args;                                                        \
		err_ = errno;                                                           \
		rpt_quiet_run(tok_);                                                    \
		errno = err_;                                                           \
		return ret_;                                                            \
	}
BLOCKING_CALLS(WRAP)
