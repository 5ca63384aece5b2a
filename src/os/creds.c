#include "os/creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/util.h"

/* "Groups:\t1 2 3" */
static void parse_groups(const char *list, struct creds *c)
{
	char *end;
	long g;

	c->ngroups = 0;
	while (c->ngroups < CREDS_GROUPS_MAX) {
		g = strtol(list, &end, 10);
		if (end == list)
			break;
		c->groups[c->ngroups++] = (gid_t)g;
		list = end;
	}
}

int creds_read(pid_t pid, struct creds *c)
{
	char path[64], line[1024];
	unsigned long ids[4];
	int seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
			c->fsuid = (uid_t)ids[3], seen |= 1;
		else if (sscanf(line, "Gid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
			c->fsgid = (gid_t)ids[3], seen |= 2;
		else if (!strncmp(line, "Groups:", 7))
			parse_groups(line + 7, c), seen |= 4;
	}
	fclose(f);
	return seen == 7 ? 0 : -EPROTO;
}

static gid_t monitor_groups[CREDS_GROUPS_MAX];
static int monitor_ngroups = -1;

/* Raw syscalls: glibc's setgroups (and setfsuid's kin) would change every
 * thread of the monitor. */
bool creds_enter(const struct creds *c)
{
	/* A process with file system uid 0 passes every check the monitor
	 * (root) would; an unprivileged monitor runs as the program it
	 * started, which cannot have taken more rights than it had. */
	if (c->fsuid == 0 || geteuid() != 0)
		return false;
	if (monitor_ngroups < 0) {
		monitor_ngroups = getgroups(CREDS_GROUPS_MAX, monitor_groups);
		if (monitor_ngroups < 0)
			die_errno("getgroups");
	}
	if (syscall(SYS_setgroups, c->ngroups, c->groups) < 0)
		die_errno("setgroups for a call of uid %u", (unsigned)c->fsuid);
	syscall(SYS_setfsgid, c->fsgid);
	syscall(SYS_setfsuid, c->fsuid);
	if ((uid_t)syscall(SYS_setfsuid, -1) != c->fsuid)
		die("cannot take file system uid %u for a call", (unsigned)c->fsuid);
	return true;
}

void creds_leave(void)
{
	syscall(SYS_setfsuid, 0);
	syscall(SYS_setfsgid, 0);
	if (syscall(SYS_setgroups, monitor_ngroups, monitor_groups) < 0)
		die_errno("setgroups back");
}
