/* Class 3: a signal to the process group that replicant runs in (the
 * replica never made one of its own), which holds the other replicas and
 * replicant too: kill(0) and killpg(getpgrp()) reach only the attacker's
 * own processes, so it ends itself and nothing else. */
#include <signal.h>

#include "attack.h"

int main(void)
{
	int a = attacker();

	if (a) {
		signal(SIGUSR1, SIG_IGN);	/* the attacker survives its own */
		killpg(getpgrp(), SIGUSR1);
		kill(0, SIGUSR1);
	}
	return finish(a);
}
