/* Class 6: as exec_argv, with the environment: replica 0's new program got
 * a variable its peers' did not (an LD_PRELOAD would run code of the
 * attacker's choice in it), and the run ended 0. */
#include "attack.h"

int main(void)
{
	char *args[] = { "echo", "done", NULL };
	char *env[] = { "PATH=/usr/bin:/bin", attacker() ? "EVIL=1" : "PEER=1", NULL };

	execve("/bin/echo", args, env);
	return 1;
}
