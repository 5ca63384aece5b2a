/* What a unix socket tells its peer of the caller's ids, for the
 * credential tests: run replicated as a process that dropped privileges,
 * its peer must see the ids a plain run shows, not the monitor's root.
 *   unixcreds pair         a socketpair: prints its own end's peer ids
 *   unixcreds client PATH  connects to PATH and sends "x" (the kernel
 *                          adds the sender's ids for a receiver with
 *                          SO_PASSCRED)
 *   unixcreds server PATH  listens on PATH (mode 0777), prints "listening",
 *                          accepts one connection, reads it to its end */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int addr_of(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -1;
	strcpy(a->sun_path, path);
	return 0;
}

static int pair(void)
{
	struct ucred u;
	socklen_t len = sizeof(u);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
	    getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &len) < 0)
		return perror("socketpair"), 1;
	printf("pair: peer uid %u gid %u\n", (unsigned)u.uid, (unsigned)u.gid);
	return 0;
}

static int client(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || addr_of(path, &a) < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return perror("connect"), 1;
	if (write(fd, "x", 1) != 1)
		return perror("write"), 1;
	printf("client: sent\n");
	close(fd);
	return 0;
}

static int server(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), c;
	char buf[64];

	unlink(path);
	if (fd < 0 || addr_of(path, &a) < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    chmod(path, 0777) < 0 || listen(fd, 1) < 0)
		return perror("listen"), 1;
	printf("listening\n");
	fflush(stdout);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return perror("accept"), 1;
	while (read(c, buf, sizeof(buf)) > 0)
		;
	printf("served\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "pair"))
		return pair();
	if (argc == 3 && !strcmp(argv[1], "client"))
		return client(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(argv[2]);
	fprintf(stderr, "usage: unixcreds pair | client PATH | server PATH\n");
	return 2;
}
