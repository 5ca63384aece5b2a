#include "os/notif.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>

int notif_send(int listener, const struct seccomp_notif_resp *resp)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		return -errno;
	return 0;
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
