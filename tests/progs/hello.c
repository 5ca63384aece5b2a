/* Deterministic output: agrees under any number of replicas. */
#include <stdio.h>

int main(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	printf("done\n");
	return 3;
}
