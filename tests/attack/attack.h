/* What the attack programs share. Each misbehaves in replica 0 only, as an
 * exploit that works on one address layout would: replica 0 is the one
 * whose own /proc/self is the process id every replica sees (getpid is
 * virtual under replicant). Its peers do something harmless. What the
 * attack would leave behind carries the word ATTACK, or is a file named in
 * tests/t/98-attack.t. */
#ifndef ATTACK_H
#define ATTACK_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline int attacker(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = 0;
	return atoi(buf) == getpid();
}

/* The end every run that survives reaches: the same in every replica. The
 * peers take their time (a sleep the monitor does not see), so that the
 * attacker's calls, which each diverge from theirs, are all made before a
 * peer's next call shows the divergence: what an attack can do before it
 * is caught is what these tests look for. */
static inline int finish(int attacking)
{
	static const char done[] = "done\n";
	struct timespec ts = { 0, 300000000 };

	if (!attacking)
		nanosleep(&ts, NULL);
	return write(1, done, sizeof(done) - 1) == sizeof(done) - 1 ? 0 : 1;
}

#endif
