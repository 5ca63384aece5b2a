/* Structures whose padding (or bytes the kernel does not read) hold what
 * was on the stack: an address, different in every replica under ASLR.
 * Only what a call means is compared, so the replicas agree: sin_zero of
 * a sockaddr_in (connect, sendto), nl_pad of a sockaddr_nl (bind), the
 * bits of an fd_set at or above nfds (select), and the data of an
 * epoll_event (a pointer, given back to each replica as its own). struct
 * flock has a test of its own (flock_padding). */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static uintptr_t garbage;

static void fill(void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(garbage >> (8 * (i % 8)));
}

static void inet(void)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_DGRAM, 0), r;

	fill(&a, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9); /* discard: nothing listens, UDP does not care */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = (int)sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	printf("sendto with sin_zero garbage: %d\n", r);
	printf("connect with sin_zero garbage: %d\n", connect(s, (struct sockaddr *)&a, sizeof(a)));
	close(s);
}

static void netlink(void)
{
	struct sockaddr_nl a;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	fill(&a, sizeof(a));
	a.nl_family = AF_NETLINK;
	a.nl_pid = 0;
	a.nl_groups = 0;
	printf("netlink bind with nl_pad garbage: %d\n",
	       s < 0 ? -2 : bind(s, (struct sockaddr *)&a, sizeof(a)));
	if (s >= 0)
		close(s);
}

static void select_bits(void)
{
	int p[2];
	fd_set r;
	struct timeval tv = { 0, 0 };
	int fd, nfds;

	if (pipe(p) < 0)
		return;
	nfds = p[0] + 1;

	fill(&r, sizeof(r));
	for (fd = 0; fd < nfds; fd++)
		FD_CLR(fd, &r);
	FD_SET(p[0], &r); /* every bit at or above nfds is garbage */
	if (write(p[1], "y", 1) != 1)
		return;
	printf("select with garbage above nfds: %d\n", select(nfds, &r, NULL, NULL, &tv));
	close(p[0]);
	close(p[1]);
}

/* On a socket (external: epoll on a replica's own pipe is not supported
 * yet), readable once it sent itself a datagram. */
static void epoll_data(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	socklen_t len = sizeof(a);
	int ep = epoll_create1(EPOLL_CLOEXEC), s = socket(AF_INET, SOCK_DGRAM, 0), n;

	if (ep < 0 || s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return;
	ev.data.ptr = &ev; /* an address */
	printf("epoll_ctl with a pointer as data: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	if (sendto(s, "z", 1, 0, (struct sockaddr *)&a, sizeof(a)) != 1)
		return;
	n = epoll_wait(ep, &out, 1, 1000);
	printf("epoll_wait: %d, own pointer back: %s\n", n, out.data.ptr == &ev ? "yes" : "no");
	close(s);
	close(ep);
}

int main(void)
{
	int here;

	garbage = (uintptr_t)&here;
	inet();
	netlink();
	select_bits();
	epoll_data();
	printf("done\n");
	return 0;
}
