/* A signal to a thread of the process takes effect before the sender goes on.
 *
 * A server stops a thread by setting a flag, signalling the thread out of
 * its wait with pthread_kill, and then reading, with no lock, a flag that
 * thread sets as it stops: Apache's worker and event MPMs do this
 * (wakeup_listener(), then `while (!dying)` in join_workers()). Whether
 * the signalled thread got there before the sender read the flag is
 * timing, different in every replica, and so is what the sender does next
 * (one more round of sleep and signal, or exit: a DIVERGENCE at the stop).
 *
 * A thread that stops its workers signals each one, and glibc's
 * pthread_kill sends nothing to a thread that is exiting (no getpid, no
 * tgkill, the answer 0): whether a worker had got that far is timing too
 * (Apache worker's join_workers(), after telling them to exit: getpid in
 * one replica, exit_group in the other).
 *
 * So under replicant pthread_kill first waits until the thread it signals
 * has ended or is quiet in a wait (quiet.c), and makes the calls glibc
 * makes for a live thread either way (getpid, tgkill): the signal that
 * ended it may be the one the replicas ahead sent, answered the same here.
 * Then it returns once that thread has ended or has come out of the wait
 * it was in (a call that blocks, block.c, or a condition variable's or a
 * turn's: the signal, or what the sender did before it, may end any of
 * them) and is quiet again, or, if it was running, is quiet: in every
 * replica it has then done what the signal made it do up to its next
 * wait, and the sender reads the same.
 *
 * Quiet in a call that blocks counts only while the monitor runs that call
 * for the outside world (REPLICANT_SYS_BLOCKED) and for SETTLE_STABLE_NS
 * in one piece: its answer may be on its way, and in a replica behind the
 * others it always is. The sender waits as a quiet thread, in naps (the
 * question takes no place in the list, so waiting changes no replica's
 * calls). A signal that ends no wait (blocked, ignored, a call restarted
 * after the handler, a condition variable's wait, which goes on after it)
 * or a thread that never waits is waited for SETTLE_MAX_NS at most in all;
 * then the call goes on as it did before.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>

#include "rpt.h"
#include "sys.h"

#define SETTLE_NAP_MIN_NS 20000ll	/* the first nap: 20 us */
#define SETTLE_NAP_MAX_NS 1000000ll	/* the longest: 1 ms */
#define SETTLE_STABLE_NS 4000000ll	/* quiet in one wait this long: 4 ms */
#define SETTLE_MAX_NS 500000000ll	/* then the sender goes on: 0.5 s */

static int (*_Atomic real_kill)(pthread_t, int);

/* Until k's thread ended, or has been quiet in one wait for SETTLE_STABLE_NS:
 * a call that blocks only in name (a read of a pipe that has data, the
 * drain of a wakeup pipe) is quiet for the moment the monitor takes to
 * answer it, then the thread runs on. *budget: what is left of
 * SETTLE_MAX_NS. true: it ended. */
static bool settle(const struct rpt_mark *k, int64_t *budget)
{
	int64_t waited = 0, ns = SETTLE_NAP_MIN_NS, quiet_since = -1;
	uint32_t epoch = 0, quiet_epoch = 0;

	for (;;) {
		switch (rpt_quiet_settled(k, &epoch)) {
		case RPT_ENDED:
			return true;
		case RPT_QUIET_CALL:
			/* blocked here, but the monitor may have its answer */
			if (rp_syscall6(REPLICANT_SYS_BLOCKED, k->vtid, 0, 0, 0, 0, 0) != 1) {
				quiet_since = -1;
				break;
			}
			/* fall through */
		case RPT_QUIET:
			if (quiet_since < 0 || epoch != quiet_epoch) {
				quiet_since = waited;
				quiet_epoch = epoch;
			} else if (waited - quiet_since >= SETTLE_STABLE_NS) {
				return false;
			}
			break;
		case RPT_BUSY:
		default:
			quiet_since = -1;
			break;
		}
		if (waited >= *budget)
			return false;
		rpt_quiet_sleep(ns, NULL);
		waited += ns;
		*budget -= ns;
		if (ns < SETTLE_NAP_MAX_NS)
			ns *= 2;
	}
}

/* Thread vtid ended: in a replica behind the others, the signal they sent
 * may be what ended it. glibc would make no call; they made getpid and
 * tgkill, so this one does, and is answered as they were. glibc answers 0
 * for a thread that exited. */
static int signal_ended(uint32_t vtid, int sig)
{
	long pid = rp_syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);

	rp_syscall6(SYS_tgkill, pid, vtid, sig, 0, 0, 0);
	return 0;
}

PT_API int pthread_kill(pthread_t t, int sig)
{
	int (*fn)(pthread_t, int) = atomic_load_explicit(&real_kill, memory_order_relaxed);
	int64_t budget = SETTLE_MAX_NS;
	struct rpt_mark k;
	int err;

	if (unlikely(!fn)) {
		fn = (int (*)(pthread_t, int))dlsym(RTLD_NEXT, "pthread_kill");
		if (!fn)
			return ENOSYS;
		atomic_store_explicit(&real_kill, fn, memory_order_relaxed);
	}
	if (!rpt_on() || !atomic_load(&rpt_threaded))
		return fn(t, sig);
	switch (rpt_quiet_mark(t, &k)) {
	case RPT_MARK_NONE:
		return fn(t, sig);
	case RPT_MARK_ENDED:
		return signal_ended(k.vtid, sig);
	case RPT_MARK_LIVE:
	default:
		break;
	}
	k.anew = false;
	if (settle(&k, &budget) || rpt_quiet_mark(t, &k) != RPT_MARK_LIVE)
		return signal_ended(k.vtid, sig);
	err = fn(t, sig);
	if (!err && sig != 0)
		settle(&k, &budget);
	return err;
}
