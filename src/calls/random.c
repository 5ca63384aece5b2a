/* getrandom: an input like the rest, but for glibc's temporary names. */
#include <sys/random.h>
#include <sys/syscall.h>

#include "calls/calls.h"

/* glibc's temporary names (list/tempname.c) mix the clock with a stack
 * address and, when that value falls in a range it rejects (about 1 in 22
 * under ASLR, so in some replicas and not others), draw 8 bytes with
 * getrandom(GRND_NONBLOCK). That exact draw is the replica's own, outside
 * its list: the name it yields differs anyway, and tempname.c aligns it. */
bool random_tempname_draw(const struct call *c)
{
	return c->nr == SYS_getrandom && c->args[1] == 8 && c->args[2] == GRND_NONBLOCK;
}

static enum mode getrandom_classify(struct peer *p, struct call *c)
{
	(void)p;
	return random_tempname_draw(c) ? M_EACH : M_INPUT;
}

const struct handler h_getrandom = {
	.classify = getrandom_classify,
};
