#include "loop/loop.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "calls/async.h"
#include "calls/calls.h"
#include "end/profile.h"
#include "end/report.h"
#include "end/stall.h"
#include "list/answer.h"
#include "list/arrive.h"
#include "list/excuse.h"
#include "list/execute.h"
#include "list/pool.h"
#include "loop/threads.h"
#include "loop/tracer.h"
#include "model/peers.h"
#include "model/run.h"
#include "os/ptrace.h"
#include "os/util.h"
#include "signals/signals.h"

/* Guards all monitor state: the listener threads, the main thread
 * (signals, ptrace events) and the workers take it around each event.
 * Two listeners whose replicas make the same call at once meet here on
 * nearly every call, and the holder's turn (a microsecond or two for a
 * call with nothing to run) is shorter than a futex sleep and a wake-up
 * across CPUs: so a taker spins a little before it sleeps (the lock
 * column of bench/breakdown.sh). A futex word as in Drepper's "Futexes
 * Are Tricky": 0 free, 1 held, 2 held with sleepers. */
static _Atomic int mon_word;
#define MON_SPIN 200	/* pause loops before a sleep: a few microseconds */
static int sfd;

static void mon_lock(void)
{
	int c, i;

	for (i = 0; i < MON_SPIN; i++) {
		c = 0;
		if (atomic_load_explicit(&mon_word, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak(&mon_word, &c, 1))
			return;
		__builtin_ia32_pause();
	}
	c = 0;
	if (atomic_compare_exchange_strong(&mon_word, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&mon_word, 2);
	while (c != 0) {
		syscall(SYS_futex, &mon_word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = atomic_exchange(&mon_word, 2);
	}
}

static void mon_unlock(void)
{
	if (atomic_fetch_sub(&mon_word, 1) != 1) {
		atomic_store(&mon_word, 0);
		syscall(SYS_futex, &mon_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

/* The answers go out, then the calls this thread deferred run. */
static void unlock_and_flush(void)
{
	mon_unlock();
	answer_flush();
	pool_run_deferred();
}

/* A worker finished running e. */
static void worker_done(struct entry *e)
{
	struct group *g = e->grp;

	mon_lock();
	if (!run_over) {
		execute_complete(e);
		answer_gc(g);
	}
	unlock_and_flush();
}

/* --perturb: one call in four waits up to perturb_max_us before the
 * monitor looks at it, a different sequence in every replica, so threads
 * that race for shared memory take their turns in different orders. */
static void perturb_delay(uint64_t *rnd)
{
	uint64_t x = rng_next(rnd);
	struct timespec ts;

	if ((x & 3) != 0)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)((x >> 8) % opt.perturb_max_us) * 1000;
	nanosleep(&ts, NULL);
}

/* The same as a listener's turn, timed (--profile). */
static void profiled_arrival(struct replica *r, struct seccomp_notif *req)
{
	uint64_t t0 = now_ns(), t1, t2;

	mon_lock();
	t1 = now_ns();
	arrive_notification(r, req);
	t2 = now_ns();
	unlock_and_flush();
	profile_notif(req->data.nr, t1 - t0, t2 - t1, now_ns() - t2);
}

/* One thread per replica waits in SECCOMP_IOCTL_NOTIF_RECV: with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel wakes it on the replica's
 * own CPU, as cheap as a notification round trip gets. A single thread
 * polling every listener would be pulled from CPU to CPU instead. */
static void *listener_thread(void *arg)
{
	struct replica *r = arg;
	uint64_t rnd = opt.perturb_seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(r->idx + 1));

	for (;;) {
		struct seccomp_notif req;

		memset(&req, 0, sizeof(req));
		if (ioctl(r->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			if (run_over || r->reaped)
				return NULL;
			die_errno("receiving a notification from replica %d", r->idx);
		}
		if (opt.perturb)
			perturb_delay(&rnd);
		if (profile_on) {
			profiled_arrival(r, &req);
			continue;
		}
		mon_lock();
		arrive_notification(r, &req);
		unlock_and_flush();
	}
	return NULL;
}

/* When replicant last forwarded a signal that asks a program to stop. */
static uint64_t last_stop_ns;

static bool stop_signal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT;
}

/* A stop signal came before, and is on its way or less than a second old. */
static bool stop_again(void)
{
	return last_stop_ns && (now_ns() - last_stop_ns < 1000000000ull ||
				sig_external_within(0));
}

static void on_signal(void)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			tracer_on_sigchld();
			continue;
		}
		if (sig == SIG_ASYNC || sig == SIGIO) {
			if (sig == SIG_ASYNC)
				async_signal(si.ssi_fd);
			else
				async_overflow();
			continue;
		}
		/* a second stop signal while one is on its way, or within
		 * a second of it, ends the run: the way out of a program
		 * that ignores them. The others (a server's graceful restart,
		 * log reopening) are only forwarded. */
		if (!run_over && (!stop_signal(sig) || !stop_again())) {
			if (stop_signal(sig))
				last_stop_ns = now_ns();
			sig_forward(sig);
			continue;
		}
		if (!run_over)
			warnmsg("received %s again; stopping all replicas", strsignal(sig));
		run_end(128 + sig);
	}
}

static void setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	/* what servers take to restart gracefully, reopen their logs or
	 * stop their workers (Apache: USR1, WINCH; nginx: USR1, USR2, WINCH) */
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIG_ASYNC);
	sigaddset(&set, SIGIO);	/* SIG_ASYNC's queue overflowed: not our end */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno("sigprocmask");
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die_errno("signalfd");
	signal(SIGPIPE, SIG_IGN);
}

void loop_setup(void)
{
	run_init();
	setup_signals();
	pt_init_tracer();
}

void loop_add_initial_peers(void)
{
	int i;

	group0.vtid = replicas[0].pid;
	for (i = 0; i < opt.n; i++) {
		struct proc *pr = replicas[i].proc0;
		struct peer *p;

		pr->vpid = pr->fds.vpid = replicas[0].pid;
		pr->pid = replicas[i].pid;
		p = peer_new(&replicas[i], replicas[i].pid, pr, &group0);
		p->initial_exec = true;
	}
}

/* How long the main thread may sleep: until the next delayed thread start
 * or timer, at most 50 ms (the stall checks). */
static int next_wake_ms(void)
{
	int wait_ms = 50, due = threads_start_delayed(), timer_due = timer_check();

	if (timer_due >= 0 && (due < 0 || timer_due < due))
		due = timer_due;
	return due >= 0 && due < wait_ms ? due : wait_ms;
}

static void start_listeners(void)
{
	pthread_t t;
	int i;

	for (i = 0; i < opt.n; i++)
		if (pthread_create(&t, NULL, listener_thread, &replicas[i]) != 0)
			die("cannot start a listener thread");
}

int loop_run(void)
{
	struct pollfd pfd[2];
	uint64_t started;
	int code;

	/* Replicas run with rdtsc disabled (PR_TSC_SIGSEGV), and every switch
	 * between a task with it and one without rewrites CR4, which in a VM
	 * is an exit to the hypervisor: it tripled the cost of a notification
	 * round trip here. So the monitor disables it for itself too (its
	 * threads inherit it). */
#ifndef MONITOR_KEEPS_TSC /* sanitizer builds: their runtime reads the clock through the vDSO */
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
		die_errno("prctl(PR_SET_TSC)");
#endif
	started = now_ns();
	pool_init(worker_done);
	answer_init();
	mon_lock();
	start_listeners();
	while (!run_all_reaped()) {
		int wait_ms = next_wake_ms();

		pfd[0] = (struct pollfd){ sfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ answer_wake_fd(), POLLIN, 0 };
		unlock_and_flush();
		if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR)
			die_errno("poll");
		mon_lock();
		if (pfd[0].revents)
			on_signal();
		if (pfd[1].revents)
			answer_ptrace_pending();
		if (run_over)
			run_kill_all();
		else
			stall_check();
		sig_check();
		excuse_check();
		pool_interrupt_retry();
	}
	code = run_final_code();
	report_finish(code);
	profile_write(now_ns() - started);
	return code;
}
