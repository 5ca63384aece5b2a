/* O_ASYNC on a socketpair (nginx's master does this with its channel to
 * each worker): the process names itself with F_SETOWN, turns FIOASYNC on
 * and gets SIGIO when its child writes to the other end. F_GETOWN and
 * F_GETFL say what was set; with O_ASYNC off again (F_SETFL), no SIGIO. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigio;

static void on_sigio(int sig)
{
	(void)sig;
	sigio++;
}

/* the child writes one byte to sock and ends; the parent waits for it */
static void child_writes(int sock)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(write(sock, "x", 1) == 1 ? 0 : 1);
	waitpid(pid, &st, 0);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	sigset_t block, old;
	int sv[2], on = 1;
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || sigaction(SIGIO, &sa, NULL))
		return 1;
	sigemptyset(&block);
	sigaddset(&block, SIGIO);
	sigprocmask(SIG_BLOCK, &block, &old);
	printf("F_SETOWN: %d\n", fcntl(sv[0], F_SETOWN, getpid()));
	printf("F_GETOWN is getpid(): %s\n", fcntl(sv[0], F_GETOWN) == getpid() ? "yes" : "no");
	printf("FIOASYNC: %d\n", ioctl(sv[0], FIOASYNC, &on));
	printf("O_ASYNC set: %s\n", fcntl(sv[0], F_GETFL) & O_ASYNC ? "yes" : "no");
	child_writes(sv[1]);
	while (!sigio)
		sigsuspend(&old);
	printf("SIGIO after the child's write: %d\n", (int)sigio);
	printf("read: %zd\n", read(sv[0], &c, 1));
	printf("F_SETFL without O_ASYNC: %d\n", fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) & ~O_ASYNC));
	printf("O_ASYNC set: %s\n", fcntl(sv[0], F_GETFL) & O_ASYNC ? "yes" : "no");
	sigio = 0;
	child_writes(sv[1]);
	printf("read: %zd\n", read(sv[0], &c, 1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("SIGIO after the second write: %d\n", (int)sigio);
	printf("done\n");
	return 0;
}
