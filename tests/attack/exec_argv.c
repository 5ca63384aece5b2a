/* Class 6: the kernel reads execve's argv after the vote (and the monitor
 * compared only the path), so replica 0 ran the chosen program with
 * arguments no majority chose. Here they differ only in argv[0], which
 * echo ignores: the run looked like its peers' and ended 0. */
#include "attack.h"

int main(void)
{
	char *args[] = { attacker() ? "echo-evil" : "echo", "done", NULL };
	char *env[] = { "PATH=/usr/bin:/bin", NULL };

	execve("/bin/echo", args, env);
	return 1;
}
