/* Prints one line, then abort()s (SIGABRT) in every replica. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("before abort\n");
	fflush(stdout);
	abort();
}
