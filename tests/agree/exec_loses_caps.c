/* A process of uid 65534 that kept CAP_NET_BIND_SERVICE (PR_SET_KEEPCAPS,
 * then capset) loses it when it execs a plain program: the kernel grants
 * a non-root program no capabilities. The monitor binds for the new
 * program with the new program's credentials, so port 1 is refused there
 * too; it kept the old ones once. Run as another user, the drop fails
 * alike plainly and replicated. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bind_port_1(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(1) };
	int s = socket(AF_INET, SOCK_STREAM, 0), r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = bind(s, (struct sockaddr *)&a, sizeof(a));
	printf("bind to port 1 after exec: %s\n", r ? strerror(errno) : "bound");
	printf("done\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (argc > 1)
		return bind_port_1();
	memset(d, 0, sizeof(d));
	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		perror("drop");
		printf("done\n");
		return 0;
	}
	d[0].effective = d[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	if (syscall(SYS_capset, &h, d)) {
		perror("capset");
		return 1;
	}
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "bind", (char *)NULL);
	perror("exec");
	return 1;
}
