/* The network ioctls Squid makes for each client (eui_lookup): the list
 * of interfaces (SIOCGIFCONF: first its length alone, then into a buffer
 * each replica has at its own address) and an ARP lookup (SIOCGARP) whose
 * struct arpreq carries replica-specific bytes in its padding and after
 * the device name, as stack garbage would. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), n, i;
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };
	struct ifreq reqs[64];
	struct arpreq ar;
	uintptr_t junk = (uintptr_t)&ar;	/* differs by address layout */

	if (s < 0 || ioctl(s, SIOCGIFCONF, &ifc) < 0) {
		perror("SIOCGIFCONF (length)");
		return 1;
	}
	printf("length alone: %d\n", ifc.ifc_len);
	ifc.ifc_len = sizeof(reqs);
	ifc.ifc_req = reqs;
	if (ioctl(s, SIOCGIFCONF, &ifc) < 0) {
		perror("SIOCGIFCONF");
		return 1;
	}
	n = ifc.ifc_len / (int)sizeof(struct ifreq);
	for (i = 0; i < n; i++)
		printf("interface %s %s\n", reqs[i].ifr_name,
		       inet_ntoa(((struct sockaddr_in *)&reqs[i].ifr_addr)->sin_addr));

	memset(&ar, 0, sizeof(ar));
	memcpy(((struct sockaddr_in *)&ar.arp_pa)->sin_zero, &junk, sizeof(junk));
	ar.arp_pa.sa_family = AF_INET;
	((struct sockaddr_in *)&ar.arp_pa)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memcpy(ar.arp_ha.sa_data, &junk, sizeof(junk));
	strcpy(ar.arp_dev, "lo");
	memcpy(ar.arp_dev + 4, &junk, sizeof(junk) < 12 ? sizeof(junk) : 12);
	errno = 0;
	i = ioctl(s, SIOCGARP, &ar);
	printf("SIOCGARP 127.0.0.1 on lo: %d %s\n", i, i ? strerror(errno) : "found");
	close(s);
	printf("done\n");
	return 0;
}
