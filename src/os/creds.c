#include "os/creds.h"

#include <errno.h>
#include <linux/capability.h>
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
	unsigned long long caps;
	int seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
			c->ruid = (uid_t)ids[0], c->fsuid = (uid_t)ids[3], seen |= 1;
		else if (sscanf(line, "Gid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
			c->rgid = (gid_t)ids[0], c->fsgid = (gid_t)ids[3], seen |= 2;
		else if (!strncmp(line, "Groups:", 7))
			parse_groups(line + 7, c), seen |= 4;
		else if (sscanf(line, "CapEff: %llx", &caps) == 1)
			c->cap_eff = (uint64_t)caps, seen |= 8;
	}
	fclose(f);
	return seen == 15 ? 0 : -EPROTO;
}

/* The capabilities that bypass file permission checks, which the kernel
 * takes away with a non-zero fsuid but leaves a uid-0 process that dropped
 * them itself. */
#define FS_CAPS ((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH) | \
		 (1ull << CAP_FOWNER) | (1ull << CAP_FSETID) | (1ull << CAP_LINUX_IMMUTABLE) | \
		 (1ull << CAP_MKNOD))

static gid_t monitor_groups[CREDS_GROUPS_MAX];
static int monitor_ngroups = -1;
static __thread struct __user_cap_data_struct saved_caps[2];
static __thread bool caps_saved, caps_changed, real_changed;

static int caps_call(long nr, struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

	return (int)syscall(nr, &h, data);
}

/* The thread keeps of its effective capabilities only those c has. */
static void take_caps(const struct creds *c)
{
	struct __user_cap_data_struct now[2];

	/* the thread's own never change but here, and are given back */
	if (!caps_saved && caps_call(SYS_capget, saved_caps) < 0)
		die_errno("capget");
	caps_saved = true;
	memcpy(now, saved_caps, sizeof(now));
	now[0].effective &= (uint32_t)c->cap_eff;
	now[1].effective &= (uint32_t)(c->cap_eff >> 32);
	if (caps_call(SYS_capset, now) < 0)
		die_errno("capset for a call");
	caps_changed = true;
}

/* access() checks with the caller's real ids (and, unless they are root's,
 * no capability), which for the monitor's thread are root's: the thread
 * takes the process's real ids too, keeping its effective and saved uid 0
 * (and with them its capabilities, to give them back). */
static void take_real_ids(const struct creds *c)
{
	if (syscall(SYS_setresgid, c->rgid, -1, -1) < 0 ||
	    syscall(SYS_setresuid, c->ruid, -1, -1) < 0)
		die_errno("cannot take real ids %u:%u for access()", (unsigned)c->ruid,
			  (unsigned)c->rgid);
	real_changed = true;
}

/* Raw syscalls: glibc's setgroups (and setfsuid's kin) would change every
 * thread of the monitor. */
bool creds_enter(const struct creds *c)
{
	static __thread int monitor_euid = -1;

	if (monitor_euid < 0)
		monitor_euid = (int)geteuid(); /* the monitor never changes it */
	/* A process with file system uid 0 and its file capabilities passes
	 * every check the monitor (root) would; an unprivileged monitor runs
	 * as the program it started, which cannot have taken more rights
	 * than it had. */
	if ((c->fsuid == 0 && (c->cap_eff & FS_CAPS) == FS_CAPS && (!c->real_ids || c->ruid == 0)) ||
	    monitor_euid != 0)
		return false;
	if (monitor_ngroups < 0) {
		monitor_ngroups = getgroups(CREDS_GROUPS_MAX, monitor_groups);
		if (monitor_ngroups < 0)
			die_errno("getgroups");
	}
	if (syscall(SYS_setgroups, c->ngroups, c->groups) < 0)
		die_errno("setgroups for a call of uid %u", (unsigned)c->fsuid);
	/* Before the file system ids (setresuid and setresgid reset them to
	 * the effective ones) and before the capabilities (a process without
	 * CAP_SETUID and CAP_SETGID would leave the thread unable to take
	 * them). */
	if (c->real_ids)
		take_real_ids(c);
	syscall(SYS_setfsgid, c->fsgid);
	syscall(SYS_setfsuid, c->fsuid);
	if ((uid_t)syscall(SYS_setfsuid, -1) != c->fsuid)
		die("cannot take file system uid %u for a call", (unsigned)c->fsuid);
	if ((c->cap_eff & FS_CAPS) != FS_CAPS)
		take_caps(c);
	return true;
}

/* The capabilities first: setgroups needs CAP_SETGID back. */
void creds_leave(void)
{
	if (caps_changed && caps_call(SYS_capset, saved_caps) < 0)
		die_errno("capset back");
	caps_changed = false;
	if (real_changed && (syscall(SYS_setresuid, 0, -1, -1) < 0 ||
			     syscall(SYS_setresgid, 0, -1, -1) < 0))
		die_errno("real ids back");
	real_changed = false;
	syscall(SYS_setfsuid, 0);
	syscall(SYS_setfsgid, 0);
	if (syscall(SYS_setgroups, monitor_ngroups, monitor_groups) < 0)
		die_errno("setgroups back");
}
