/* Unit test of tests/unit/tap.h, the TAP helper of the other unit tests:
 * each case runs a few helper calls in a forked child whose stdout is a
 * temporary file, and checks the exact lines it printed and its exit status
 * (tap_exit): a failure, a count that differs from the plan, or no plan at
 * all must make it non-zero, or a broken unit test would pass. Prints TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static void all_pass(void)
{
	plan(3);
	ok(1, "first %d", 1);
	is_long(-7, -7, "second");
	ok(42, "any non-zero is true");
}

static void failures(void)
{
	plan(3);
	ok(0, "a failure");
	is_long(2, 5, "values %s", "differ");
	ok(1, "a pass after them");
}

static void too_few(void)
{
	plan(3);
	ok(1, "only one");
}

static void too_many(void)
{
	plan(1);
	ok(1, "one");
	ok(1, "two");
}

static void no_plan(void)
{
	ok(1, "alone");
}

static void skipped(void)
{
	plan(2);
	skip("no header here", "all %d entries", 5);
	diag("a note, %s", "not a test");
	ok(1, "after the skip");
}

/* a child that prints tests 19 and 20 of its parent's plan */
static void resumed(void)
{
	tap_resume(18, 2);
	tap_prefix("check");
	ok(1, "a");
	is_long(1, 1, "b");
}

static void resumed_short(void)
{
	tap_resume(18, 2);
	ok(1, "a");
}

struct tcase {
	const char *name;
	void (*fn)(void);
	int status;
	const char *out;
};

static const struct tcase cases[] = {
	{ "all pass", all_pass, 0, "1..3\nok 1 - first 1\nok 2 - second\nok 3 - any non-zero is true\n" },
	{ "failures", failures, 1,
	  "1..3\nnot ok 1 - a failure\nnot ok 2 - values differ\n#      got: 2\n# expected: 5\n"
	  "ok 3 - a pass after them\n# failed 2 of 3 tests\n" },
	{ "fewer than planned", too_few, 1, "1..3\nok 1 - only one\n# planned 3 tests but ran 1\n" },
	{ "more than planned", too_many, 1, "1..1\nok 1 - one\nok 2 - two\n# planned 1 tests but ran 2\n" },
	{ "no plan", no_plan, 1, "ok 1 - alone\n# no plan: 1 tests ran\n" },
	{ "skip and diag", skipped, 0,
	  "1..2\nok 1 - all 5 entries # SKIP no header here\n# a note, not a test\nok 2 - after the skip\n" },
	{ "resumed child with a prefix", resumed, 0, "ok 19 - check: a\nok 20 - check: b\n" },
	{ "resumed child short of its count", resumed_short, 1,
	  "ok 19 - a\n# planned 2 tests but ran 1\n" },
};

/* Runs fn in a child with a fresh state, stdout in a file; its output in
 * buf, its exit status returned (-1: it did not exit). */
static int run_case(void (*fn)(void), char *buf, size_t size)
{
	FILE *f = tmpfile();
	int status;
	size_t n;
	pid_t pid;

	if (!f)
		return -2;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(f), 1);
		*tap_state() = (struct tap_state){ .planned = -1 };
		fn();
		_exit(tap_exit());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		fclose(f);
		return -2;
	}
	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* text as '#' lines (its own "ok" lines must not look like tests) */
static void diag_lines(const char *label, const char *text)
{
	const char *nl;

	diag("%s:", label);
	for (; *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text) - 1;
		diag("  %.*s", (int)(nl - text + (*nl != '\n')), text);
	}
}

int main(void)
{
	size_t i, ncases = sizeof(cases) / sizeof(cases[0]);
	char out[1024];
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	plan((int)(2 * ncases));
	for (i = 0; i < ncases; i++) {
		status = run_case(cases[i].fn, out, sizeof(out));
		is_long(status, cases[i].status, "%s: exit status %d", cases[i].name,
			cases[i].status);
		if (!ok(!strcmp(out, cases[i].out), "%s: the expected lines", cases[i].name)) {
			diag_lines("got", out);
			diag_lines("expected", cases[i].out);
		}
	}
	return tap_exit();
}
