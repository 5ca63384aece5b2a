/* A parent that leaves SIGCHLD at its default and sleeps in short select()
 * calls with no descriptors (APR's sleep: Apache prefork's parent while its
 * children stop) while its children end, then reaps them. Each child's
 * SIGCHLD comes to every replica at one place, which may be inside such a
 * select; with no handler the kernel makes the select again, and that is
 * not a new call. Prints how many it reaped. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 20
#define SLEEPS 2000

int main(void)
{
	int i, reaped = 0;

	for (i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			struct timeval tv = { 0, 1000 * (i % 5) };

			select(0, NULL, NULL, NULL, &tv);
			_exit(i);
		}
	}
	for (i = 0; i < SLEEPS; i++) {
		struct timeval tv = { 0, 200 };

		select(0, NULL, NULL, NULL, &tv);
	}
	while (wait(NULL) > 0)
		reaped++;
	printf("reaped %d children\n", reaped);
	return 0;
}
