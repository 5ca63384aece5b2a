#include "table/call.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/netlink.h>

#include "os/mem.h"
#include "os/util.h"

#define IOV_CAP 1024

static size_t clamp(uint64_t n)
{
	return n > CALL_MAX_IN ? CALL_MAX_IN : (size_t)n;
}

/* The byte length described by argument a of call c (not for strings). */
static size_t arg_len(const struct call *c, const struct sc_arg *a)
{
	uint64_t n;

	if (a->flags & AF_LEN_PTR) {
		uint32_t v = 0;

		if (c->buf[a->len_arg] && c->len[a->len_arg] >= sizeof(v))
			memcpy(&v, c->buf[a->len_arg], sizeof(v));
		return clamp(v);
	}
	if (a->len_arg < 0)
		return a->size;
	n = c->args[a->len_arg];
	if (a->size)
		n = n > CALL_MAX_IN / a->size ? CALL_MAX_IN : n * a->size;
	return clamp(n);
}

static int read_buf(struct call *c, pid_t pid, int i, size_t len)
{
	int err;

	c->len[i] = len;
	c->buf[i] = xmalloc(len);
	err = mem_read(pid, c->args[i], c->buf[i], len);
	return err;
}

/* Reads an iovec array of count entries; for A_IOV_IN gathers the data. */
static int read_iov(struct call *c, pid_t pid, int i, uint64_t count, bool gather)
{
	struct iovec *iov;
	size_t total = 0, k;
	int err;

	if (count > IOV_CAP)
		return -EINVAL;
	iov = xcalloc(count, sizeof(*iov));
	err = mem_read(pid, c->args[i], iov, count * sizeof(*iov));
	if (err)
		goto out_iov;
	for (k = 0; k < count; k++)
		total += clamp(iov[k].iov_len);
	total = clamp(total);
	c->cap[i] = total;
	if (!gather) {
		c->buf[i] = iov;
		c->len[i] = count * sizeof(*iov);
		return 0;
	}
	c->buf[i] = xmalloc(total);
	c->len[i] = total;
	for (k = 0, total = 0; k < count && total < c->len[i]; k++) {
		size_t n = clamp(iov[k].iov_len);

		if (n > c->len[i] - total)
			n = c->len[i] - total;
		err = mem_read(pid, (uint64_t)iov[k].iov_base, (char *)c->buf[i] + total, n);
		if (err)
			break;
		total += n;
	}
out_iov:
	free(iov);
	return err;
}

/* Programs pass socket addresses with bytes the kernel never reads
 * (glibc hands connect a whole sockaddr_un after a short path); cleared,
 * they compare equal, and the monitor passes on the same address. */
static void clear_sockaddr_padding(void *buf, size_t len)
{
	struct sockaddr *sa = buf;
	size_t keep = len;

	if (len < sizeof(sa->sa_family))
		return;
	if (sa->sa_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path)) {
		char *path = ((struct sockaddr_un *)buf)->sun_path;
		char *nul = path[0] ? memchr(path, 0, len - offsetof(struct sockaddr_un, sun_path)) : NULL;

		if (nul) /* a path; an abstract name (leading NUL) uses every byte */
			keep = nul - (char *)buf + 1;
	} else if (sa->sa_family == AF_INET) {
		keep = offsetof(struct sockaddr_in, sin_zero);
	} else if (sa->sa_family == AF_NETLINK && len >= sizeof(struct sockaddr_nl)) {
		memset(&((struct sockaddr_nl *)buf)->nl_pad, 0, sizeof(unsigned short));
	}
	if (keep < len)
		memset((char *)buf + keep, 0, len - keep);
}

static int capture_arg(struct call *c, pid_t pid, int i)
{
	const struct sc_arg *a = &c->se->args[i];
	int err;

	if ((a->flags & AF_NULLOK) && c->args[i] == 0)
		return 0;
	switch ((enum sc_arg_kind)a->kind) {
	case A_PATH:
	case A_STR:
		return mem_read_str(pid, c->args[i], PATH_MAX, (char **)&c->buf[i], &c->len[i]);
	case A_IN:
		err = read_buf(c, pid, i, arg_len(c, a));
		if (!err && (a->flags & AF_SOCKADDR))
			clear_sockaddr_padding(c->buf[i], c->len[i]);
		return err;
	case A_INOUT:
		c->cap[i] = arg_len(c, a);
		return read_buf(c, pid, i, c->cap[i]);
	case A_OUT:
		c->cap[i] = arg_len(c, a);
		return 0;
	case A_IOV_IN:
		return read_iov(c, pid, i, c->args[a->len_arg], true);
	case A_IOV_OUT:
		return read_iov(c, pid, i, c->args[a->len_arg], false);
	case A_NONE:
	case A_INT:
	case A_FD:
	case A_DIRFD:
	case A_PTR:
	case A_OWN:
		return 0;
	default:
		return -EINVAL;
	}
}

int call_capture(struct call *c, pid_t pid, long nr, const uint64_t args[6], uint64_t ip)
{

	memset(c, 0, sizeof(*c));
	c->nr = nr;
	c->ip = ip;
	memcpy(c->args, args, sizeof(c->args));
	c->se = sysent_is_event(nr) ? NULL : sysent_get(nr); /* a replica cannot fake an event */
	if (!c->se)
		return 0;
	return call_recapture(c, pid, c->se);
}

/* The kernel ignores the directory descriptor of a call whose path is
 * absolute (MariaDB's mysys walks a path with openat(-1, "/tmp", O_PATH)
 * first): it is AT_FDCWD in the captured call, so that it is not
 * compared, not looked up by the monitor (it answered EBADF for -1) and
 * does not make the call a replica's own (a /proc/self descriptor there
 * let unlinkat of an absolute path run in the replica, unvoted). */
static void ignored_dirfds(struct call *c)
{
	int i;

	for (i = 0; i + 1 < c->se->nargs; i++)
		if (c->se->args[i].kind == A_DIRFD && c->se->args[i + 1].kind == A_PATH &&
		    c->buf[i + 1] && ((const char *)c->buf[i + 1])[0] == '/')
			c->args[i] = (uint32_t)AT_FDCWD;
}

int call_recapture(struct call *c, pid_t pid, const struct sysent *se)
{
	int i, err;

	call_free(c);
	memset(c->cap, 0, sizeof(c->cap));
	memset(c->len, 0, sizeof(c->len));
	c->se = se;
	/* In-out length pointers come before the buffers they size. */
	for (i = 0; i < c->se->nargs; i++) {
		if (c->se->args[i].kind != A_INOUT)
			continue;
		err = capture_arg(c, pid, i);
		if (err)
			return err;
	}
	for (i = 0; i < c->se->nargs; i++) {
		if (c->se->args[i].kind == A_INOUT)
			continue;
		err = capture_arg(c, pid, i);
		if (err)
			return err;
	}
	ignored_dirfds(c);
	return 0;
}

bool call_read_memory(const struct call *c)
{
	int i;

	for (i = 0; i < 6; i++)
		if (c->buf[i])
			return true;
	return false;
}

void call_free(struct call *c)
{
	int i;

	for (i = 0; i < 6; i++) {
		free(c->buf[i]);
		c->buf[i] = NULL;
	}
}

static int arg_kind(const struct call *c, int i)
{
	if (!c->se)
		return A_INT; /* RSYS events compare by value */
	return i < c->se->nargs ? c->se->args[i].kind : A_NONE;
}

/* memcmp first: the buffers of a vote are equal nearly always, and the
 * byte loop cost a voted 4 KiB write 16% of the monitor's time (perf). */
static long first_byte_diff(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i;
	const unsigned char *x = a, *y = b;

	if (n && memcmp(x, y, n))
		for (i = 0; i < n; i++)
			if (x[i] != y[i])
				return i;
	return alen == blen ? -1 : (long)n;
}

struct call_diff call_first_diff(const struct call *a, const struct call *b)
{
	struct call_diff d = { -1, -1 };
	int i;

	if (a->nr != b->nr)
		return d;
	for (i = 0; i < 6; i++) {
		long off;

		d.arg = i;
		switch ((enum sc_arg_kind)arg_kind(a, i)) {
		case A_INT:
		case A_FD:
		case A_DIRFD:
			if (a->args[i] != b->args[i])
				return d;
			break;
		case A_PTR:
			if (!a->args[i] != !b->args[i])
				return d;
			break;
		case A_OUT:
		case A_IOV_OUT:
			if (a->cap[i] != b->cap[i] || !a->args[i] != !b->args[i])
				return d;
			break;
		case A_PATH:
		case A_STR:
		case A_IN:
		case A_INOUT:
		case A_IOV_IN:
			if (!a->args[i] != !b->args[i])
				return d;
			off = first_byte_diff(a->buf[i], a->len[i], b->buf[i], b->len[i]);
			if (off >= 0) {
				d.offset = off;
				return d;
			}
			break;
		case A_NONE:
		case A_OWN:
			break;
		default:
			return d;
		}
	}
	d.arg = -2;
	return d;
}

bool call_equal(const struct call *a, const struct call *b)
{
	return call_first_diff(a, b).arg == -2;
}

/* Appends a C-escaped preview of a buffer, at most 32 bytes of it. */
static size_t format_bytes(char *out, size_t size, const unsigned char *p, size_t len)
{
	size_t n = 0, i;

	n += snprintf(out + n, size - n, "\"");
	for (i = 0; i < len && i < 32 && n + 8 < size; i++) {
		unsigned char ch = p[i];

		if (ch == '\n')
			n += snprintf(out + n, size - n, "\\n");
		else if (ch == '"' || ch == '\\')
			n += snprintf(out + n, size - n, "\\%c", ch);
		else if (ch >= 32 && ch < 127)
			n += snprintf(out + n, size - n, "%c", ch);
		else
			n += snprintf(out + n, size - n, "\\x%02x", ch);
	}
	n += snprintf(out + n, size - n, "\"%s", len > 32 ? "..." : "");
	return n;
}

void call_format(const struct call *c, char *buf, size_t size)
{
	size_t n = snprintf(buf, size, "%s(", sysent_name(c->nr));
	int i, nargs = c->se ? c->se->nargs : 1;

	for (i = 0; i < nargs && n + 48 < size; i++) {
		int kind = arg_kind(c, i);

		if (i)
			n += snprintf(buf + n, size - n, ", ");
		if ((kind == A_PATH || kind == A_STR || kind == A_IN || kind == A_IOV_IN ||
		     kind == A_INOUT) && c->buf[i])
			n += format_bytes(buf + n, size - n, c->buf[i],
					  kind == A_PATH || kind == A_STR ? c->len[i] - 1 : c->len[i]);
		else if (kind == A_PTR || kind == A_OUT || kind == A_IOV_OUT)
			n += snprintf(buf + n, size - n, "%#llx", (unsigned long long)c->args[i]);
		else
			n += snprintf(buf + n, size - n, "%lld", (long long)c->args[i]);
	}
	snprintf(buf + n, size - n, ")");
}
