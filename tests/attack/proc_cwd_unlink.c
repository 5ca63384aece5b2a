/* Class 1: unlink through /proc/self/cwd was taken for the replica's own
 * and performed unvoted. */
#include "attack.h"

int main(void)
{
	int a = attacker();
	if (a)
		unlink("/proc/self/cwd/victim");
	return finish(a);
}
