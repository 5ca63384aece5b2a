/* Arguments a call does not read hold whatever the registers held, which
 * differs under ASLR: the mode of an open that creates nothing (redis),
 * the arguments prctl's option ignores (libcap's constructor calls
 * prctl(PR_CAPBSET_READ, cap) through a variadic wrapper), and a pointer
 * prctl reads a name from. Only what the call means is compared. */
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	uintptr_t garbage = (uintptr_t)&garbage;
	char name[16] = "agree-name", got[16] = "";
	long fd = syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC, garbage);

	printf("open without O_CREAT, a mode of garbage: %s\n", fd >= 0 ? "opened" : "failed");
	printf("PR_CAPBSET_READ(CAP_CHOWN) with garbage after it: %ld\n",
	       syscall(SYS_prctl, PR_CAPBSET_READ, 0, garbage, garbage >> 3, 7));
	printf("PR_SET_NAME from a stack buffer: %ld\n", syscall(SYS_prctl, PR_SET_NAME, name, garbage, 0, 0));
	printf("PR_GET_NAME: %ld %s\n", syscall(SYS_prctl, PR_GET_NAME, got, 0, 0, 0), got);
	printf("done\n");
	return 0;
}
