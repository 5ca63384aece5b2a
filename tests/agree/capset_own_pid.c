/* capset with the caller's own process id in its header, as libcap-ng
 * (setpriv) passes getpid(): the program knows its virtual id, its kernel
 * its real one. Sets the capabilities it has (none for a plain user; as
 * root, it gives up CAP_SYS_TIME), and names another process too, which
 * the kernel refuses. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, getpid() };
	struct __user_cap_data_struct d[2];
	long r;

	memset(d, 0, sizeof(d));
	r = syscall(SYS_capget, &h, d);
	printf("capget(own pid): %ld\n", r);
	d[0].effective &= ~(1u << CAP_SYS_TIME);
	h.pid = getpid();
	r = syscall(SYS_capset, &h, d);
	printf("capset(own pid): %ld %s\n", r, r ? strerror(errno) : "");
	h.pid = 1;
	r = syscall(SYS_capset, &h, d);
	printf("capset(pid 1): %ld %s\n", r, r ? strerror(errno) : "");
	printf("done\n");
	return 0;
}
