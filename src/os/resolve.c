/* Paths the monitor opens for a process, resolved as that process's kernel
 * would resolve them. The monitor's threads are not the process: where a
 * path leads through procfs (a symbolic link to /proc/self such as
 * /dev/stdin or /etc/mtab, or /proc/N itself), the kernel would take
 * /proc/self for the monitor, and the monitor's own /proc/PID (its memory,
 * its descriptors) or another replica's would be one open away. Paths that
 * stay out of procfs, nearly all of them, cost one openat2 and one fstatfs;
 * the others are walked here one component at a time, with /proc/self
 * meaning the process and no way into the monitor or another replica. */
#include "os/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 40	/* as the kernel's MAXSYMLINKS */
#define PROC_ROOT_INO 1

/* The flags open(2) takes; it ignores the others, openat2 refuses them. */
#define OPEN_FLAGS                                                                             \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |   \
	 FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |    \
	 O_SYNC | O_PATH | O_TMPFILE)

struct walk {
	pid_t pid, tid;		/* whom /proc/self and /proc/thread-self mean */
	int cwd;		/* the monitor's copy of its working directory */
	int cur;		/* the directory reached (O_PATH) */
	bool own;		/* cur is inside the process's own /proc/PID */
	int links;		/* symbolic links followed */
	char rest[PATH_MAX * 2]; /* what is left to resolve */
};

static int openat2_fd(int dirfd, const char *path, uint64_t flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve };
	long fd;

	if (flags & O_PATH)
		how.flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	else if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode & 07777;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static bool on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static bool is_proc_root(int fd)
{
	struct stat st;

	return on_procfs(fd) && fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

/* Reads the Tgid and TracerPid of /proc/N: 0 or -errno. */
static int task_ids(int proc_root, const char *n, pid_t *tgid, pid_t *tracer)
{
	char path[NAME_MAX + 16], buf[4096], *s;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/status", n);
	fd = openat(proc_root, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EIO;
	buf[len] = 0;
	s = strstr(buf, "\nTgid:");
	*tgid = s ? (pid_t)atoi(s + 6) : 0;
	s = strstr(buf, "\nTracerPid:");
	*tracer = s ? (pid_t)atoi(s + 11) : 0;
	return 0;
}

/* Entering /proc/N: the process's own (magic links inside are its own),
 * one outside the run (the kernel checks the process's access), another
 * process of the run, readable only, or the monitor: never. */
static int enter_pid_dir(struct walk *w, const char *n, bool writes)
{
	pid_t tgid = 0, tracer = 0, me = getpid();

	if (task_ids(w->cur, n, &tgid, &tracer) < 0)
		return 0; /* gone, or not a process: the open says so */
	if (tgid == me)
		return -EACCES;
	w->own = tgid == w->pid;
	if (!w->own && tracer == me && writes)
		return -EACCES;
	return 0;
}

/* Puts text (a link's target) in front of what is left. */
static int push_front(struct walk *w, const char *text)
{
	size_t n = strlen(text), have = strlen(w->rest);

	if (++w->links > MAX_LINKS)
		return -ELOOP;
	if (n + have + 2 > sizeof(w->rest))
		return -ENAMETOOLONG;
	memmove(w->rest + n + 1, w->rest, have + 1);
	memcpy(w->rest, text, n);
	w->rest[n] = '/';
	return 0;
}

/* Takes the next component off w->rest; an absolute rest starts over
 * from the root. False when nothing is left. */
static bool next_component(struct walk *w, char comp[NAME_MAX + 1], int *err)
{
	char *s = w->rest, *end;
	size_t n;

	if (*s == '/') {
		int root = open("/", O_PATH | O_CLOEXEC);

		if (root < 0) {
			*err = -errno;
			return false;
		}
		close(w->cur);
		w->cur = root;
		w->own = false;
	}
	while (*s == '/')
		s++;
	if (!*s)
		return false;
	end = strchrnul(s, '/');
	n = (size_t)(end - s);
	if (n > NAME_MAX) {
		*err = -ENAMETOOLONG;
		return false;
	}
	memcpy(comp, s, n);
	comp[n] = 0;
	while (*end == '/') /* what is left is relative to comp */
		end++;
	memmove(w->rest, end, strlen(end) + 1);
	return true;
}

static bool nothing_left(const struct walk *w)
{
	const char *s = w->rest;

	while (*s == '/')
		s++;
	return !*s;
}

/* A magic link of the process's own /proc/PID whose object the monitor
 * keeps itself: its working directory is the monitor's copy (the kernel's
 * is the replica's to change), its root the root. -1: not one of those. */
static int own_magic(const struct walk *w, const char *comp)
{
	if (!w->own)
		return -1;
	if (!strcmp(comp, "cwd"))
		return fcntl(w->cwd, F_DUPFD_CLOEXEC, 0);
	if (!strcmp(comp, "root"))
		return open("/", O_PATH | O_CLOEXEC);
	return -1;
}

/* A symbolic link met on the way, lfd the link itself. A magic one
 * (procfs, outside its root: fd/N, cwd, exe...) is followed by the kernel
 * where the process may (its own /proc/PID, or a process outside the
 * run); another is read and resolved here. True when the walk goes on;
 * false with *out the last component's descriptor, or -errno. */
static bool follow_link(struct walk *w, int lfd, const char *comp, bool last, int flags,
			mode_t mode, int *out)
{
	char target[PATH_MAX];
	ssize_t n;
	int fd;

	if (on_procfs(lfd) && !is_proc_root(w->cur)) {
		fd = own_magic(w, comp);
		if (fd >= 0 && last) {
			*out = openat2_fd(fd, ".", (uint64_t)flags, mode, RESOLVE_NO_MAGICLINKS);
			close(fd);
			return false;
		}
		if (fd < 0 && last) {
			*out = openat2_fd(w->cur, comp, (uint64_t)flags, mode, 0);
			return false;
		}
		if (fd < 0)
			fd = openat(w->cur, comp, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			*out = -errno;
			return false;
		}
		close(w->cur);
		w->cur = fd;
		w->own = false;
		*out = ++w->links > MAX_LINKS ? -ELOOP : 0;
		return *out == 0;
	}
	n = readlinkat(lfd, "", target, sizeof(target) - 1);
	if (n < 0) {
		*out = -errno;
		return false;
	}
	target[n] = 0;
	*out = push_front(w, target);
	return *out == 0;
}

/* Entering /proc/self, /proc/thread-self or /proc/N from the root of
 * procfs. True when the walk goes on past comp as usual. */
static bool proc_root_step(struct walk *w, const char *comp, int flags, int *out)
{
	char self[64];
	bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));

	*out = 0;
	if (!strcmp(comp, "self") || !strcmp(comp, "thread-self")) {
		if (comp[0] == 's')
			snprintf(self, sizeof(self), "%d", (int)w->pid);
		else
			snprintf(self, sizeof(self), "%d/task/%d", (int)w->pid, (int)w->tid);
		*out = push_front(w, self);
		return false;
	}
	if (comp[0] >= '0' && comp[0] <= '9')
		*out = enter_pid_dir(w, comp, writes);
	return *out == 0;
}

/* One component. True when the walk goes on; false with *out the final
 * descriptor, or -errno. */
static bool step(struct walk *w, const char *comp, bool last, int flags, mode_t mode, int *out)
{
	bool excl = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	bool follow = !last || (!(flags & O_NOFOLLOW) && !excl);
	struct stat st;
	int fd;

	if (is_proc_root(w->cur)) {
		if (!proc_root_step(w, comp, flags, out))
			return *out == 0;
	} else if (!strcmp(comp, "..")) {
		w->own = false;
	}
	fd = openat2_fd(w->cur, comp, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS);
	if (fd == -ENOENT && last && (flags & O_CREAT))
		goto open_last; /* to be created */
	if (fd < 0) {
		*out = fd;
		return false;
	}
	if (fstat(fd, &st) < 0) {
		*out = -errno;
		close(fd);
		return false;
	}
	if (S_ISLNK(st.st_mode) && follow) {
		bool on = follow_link(w, fd, comp, last, flags, mode, out);

		close(fd);
		return on;
	}
	if (last) {
		close(fd);
open_last:
		*out = openat2_fd(w->cur, comp, (uint64_t)flags, mode,
				  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		*out = -ENOTDIR;
		return false;
	}
	close(w->cur);
	w->cur = fd;
	return true;
}

int resolve_open(const struct resolve_as *as, int dirfd, const char *path, int flags, mode_t mode)
{
	char comp[NAME_MAX + 1];
	struct walk w = { .pid = as->pid, .tid = as->tid, .cwd = as->cwd };
	int fd, err = 0;

	flags &= OPEN_FLAGS;
	fd = openat2_fd(dirfd, path, (uint64_t)flags, mode, RESOLVE_NO_MAGICLINKS);
	if (fd >= 0 && !on_procfs(fd))
		return fd;
	if (fd >= 0)
		close(fd);
	else if (fd != -ELOOP)
		return fd;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(w.rest, path);
	w.cur = openat(dirfd, ".", O_PATH | O_CLOEXEC);
	if (w.cur < 0)
		return -errno;
	for (;;) {
		if (!next_component(&w, comp, &err)) {
			fd = err ? err : openat2_fd(w.cur, ".", (uint64_t)flags, mode,
						    RESOLVE_NO_MAGICLINKS);
			break;
		}
		if (!step(&w, comp, nothing_left(&w), flags, mode, &fd))
			break;
	}
	close(w.cur);
	return fd;
}

/* Splits path into its directory and last name, in r->buf and *last; the
 * last name is empty when there is none to take ("/", "x/.."). */
static const char *split_last(const char *path, char *dir, size_t size, const char **last)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(dir, size, "%.*s", (int)n, path);
	slash = strrchr(dir, '/');
	if (!slash) {
		*last = path;
		return ".";
	}
	*last = path + (slash - dir) + 1;
	dir[slash == dir ? 1 : slash - dir] = 0;
	return dir;
}

int resolve_path(const struct resolve_as *as, int dirfd, const char *path, bool follow,
		 struct resolved *r)
{
	char dir[PATH_MAX];
	const char *last, *d;
	bool plain;
	int fd;

	r->path = path;
	r->hold = -1;
	/* a last link the call follows is followed here too: where it leads
	 * is what must stay out of procfs */
	fd = openat2_fd(dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		plain = !on_procfs(fd);
		close(fd);
		if (plain)
			return 0;
	} else if (fd != -ELOOP) {
		return 0; /* the call meets the same error itself */
	}
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	d = split_last(path, dir, sizeof(dir), &last);
	if (follow || !*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		fd = resolve_open(as, dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
		if (fd < 0)
			return fd;
		snprintf(r->buf, sizeof(r->buf), "/proc/self/fd/%d", fd);
	} else {
		fd = resolve_open(as, dirfd, d, O_PATH | O_DIRECTORY, 0);
		if (fd < 0)
			return fd;
		snprintf(r->buf, sizeof(r->buf), "/proc/self/fd/%d/%.*s", fd, NAME_MAX,
			 last);
	}
	r->hold = fd;
	r->path = r->buf;
	return 0;
}
