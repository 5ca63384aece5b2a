/* Four threads print through calls that take a FILE's lock inside glibc,
 * NLINES lines each: two print wide-character lines to stdout (fwprintf,
 * fputws), one warnx lines and one perror lines to stderr. Each thread's
 * lines are the same in every run; only their interleaving changes. The
 * lock is held while the line is written (stdout line-buffered, stderr
 * unbuffered), so replicas that take it in different orders each wait in
 * a write for peers that wait for the lock, unless the calls run in the
 * stream's region (lib/pthread/wstdio.c, errmsg.c). stderr goes to the
 * file msgs.stderr in the working directory, which main reads back at the
 * end: it prints whether each error printer's lines are all there, in
 * order. Last line of stdout: 600 lines. */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define NLINES 300

static void *wide(void *arg)
{
	long id = (long)arg;
	wchar_t line[64];
	int i;

	for (i = 0; i < NLINES; i++) {
		if (id == 1) {
			fwprintf(stdout, L"wide %ld line %d\n", id, i);
		} else {
			swprintf(line, 64, L"wide %ld line %d\n", id, i);
			fputws(line, stdout);
		}
	}
	return NULL;
}

static void *warner(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < NLINES; i++)
		warnx("warnx line %d", i);
	return NULL;
}

static void *perrorer(void *arg)
{
	char what[32];
	int i;

	(void)arg;
	for (i = 0; i < NLINES; i++) {
		snprintf(what, sizeof(what), "perror line %d", i);
		errno = ENOENT;
		perror(what);
	}
	return NULL;
}

/* How many of the error printers' lines came out, in order. perror writes
 * its line at once; glibc's warnx writes the program name, the message and
 * the newline under the lock each, so a perror line may come between those
 * pieces (natively; not in the stream's region). So the perror lines are
 * taken out where they start, and what is left must be the warnx lines. */
static void read_back(int *nwarn, int *nperror)
{
	char text[65536], want[128];
	FILE *f = fopen("msgs.stderr", "r");
	size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0, at = 0, w = 0, wlen;

	*nwarn = *nperror = 0;
	snprintf(want, sizeof(want), "%s: warnx line 0\n", program_invocation_short_name);
	wlen = strlen(want);
	while (at < len) {
		char p[128];
		size_t plen;

		snprintf(p, sizeof(p), "perror line %d: %s\n", *nperror, strerror(ENOENT));
		plen = strlen(p);
		if (len - at >= plen && !memcmp(text + at, p, plen)) {
			++*nperror;
			at += plen;
			continue;
		}
		if (w >= wlen || text[at] != want[w])
			break;
		at++;
		if (++w == wlen) {
			w = 0;
			snprintf(want, sizeof(want), "%s: warnx line %d\n",
				 program_invocation_short_name, ++*nwarn);
			wlen = strlen(want);
		}
	}
	if (f)
		fclose(f);
}

int main(void)
{
	int fd, nwarn, nperror;
	void *(*start[])(void *) = { wide, wide, warner, perrorer };
	pthread_t t[4];
	long i;

	fd = open("msgs.stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 2) < 0)
		return 1;
	close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);	/* one write a line */
	fwide(stdout, 1);
	fwprintf(stdout, L"msgs: 2 wide printers, 2 error printers, %d lines each\n", NLINES);
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, start[i], (void *)(i + 1)))
			return 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	read_back(&nwarn, &nperror);
	fwprintf(stdout, L"errors: %d warnx lines in order, %d perror lines in order\n", nwarn,
		 nperror);
	fwprintf(stdout, L"%d lines\n", 2 * NLINES);
	return 0;
}
