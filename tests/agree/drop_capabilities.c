/* A process that stays uid 0 but drops the capabilities that bypass file
 * permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) cannot read a file
 * of another user's with mode 600, though the monitor that opens it for
 * it is root with every capability: as in a plain run. As a user, the
 * same calls give a plain run's answers too. The parent cleans up. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int drop_dac(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned bits = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~bits;
	d[0].permitted &= ~bits;
	d[0].inheritable &= ~bits;
	return (int)syscall(SYS_capset, &h, d);
}

int main(void)
{
	char dir[] = "/tmp/agree-caps.XXXXXX";
	int status, fd;

	if (!mkdtemp(dir) || chmod(dir, 0755) || chdir(dir))
		return 1;
	fd = open("theirs", O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return 1;
	close(fd);
	printf("given to nobody: %s\n", chown("theirs", 65534, 65534) == 0 || getuid() ? "yes, or never root" : "no");
	fflush(stdout);
	if (fork() == 0) {
		printf("capabilities dropped: %s\n", drop_dac() == 0 ? "yes" : strerror(errno));
		fd = open("theirs", O_RDONLY);
		printf("a file of nobody's, mode 600: %s\n", fd >= 0 ? "opened" : strerror(errno));
		fflush(stdout);
		_exit(0);
	}
	wait(&status);
	unlink("theirs");
	if (chdir("/") || rmdir(dir))
		return 1;
	printf("done\n");
	return 0;
}
