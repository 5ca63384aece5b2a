/* Prints the address of one of its own functions: differs between replicas
 * under ASLR, so a replicated run must diverge and print nothing. */
#include <stdio.h>

static void marker(void)
{
}

int main(void)
{
	printf("marker at %p\n", (void *)marker);
	printf("done\n");
	return 0;
}
