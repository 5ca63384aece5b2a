/* Writes argv[1] numbered lines, one write each. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : 5;
	char buf[64];

	for (i = 1; i <= n; i++) {
		int len = snprintf(buf, sizeof(buf), "line %d\n", i);

		if (write(1, buf, len) != len)
			return 1;
	}
	return 0;
}
