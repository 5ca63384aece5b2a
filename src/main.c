/* replicant: options, then the monitor. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "end/profile.h"
#include "end/report.h"
#include "loop/loop.h"
#include "model/procs.h"
#include "model/run.h"
#include "os/spawn.h"
#include "os/tsc.h"
#include "os/util.h"
#include "seq/seq.h"
#include "table/filter.h"

#define VERSION "0.1"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: replicant run [-n N] [options] -- PROG [ARGS...]\n"
		"Runs N replicas (2 to %d, default 2) of PROG; an output leaves only once\n"
		"a majority of replicas produced it.\n"
		"  -n, --replicas N              number of replicas\n"
		"  --divergence-exit-code N      exit status on divergence (default 86)\n"
		"  --on-divergence abort|kill-minority\n"
		"                                kill-minority (N >= 3) kills the minority and goes on\n"
		"  --report FILE                 write a JSON report of the run to FILE\n"
		"  --stall-timeout SECONDS       a replica this far behind is a divergence (default 10)\n"
		"  --pthread[=serial]            (the default) load libreplicant-pthread.so into\n"
		"                                the replicas: their pthread locks become\n"
		"                                sequential regions (serial: all critical sections\n"
		"                                take one turn, for programs that race between\n"
		"                                two locks)\n"
		"  --no-pthread                  do not load it: threads are not ordered\n"
		"  --perturb                     random per-replica delays at syscalls and region\n"
		"                                entries, to bring out races (seed in the report)\n"
		"  --perturb-seed N              the seed (default: drawn at random)\n"
		"  --perturb-max-us N            the longest delay (default 2000)\n"
		"  --debug                       trace the monitor's decisions on stderr\n"
		"  --profile FILE                write where the monitor's time went, by call,\n"
		"                                to FILE at the end (bench/breakdown.sh)\n",
		MAX_REPLICAS);
}

static noreturn void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "replicant: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(EXIT_REPLICANT_ERROR);
}

static long parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == 0 || *end || v < min || v > max)
		bad_usage(what, s);
	return v;
}

/* Finds PROG as execvp would; exits 127 (not found) or 126 (not runnable). */
static const char *resolve(const char *prog)
{
	static char buf[PATH_MAX];
	const char *path = getenv("PATH");
	struct stat st;
	int err = ENOENT;

	if (strchr(prog, '/')) {
		snprintf(buf, sizeof(buf), "%s", prog);
		if (stat(buf, &st) < 0)
			err = errno;
		else if (S_ISDIR(st.st_mode) || access(buf, X_OK) < 0)
			err = EACCES;
		else
			return buf;
	} else {
		const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin";

		while (*p) {
			size_t n = strcspn(p, ":");

			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", prog);
			if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
				if (access(buf, X_OK) == 0)
					return buf;
				err = EACCES;
			}
			p += n + (p[n] == ':');
		}
	}
	fprintf(stderr, "replicant: %s: %s\n", prog, err == ENOENT ? "command not found" : strerror(err));
	exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static uint64_t parse_seed(const char *s);

/* One option of getopt_long; *seeded: --perturb-seed was given. */
static void parse_option(int ch, bool *seeded)
{
	switch (ch) {
	case 'n':
		opt.n = (int)parse_long(optarg, 2, MAX_REPLICAS, "bad replica count '%s' (2 to 16)");
		break;
	case 'd':
		opt.divergence_exit = (int)parse_long(optarg, 0, 255, "bad exit code '%s' (0 to 255)");
		break;
	case 'o':
		if (!strcmp(optarg, "abort"))
			opt.on_div = DIV_ABORT;
		else if (!strcmp(optarg, "kill-minority"))
			opt.on_div = DIV_KILL_MINORITY;
		else
			bad_usage("bad --on-divergence '%s' (abort or kill-minority)", optarg);
		break;
	case 'r':
		opt.report_path = optarg;
		break;
	case 's':
		opt.stall_ns = (uint64_t)parse_long(optarg, 1, 86400, "bad stall timeout '%s' (seconds)") *
			       1000000000ull;
		break;
	case 'D':
		util_debug = 1;
		break;
	case 'F':
		opt.profile_path = optarg;
		break;
	case 'N':
		opt.pthread = false;
		opt.pthread_serial = false;
		break;
	case 'P':
		opt.pthread = true;
		if (optarg && !strcmp(optarg, "serial"))
			opt.pthread_serial = true;
		else if (optarg)
			bad_usage("bad --pthread mode '%s' (serial, or none)", optarg);
		break;
	case 'p':
		opt.perturb = true;
		break;
	case 'S':
		opt.perturb = true;
		opt.perturb_seed = parse_seed(optarg);
		*seeded = true;
		break;
	case 'M':
		opt.perturb_max_us = (uint32_t)parse_long(optarg, 1, 1000000,
							  "bad --perturb-max-us '%s' (1 to 1000000)");
		break;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		usage(stderr);
		exit(EXIT_REPLICANT_ERROR);
	}
}

static void parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "replicas", required_argument, NULL, 'n' },
		{ "divergence-exit-code", required_argument, NULL, 'd' },
		{ "on-divergence", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'r' },
		{ "stall-timeout", required_argument, NULL, 's' },
		{ "debug", no_argument, NULL, 'D' },
		{ "profile", required_argument, NULL, 'F' },
		{ "pthread", optional_argument, NULL, 'P' },
		{ "no-pthread", no_argument, NULL, 'N' },
		{ "perturb", no_argument, NULL, 'p' },
		{ "perturb-seed", required_argument, NULL, 'S' },
		{ "perturb-max-us", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool seeded = false;
	int ch;

	opt.n = 2;
	opt.pthread = true;
	opt.perturb_max_us = 2000;
	opt.divergence_exit = 86;
	opt.stall_ns = 10ull * 1000000000ull;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		exit(0);
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("replicant %s\n", VERSION);
		exit(0);
	}
	if (argc < 2 || strcmp(argv[1], "run"))
		bad_usage("expected a command: run%s", "");
	optind = 2;
	while ((ch = getopt_long(argc, argv, "+n:h", longopts, NULL)) != -1)
		parse_option(ch, &seeded);
	if (optind >= argc)
		bad_usage("no program given%s", "");
	if (opt.on_div == DIV_KILL_MINORITY && opt.n < 3)
		bad_usage("--on-divergence kill-minority needs at least 3 replicas%s", "");
	opt.argv = argv + optind;
	if (opt.perturb && !seeded && getrandom(&opt.perturb_seed, sizeof(opt.perturb_seed), 0) < 0)
		die_errno("getrandom");
}

static uint64_t parse_seed(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *s == 0 || *end || *s == '-')
		bad_usage("bad --perturb-seed '%s' (an unsigned 64-bit number)", s);
	return v;
}

/* The pthread library (unless --no-pthread): the one beside replicant's binary (build/replicant and
 * build/lib/, or PREFIX/bin and PREFIX/lib), or $REPLICANT_PTHREAD_LIB. */
/* "DIR/libreplicant.so.0:" when the library the pthread one needs is
 * beside it, else "". Preloaded by path first, it is found by its soname
 * when the pthread library asks for it: the dynamic loader's search of
 * its rpath (glibc-hwcaps, tls, x86_64: failed openat and stat) cost every
 * process that starts 25 calls through the monitor (48 for `true`, now 23;
 * 12 under --no-pthread). */
static const char *core_beside(const char *lib, char *buf, size_t len)
{
	const char *slash = strrchr(lib, '/');
	int n = slash ? (int)(slash - lib + 1) : 0;

	snprintf(buf, len, "%.*slibreplicant.so.0", n, lib);
	if (access(buf, R_OK) < 0)
		return "";
	strncat(buf, ":", len - strlen(buf) - 1);
	return buf;
}

static void preload_pthread(void)
{
	static const char *const rel[] = { "lib/libreplicant-pthread.so",
					   "../lib/libreplicant-pthread.so" };
	char self[PATH_MAX], path[PATH_MAX * 2], core[PATH_MAX * 2 + 32], *slash, *env;
	const char *old = getenv("LD_PRELOAD"), *lib = getenv("REPLICANT_PTHREAD_LIB");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;

	if (!lib && n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash)
			slash[1] = 0;
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]) && !lib; i++) {
			snprintf(path, sizeof(path), "%s%s", self, rel[i]);
			if (access(path, R_OK) == 0)
				lib = path;
		}
	}
	if (!lib || access(lib, R_OK) < 0) {
		fprintf(stderr, "replicant: cannot find libreplicant-pthread.so%s%s "
			"(set REPLICANT_PTHREAD_LIB, or run with --no-pthread)\n", lib ? " at " : " beside replicant",
			lib ? lib : "");
		exit(EXIT_REPLICANT_ERROR);
	}
	if (asprintf(&env, "%s%s%s%s", core_beside(lib, core, sizeof(core)), lib,
		     old && *old ? ":" : "", old && *old ? old : "") < 0 ||
	    setenv("LD_PRELOAD", env, 1) < 0 ||
	    (opt.pthread_serial && setenv("REPLICANT_PTHREAD_SERIAL", "1", 1) < 0))
		die_errno("setting LD_PRELOAD");
	free(env);
}

/* Every replica starts in replicant's working directory, with its
 * standard descriptors, as external objects shared by all of them. */
static void initial_procs(void)
{
	int fd, i;

	for (i = 0; i < opt.n; i++) {
		int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (cwd < 0)
			die_errno("cannot open the working directory");
		replicas[i].proc0 = proc_new(0, getpid(), cwd);
	}

	for (fd = 0; fd < 3; fd++) {
		struct fobj *o;
		int mfd;

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		mfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (mfd < 0)
			die_errno("dup of fd %d", fd);
		o = fobj_new(mfd, false);
		fobj_get(o);
		for (i = 0; i < opt.n; i++)
			fdtab_set(&replicas[i].proc0->fds, fd, o, false);
		fobj_put(o);
	}
}

int main(int argc, char **argv)
{
	struct sock_fprog prog;
	scmp_filter_ctx ctx;
	int i;

	parse(argc, argv);
	opt.prog_path = resolve(opt.argv[0]);
	report_open();
	if (opt.profile_path)
		profile_open(opt.profile_path);
	tsc_probe();
	if (opt.pthread)
		preload_pthread();
	loop_setup();
	seq_init();
	if (opt.perturb)
		fprintf(stderr, "replicant: --perturb seed %llu (replay with --perturb-seed %llu)\n",
			(unsigned long long)opt.perturb_seed, (unsigned long long)opt.perturb_seed);
	ctx = filter_build();
	initial_procs();
	filter_export(ctx, &prog);
	seccomp_release(ctx);
	for (i = 0; i < opt.n; i++)
		spawn_replica(&replicas[i], &prog, opt.prog_path, opt.argv);
	loop_add_initial_peers();
	return loop_run();
}
