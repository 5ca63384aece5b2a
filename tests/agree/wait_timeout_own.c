/* A wait's timeout is the replica's own: Apache's event listener computes
 * its epoll_wait timeout from data it reads without a lock, so replicas
 * wait 29998 ms or forever for the same event. The events are decided once;
 * how long each replica was willing to wait is not an output. Here each
 * replica's timeout comes from where its stack is (ASLR): a ready socket
 * answers at once whatever the timeout, an idle one times out. */
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* 1 to 40 ms, or with ready, possibly forever: differs by replica. */
static int own_timeout(int ready)
{
	int here;
	uintptr_t a = (uintptr_t)&here >> 12;

	if (ready && (a & 1))
		return -1;
	return 1 + (int)(a % 40);
}

int main(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLOUT }, out[2];
	struct pollfd p;
	int s, idle, ep;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	idle = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || idle < 0 || bind(idle, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("socket");
		return 1;
	}
	ep = epoll_create1(0);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev)) {
		perror("epoll");
		return 1;
	}
	printf("epoll_wait, writable socket: %d\n", epoll_wait(ep, out, 2, own_timeout(1)));
	ev.events = EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL) || epoll_ctl(ep, EPOLL_CTL_ADD, idle, &ev)) {
		perror("epoll_ctl");
		return 1;
	}
	printf("epoll_wait, idle socket: %d\n", epoll_wait(ep, out, 2, own_timeout(0)));
	p = (struct pollfd){ .fd = s, .events = POLLOUT };
	printf("poll, writable socket: %d\n", poll(&p, 1, own_timeout(1)));
	p = (struct pollfd){ .fd = idle, .events = POLLIN };
	printf("poll, idle socket: %d\n", poll(&p, 1, own_timeout(0)));
	printf("done\n");
	return 0;
}
