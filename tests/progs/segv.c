/* Prints one line, then dies of SIGSEGV in every replica. */
#include <stdio.h>

int main(void)
{
	volatile int *volatile p = NULL;

	printf("before crash\n");
	fflush(stdout);
	*p = 1;
	printf("done\n");
	return 0;
}
