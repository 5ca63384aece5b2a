/* recvmsg on external sockets with no control buffer: a datagram to
 * itself over loopback (the data, the sender's address and its length,
 * MSG_TRUNC in msg_flags for a short buffer), and a netlink route dump as
 * glibc's getaddrinfo(AI_ADDRCONFIG) and if_nameindex make it. */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void datagram(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in from;
	socklen_t len = sizeof(a);
	char head[4], tail[16] = "";
	struct iovec iov[2] = { { head, sizeof(head) }, { tail, sizeof(tail) - 1 } };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = iov,
			    .msg_iovlen = 2 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0 ||
	    sendto(s, "hello, datagram", 15, 0, (struct sockaddr *)&a, sizeof(a)) != 15)
		return;
	n = recvmsg(s, &m, 0);
	printf("recvmsg: %zd bytes, \"%.4s\" + \"%s\", from itself: %s, namelen %u, flags %d\n", n,
	       head, tail, from.sin_port == a.sin_port ? "yes" : "no", m.msg_namelen, m.msg_flags);
	iov[0].iov_len = 2;
	m.msg_iovlen = 1;
	sendto(s, "xyz", 3, 0, (struct sockaddr *)&a, sizeof(a));
	n = recvmsg(s, &m, 0);
	printf("short buffer: %zd bytes, MSG_TRUNC: %s\n", n, m.msg_flags & MSG_TRUNC ? "yes" : "no");
	close(s);
}

static void netlink(void)
{
	struct if_nameindex *ni = if_nameindex(), *i;
	struct addrinfo hints = { .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *res = NULL;
	int lo = 0;

	for (i = ni; i && i->if_name; i++)
		lo |= !strcmp(i->if_name, "lo");
	printf("if_nameindex: lo %s\n", lo ? "is there" : "is missing");
	if (ni)
		if_freenameindex(ni);
	printf("getaddrinfo(127.0.0.1, AI_ADDRCONFIG): %s\n",
	       getaddrinfo("127.0.0.1", "80", &hints, &res) == 0 ? "found" : "failed");
	if (res)
		freeaddrinfo(res);
}

int main(void)
{
	datagram();
	netlink();
	printf("done\n");
	return 0;
}
