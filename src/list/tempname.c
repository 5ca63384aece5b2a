/* Temporary file names. mkstemp() and mkdtemp() fill their XXXXXX from the
 * clock mixed with an address on the stack (glibc's tempname.c), so under
 * ASLR each replica picks another name and they would diverge on the very
 * first open. A replica whose exclusive create differs from the first
 * replica's only there, in one run of at most TEMP_CHARS letters or digits in
 * the last part of the path, is given the first replica's name: it is written into the
 * replica's own buffer (where the program keeps using it) before the
 * calls are compared. Any other difference still diverges. */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "list/tempname.h"
#include "model/run.h"
#include "os/mem.h"
#include "os/util.h"

/* mkstemp wants 6 X, mktemp(1) 10 by default; more are rare */
#define TEMP_CHARS 16

/* The path argument of an exclusive create, or -1. (Not glibc's lstat
 * probe that a name is free, as sem_open makes: aligned, its semaphore
 * would be one file every replica maps, and the mapping is refused.) */
static int create_path_arg(const struct call *c)
{
	switch (c->nr) {
	case SYS_open:
		return (c->args[1] & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ? 0 : -1;
	case SYS_openat:
		return (c->args[2] & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ? 1 : -1;
	case SYS_mkdir:
		return 0;
	case SYS_mkdirat:
		return 1;
	default:
		return -1;
	}
}

static bool alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* a and b (same length) differ only within TEMP_CHARS consecutive
 * letters or digits after the last '/'. */
static bool differ_in_template(const char *a, const char *b, size_t len)
{
	const char *slash = memrchr(a, '/', len);
	size_t first = len, last = 0, i, base = slash ? (size_t)(slash - a) + 1 : 0;

	if (memcmp(a, b, base))
		return false;
	for (i = base; i < len; i++) {
		if (a[i] == b[i])
			continue;
		if (!alnum(a[i]) || !alnum(b[i]))
			return false;
		first = i < first ? i : first;
		last = i;
	}
	if (first >= len || last - first >= TEMP_CHARS)
		return false;
	for (i = first; i <= last; i++) /* one run: no '.', '-' or '_' within */
		if (!alnum(a[i]))
			return false;
	return true;
}

void tempname_align(const struct entry *e, struct peer *p, struct call *c)
{
	const struct call *ref = NULL;
	int i, arg = create_path_arg(c);

	if (arg < 0 || !c->buf[arg])
		return;
	for (i = 0; i < opt.n && !ref; i++)
		if (i != p->rep->idx && e->call[i] && e->call[i]->nr == c->nr)
			ref = e->call[i];
	if (!ref || !ref->buf[arg] || ref->len[arg] != c->len[arg] ||
	    !memcmp(ref->buf[arg], c->buf[arg], c->len[arg]))
		return;
	for (i = 0; i < 6; i++)
		if (i != arg && ref->args[i] != c->args[i] && i < c->se->nargs &&
		    c->se->args[i].kind == A_INT)
			return;
	if (!differ_in_template(ref->buf[arg], c->buf[arg], c->len[arg]))
		return;
	if (mem_write(p->tid, c->args[arg], ref->buf[arg], ref->len[arg]))
		return;
	debugmsg("replica %d: temporary name %s becomes %s", p->rep->idx, (char *)c->buf[arg],
	       (char *)ref->buf[arg]);
	memcpy(c->buf[arg], ref->buf[arg], ref->len[arg]);
}
