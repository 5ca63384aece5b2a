/* The hardware address of each interface by its name (SIOCGIFHWADDR), as
 * MariaDB's my_gethwaddr asks for it after SIOCGIFCONF for its server
 * UUID: a struct ifreq in and out whose bytes after the name and whose
 * union hold replica-specific values (stack garbage, an address under
 * ASLR): only the name is meaning. Then one for a name no interface has. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void hwaddr(int s, const char *name)
{
	struct ifreq r;
	uintptr_t junk = (uintptr_t)&r;	/* differs by address layout */
	unsigned char *a = (unsigned char *)r.ifr_hwaddr.sa_data;
	int i;

	memset(&r, 0, sizeof(r));
	memcpy(r.ifr_name + 8, &junk, sizeof(junk));
	memcpy((char *)&r + IFNAMSIZ, &junk, sizeof(junk));
	memcpy((char *)&r + IFNAMSIZ + 16, &junk, sizeof(junk));
	strcpy(r.ifr_name, name);
	errno = 0;
	i = ioctl(s, SIOCGIFHWADDR, &r);
	if (i < 0) {
		printf("%s: %d %s\n", name, i, strerror(errno));
		return;
	}
	printf("%s: family %d address %02x:%02x:%02x:%02x:%02x:%02x name back %s\n", name,
	       r.ifr_hwaddr.sa_family, a[0], a[1], a[2], a[3], a[4], a[5], r.ifr_name);
}

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0) {
		perror("socket");
		return 1;
	}
	hwaddr(s, "lo");
	hwaddr(s, "nosuchif0");
	close(s);
	printf("done\n");
	return 0;
}
