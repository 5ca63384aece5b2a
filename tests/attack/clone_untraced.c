/* Class 5: a child made with CLONE_UNTRACED escapes the tracer, outlives
 * the run and writes a file nobody voted for. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

#include "attack.h"

int main(void)
{
	int a = attacker();
	if (a && syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0) == 0) {
		sleep(1);
		close(open("escaped", O_CREAT | O_WRONLY, 0644));
		_exit(0);
	}
	return finish(a);
}
