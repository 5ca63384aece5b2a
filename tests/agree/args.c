/* Arguments from tests/agree/args.args (one line, split at spaces) reach
 * every replica as they reach a plain run: their count, each one, and their
 * sum as numbers. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long sum = 0;
	int i;

	printf("%d arguments\n", argc - 1);
	for (i = 1; i < argc; i++) {
		printf("arg %d: %s\n", i, argv[i]);
		sum += strtol(argv[i], NULL, 0);
	}
	printf("sum: %ld\ndone\n", sum);
	return 0;
}
