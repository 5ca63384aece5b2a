/* The time-stamp counter probe. Replicas run with PR_TSC_SIGSEGV so that
 * each rdtsc faults and the monitor answers it (an input, decided once);
 * where the kernel accepts the request but the CPU (or the hypervisor)
 * does not fault, each replica reads its own counter, and a program that
 * puts it into an output diverges. Nothing short of rewriting the
 * program's code can catch those reads: the run goes on, and the reports
 * say so (end/report.c). */
#include "os/tsc.h"

#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/util.h"

bool tsc_traps;

void tsc_probe(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die_errno("fork for the rdtsc probe");
	if (pid == 0) {
		uint32_t lo, hi;

		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		signal(SIGSEGV, SIG_DFL);
		if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
			_exit(1);
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		(void)lo, (void)hi;
		_exit(2); /* reached: it did not fault */
	}
	if (waitpid(pid, &status, 0) < 0)
		die_errno("waiting for the rdtsc probe");
	tsc_traps = WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
	debugmsg("rdtsc %s", tsc_traps ? "traps under PR_TSC_SIGSEGV on this machine" :
			"does not trap under PR_TSC_SIGSEGV on this machine: "
			"replicas read their own counters");
}
