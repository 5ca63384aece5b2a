#include "model/run.h"

#include <signal.h>
#include <sys/wait.h>

#include "os/util.h"
#include "table/vote.h"

struct options opt;
struct replica replicas[MAX_REPLICAS];
int majority;

bool run_over;
int run_end_code = -1;
bool run_exit_agreed;
static int exit_status;		/* the agreed exit_group's status */

void run_init(void)
{
	int i;

	majority = vote_majority(opt.n);
	util_cleanup_hook = run_kill_all;
	for (i = 0; i < opt.n; i++) {
		replicas[i].idx = i;
		replicas[i].pid = -1;
		replicas[i].listener = -1;
	}
}

uint32_t run_live_mask(void)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < opt.n; i++)
		if (replicas[i].alive)
			m |= 1u << i;
	return m;
}

uint32_t run_vote_mask(void)
{
	uint32_t m = run_live_mask();
	int i;

	for (i = 0; i < opt.n; i++)
		if (replicas[i].excused_from)
			m |= 1u << i;
	return m;
}

int run_healthy(void)
{
	int i, n = 0;

	for (i = 0; i < opt.n; i++)
		if (!replicas[i].killed)
			n++;
	return n;
}

bool run_all_reaped(void)
{
	int i;

	for (i = 0; i < opt.n; i++)
		if (!replicas[i].reaped)
			return false;
	return true;
}

void run_kill_all(void)
{
	int i;

	for (i = 0; i < opt.n; i++) {
		if (replicas[i].pid > 0 && !replicas[i].reaped)
			kill(replicas[i].pid, SIGKILL);
		replicas[i].alive = false;
	}
}

void run_end(int code)
{
	if (run_end_code < 0)
		run_end_code = code;
	run_over = true;
	run_kill_all();
}

bool run_kill_replica(int idx)
{
	struct replica *r = &replicas[idx];

	if (!r->alive)
		return false;
	r->alive = false;
	r->killed = true;
	kill(r->pid, SIGKILL);
	return true;
}

void run_exit_agree(int status)
{
	if (!run_exit_agreed) {
		run_exit_agreed = true;
		exit_status = status & 0xff;
	}
}

int run_final_code(void)
{
	int i;

	if (run_end_code >= 0)
		return run_end_code;
	if (run_exit_agreed)
		return exit_status;
	/* every thread called exit: the status of the last, as the kernel
	 * reports it for the process */
	for (i = 0; i < opt.n; i++)
		if (replicas[i].reaped && WIFEXITED(replicas[i].wstatus))
			return WEXITSTATUS(replicas[i].wstatus);
	return EXIT_REPLICANT_ERROR;
}
