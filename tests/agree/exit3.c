/* An exit status of 3 after output on stdout and stderr: both streams and
 * the status pass through (the native stdout is checked against
 * exit3.expected). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to exit 3\n");
	fprintf(stderr, "exit3: a line on stderr\n");
	printf("done\n");
	exit(3);
}
