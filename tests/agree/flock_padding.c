/* A lock set with fcntl(F_SETLK) from a struct flock whose padding holds
 * what was on the stack (an address, different in every replica under
 * ASLR, as sqlite leaves it): the padding means nothing, and the replicas
 * agree. The lock is then seen from a child with F_GETLK. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/agree-flock.XXXXXX";
	struct flock fl;
	uintptr_t garbage = (uintptr_t)&fl;
	int fd = mkstemp(path), status;

	if (fd < 0)
		return 1;
	memset(&fl, 0, sizeof(fl));
	memcpy((char *)&fl + 4, &garbage, 4);			/* between l_whence and l_start */
	memcpy((char *)&fl + 28, (char *)&garbage + 4, 4);	/* after l_pid */
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 10;
	fl.l_pid = (pid_t)garbage;
	printf("setlk: %d\n", fcntl(fd, F_SETLK, &fl));
	fflush(stdout);
	if (fork() == 0) {
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };

		printf("child getlk: %d, locked for writing: %s\n", fcntl(fd, F_GETLK, &q),
		       q.l_type == F_WRLCK ? "yes" : "no");
		fflush(stdout);
		_exit(0);
	}
	wait(&status);
	close(fd);
	unlink(path);
	printf("done\n");
	return 0;
}
