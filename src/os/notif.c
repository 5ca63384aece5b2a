#include "os/notif.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int notif_send(int listener, const struct seccomp_notif_resp *resp)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		return -errno;
	return 0;
}

/* A filter with the flag and no program: a kernel that knows the flag
 * fails reading the program (EFAULT), one that does not refuses the flag
 * (EINVAL). Nothing is installed either way. */
bool notif_killable_recv(void)
{
	static int known = -1;

	if (known < 0)
		known = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
				NULL) < 0 && errno == EFAULT;
	return known;
}

bool notif_id_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int notif_addfd(int listener, uint64_t id, int mfd, int target, bool cloexec, bool send)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.srcfd = mfd,
		.newfd = target >= 0 ? target : 0,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
		.flags = (target >= 0 ? SECCOMP_ADDFD_FLAG_SETFD : 0) |
			 (send ? SECCOMP_ADDFD_FLAG_SEND : 0),
	};
	int fd = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	return fd < 0 ? -errno : fd;
}
