/* POSIX record locks are a process's: a child does not get the lock its
 * parent holds (F_SETLK fails, F_GETLK names the parent), waits for it
 * with F_SETLKW until the parent closes another descriptor of the file
 * (any close ends a process's locks), and its own locks end when it
 * exits; a write lock needs a writable descriptor. Under replicant the
 * monitor takes each process's locks; taken as the monitor's own, every
 * F_SETLK succeeded and F_GETLK saw no lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	return fcntl(fd, cmd, &fl);
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		exit(2);
}

static void child(const char *path, int ready)
{
	struct flock fl;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		exit(3);
	if (lock(fd, F_SETLK, F_WRLCK, 0, 10) < 0 && (errno == EAGAIN || errno == EACCES))
		say("child: F_SETLK on the parent's range is refused\n");
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_start = 0;
	fl.l_len = 10;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == getppid() &&
	    fl.l_start == 0 && fl.l_len == 10)
		say("child: F_GETLK names the parent, 0 to 10\n");
	if (lock(fd, F_SETLK, F_WRLCK, 20, 10) == 0)
		say("child: another range is free\n");
	if (write(ready, "r", 1) != 1)
		exit(4);
	if (lock(fd, F_SETLKW, F_WRLCK, 0, 10) == 0)
		say("child: F_SETLKW got it once the parent closed a descriptor\n");
	exit(0);
}

int main(void)
{
	char path[] = "/tmp/replicant-locks.XXXXXX", c;
	int fd, fd2, p[2], status;
	pid_t pid;
	struct flock fl;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, "0123456789abcdefghijklmnopqrstuvwxyz", 36) != 36 || pipe(p))
		return 1;
	fd2 = open(path, O_RDONLY);
	if (fd2 < 0 || lock(fd, F_SETLK, F_WRLCK, 0, 10))
		return 1;
	if (lock(fd, F_SETLK, F_WRLCK, 0, 5) == 0)
		say("parent: its own lock does not stop it\n");
	if (lock(fd2, F_SETLK, F_WRLCK, 30, 1) < 0 && errno == EBADF)
		say("parent: no write lock through a read-only descriptor\n");
	if (lock(fd, F_SETLK, F_WRLCK, 0, 10))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		child(path, p[1]);
	if (read(p[0], &c, 1) != 1)
		return 1;
	close(fd2);	/* ends the parent's locks on the file */
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_len = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK)
		say("parent: the child's locks ended with it\n");
	unlink(path);
	say("done\n");
	return 0;
}
