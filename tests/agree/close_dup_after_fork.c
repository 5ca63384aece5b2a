/* close(0) then dup(fd) gives 0, the lowest free number, in a process
 * that forked (tar -z sets up its compressor so, and aborts if dup gives
 * another): the replica behind has not made its close yet when the first
 * one picks the number, and that must not count. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int f = open("/etc/hostname", O_RDONLY), p[2], status, d;

	if (f < 0 || pipe(p) < 0)
		return 1;
	fflush(stdout);
	if (fork() == 0) {
		int d0, d1;

		close(0);
		d0 = dup(f);
		close(1);
		d1 = dup(p[1]);
		dprintf(2, "child: dup gives %d, then %d\n", d0, d1);
		_exit(0);
	}
	wait(&status);
	close(0);
	d = dup(f);
	printf("parent: dup gives %d\n", d);
	printf("done\n");
	return 0;
}
