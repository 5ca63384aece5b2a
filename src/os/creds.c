#include "os/creds.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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
			c->ruid = (uid_t)ids[0], c->euid = (uid_t)ids[1], c->suid = (uid_t)ids[2],
			c->fsuid = (uid_t)ids[3], seen |= 1;
		else if (sscanf(line, "Gid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
			c->rgid = (gid_t)ids[0], c->egid = (gid_t)ids[1], c->sgid = (gid_t)ids[2],
			c->fsgid = (gid_t)ids[3], seen |= 2;
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
/* the monitor's own ids, which creds_leave gives back */
static uid_t back_ruid, back_euid, back_suid;
static gid_t back_rgid, back_egid, back_sgid;
static __thread struct __user_cap_data_struct saved_caps[2];
static __thread bool caps_saved, caps_changed, real_changed;

static int caps_call(long nr, struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

	return (int)syscall(nr, &h, data);
}

/* The thread's own capabilities, read before it first takes a process's
 * ids (an effective uid other than 0 clears them): they never change but
 * here, and are given back. */
static void save_caps(void)
{
	if (!caps_saved && caps_call(SYS_capget, saved_caps) < 0)
		die_errno("capget");
	caps_saved = true;
}

/* The thread keeps of its effective capabilities only those c has. */
static void take_caps(const struct creds *c)
{
	struct __user_cap_data_struct now[2];

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
 * (and with them its capabilities, to give them back). A unix socket's
 * peer credentials (connect, listen, socketpair: the effective ids) and
 * the SCM_CREDENTIALS a send carries (the real ids) are the process's in
 * a plain run: the monitor's root there would be a server's root client.
 * With all_ids the thread takes all three of the process's ids, the saved
 * one too (SCM_CREDENTIALS may claim any of the three, and a saved uid 0
 * would let a process of nobody's claim root's). The kernel then clears
 * the effective capabilities, which take_caps gives the process's; the
 * thread keeps its permitted ones (SECBIT_KEEP_CAPS, its own) to take
 * its ids back, and the kernel checks only effective ones. */
static void take_real_ids(const struct creds *c)
{
	static __thread bool keeps_caps;
	long eu = -1, su = -1, eg = -1, sg = -1;

	if (c->all_ids) {
		if (!keeps_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			die_errno("prctl(PR_SET_KEEPCAPS)");
		keeps_caps = true;
		eu = c->euid, su = c->suid, eg = c->egid, sg = c->sgid;
	}
	if (syscall(SYS_setresgid, c->rgid, eg, sg) < 0 || syscall(SYS_setresuid, c->ruid, eu, su) < 0)
		die_errno("cannot take ids %u/%ld/%ld:%u/%ld/%ld for a call", (unsigned)c->ruid, eu,
			  su, (unsigned)c->rgid, eg, sg);
	real_changed = true;
}

/* The process's ids are the monitor's (root's) where the call reads them. */
static bool ids_as_root(const struct creds *c)
{
	if (c->all_ids)
		return c->ruid == 0 && c->euid == 0 && c->suid == 0 && c->rgid == 0 && c->egid == 0 &&
		       c->sgid == 0;
	return !c->real_ids || c->ruid == 0;
}

bool creds_switch(const struct creds *c)
{
	static __thread int monitor_euid = -1;

	if (monitor_euid < 0)
		monitor_euid = (int)geteuid(); /* the monitor never changes it */
	/* A process with file system uid 0 and its file capabilities passes
	 * every check the monitor (root) would; an unprivileged monitor runs
	 * as the program it started, which cannot have taken more rights
	 * than it had. */
	return !(c->fsuid == 0 && (c->cap_eff & FS_CAPS) == FS_CAPS && ids_as_root(c)) &&
	       monitor_euid == 0;
}

/* Raw syscalls: glibc's setgroups (and setfsuid's kin) would change every
 * thread of the monitor. */
bool creds_enter(const struct creds *c)
{
	if (!creds_switch(c))
		return false;
	if (monitor_ngroups < 0) {
		monitor_ngroups = getgroups(CREDS_GROUPS_MAX, monitor_groups);
		if (monitor_ngroups < 0 ||
		    getresuid(&back_ruid, &back_euid, &back_suid) < 0 ||
		    getresgid(&back_rgid, &back_egid, &back_sgid) < 0)
			die_errno("reading the monitor's own ids");
	}
	if (syscall(SYS_setgroups, c->ngroups, c->groups) < 0)
		die_errno("setgroups for a call of uid %u", (unsigned)c->fsuid);
	/* Before the file system ids (setresuid and setresgid reset them to
	 * the effective ones) and before the capabilities (a process without
	 * CAP_SETUID and CAP_SETGID would leave the thread unable to take
	 * them). */
	save_caps();
	if (c->real_ids || c->all_ids)
		take_real_ids(c);
	syscall(SYS_setfsgid, c->fsgid);
	syscall(SYS_setfsuid, c->fsuid);
	if ((uid_t)syscall(SYS_setfsuid, -1) != c->fsuid)
		die("cannot take file system uid %u for a call", (unsigned)c->fsuid);
	if ((c->cap_eff & FS_CAPS) != FS_CAPS || c->all_ids)
		take_caps(c);
	return true;
}

/* The capabilities first: setgroups needs CAP_SETGID back. */
void creds_leave(void)
{
	if (caps_changed && caps_call(SYS_capset, saved_caps) < 0)
		die_errno("capset back");
	caps_changed = false;
	if (real_changed && (syscall(SYS_setresuid, back_ruid, back_euid, back_suid) < 0 ||
			     syscall(SYS_setresgid, back_rgid, back_egid, back_sgid) < 0))
		die_errno("real and effective ids back");
	real_changed = false;
	syscall(SYS_setfsuid, 0);
	syscall(SYS_setfsgid, 0);
	if (syscall(SYS_setgroups, monitor_ngroups, monitor_groups) < 0)
		die_errno("setgroups back");
}
