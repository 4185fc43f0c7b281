// SPDX-License-Identifier: MIT
/*
 * exitbench bisect: the first commit of a kernel tree where a benchmark's cost changed.
 *
 *   exitbench bisect GOOD BAD --bench NAME [--tree DIR] [--mode icount|plain|native] [--log FILE]
 *        runs scripts/bisect.sh of the checkout exitbench was built in: git bisect over
 *        built kernels, each measured on the emulated host (icount, plain), or over each
 *        commit's kvm.ko and kvm-pr.ko swapped in on this POWER host (native)
 *   exitbench bisect figure RESULTS.json NAME
 *        the figure a night takes of a benchmark (its median over runs: of each run's
 *        median batch in instruction-count mode, of each run's mean otherwise)
 *   exitbench bisect classify RESULTS.json NAME GOOD BAD
 *        the oracle of one step: exit 0 when NAME's figure is GOOD's, 1 when it is BAD's,
 *        125 (git bisect's "skip") when it was not measured or lies in the middle third
 *        between the two (plain emulation's noise: measure again rather than guess)
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "results.h"
#include "stats.h"


/* the night's figure of name in r: -1 when it was not measured */
static int figure_of(const char *path, const char *name, double *fig, char *err, size_t len)
{
	struct results r;
	struct res_bench *b;
	struct stats_summary s;

	if (res_read(path, &r, err, len))
		return -EINVAL;
	b = res_find(&r, name);
	if (!b || res_figure(&r, b, &s, NULL, NULL)) {
		snprintf(err, len, "%s: benchmark '%s' was not measured there", path, name);
		res_free(&r);
		return -ENOENT;
	}
	*fig = s.median;
	res_free(&r);
	return 0;
}

static int parse_fig(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end == s || *end || !isfinite(*v) ? -1 : 0;
}

static int do_figure(int argc, char **argv)
{
	char err[2048];
	double fig;

	if (argc != 3)
		die2("usage: exitbench bisect figure RESULTS.json BENCHMARK");
	if (figure_of(argv[1], argv[2], &fig, err, sizeof(err)))
		die2("%s", err);
	printf("%.6f\n", fig);
	return 0;
}

static int do_classify(int argc, char **argv)
{
	double fig, good, bad, at;
	char err[2048];

	if (argc != 5 || parse_fig(argv[3], &good) || parse_fig(argv[4], &bad))
		die2("usage: exitbench bisect classify RESULTS.json BENCHMARK GOOD BAD (figures in ticks)");
	if (good == bad)
		die2("bisect classify: GOOD and BAD are the same figure (%g): nothing to tell apart", good);
	if (figure_of(argv[1], argv[2], &fig, err, sizeof(err))) {
		fprintf(stderr, "exitbench: %s: skipped\n", err);
		return 125;
	}
	/* where the figure lies from GOOD (0) to BAD (1) */
	at = (fig - good) / (bad - good);
	fprintf(stderr, "exitbench: %s %.3f: %.2f of the way from good (%.3f) to bad (%.3f)\n",
		argv[2], fig, at, good, bad);
	if (at < 1.0 / 3)
		return 0;
	if (at > 2.0 / 3)
		return 1;
	return 125;
}

/* the checkout exitbench was built in: the directory above build/exitbench's */
static int find_script(const char *name, char *out, size_t len)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		dir = dirname(dirname(exe));
		snprintf(out, len, "%s/scripts/%s", dir, name);
		if (!access(out, X_OK))
			return 0;
	}
	snprintf(out, len, "scripts/%s", name);
	return access(out, X_OK) ? -1 : 0;
}

int cmd_bisect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bench", required_argument, NULL, 'b' }, { "tree", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' }, { "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"usage: exitbench bisect GOOD BAD --bench NAME [--tree DIR] [--mode icount|plain|native|ppc32-icount|ppc32-plain] [--log FILE]\n"
		"       exitbench bisect figure RESULTS.json NAME\n"
		"       exitbench bisect classify RESULTS.json NAME GOOD_FIGURE BAD_FIGURE";
	const char *bench = NULL, *tree = ".", *mode = "icount", *log = NULL;
	char script[PATH_MAX], logbuf[64];
	int c;

	if (argc >= 2 && !strcmp(argv[1], "figure"))
		return do_figure(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "classify"))
		return do_classify(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "b:t:m:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bench = optarg; break;
		case 't': tree = optarg; break;
		case 'm': mode = optarg; break;
		case 'l': log = optarg; break;
		case 'h': printf("%s\n", usage); return 0;
		default: die2("%s", usage);
		}
	}
	if (optind != argc - 2 || !bench)
		die2("%s", usage);
	if (strcmp(mode, "icount") && strcmp(mode, "plain") && strcmp(mode, "native") &&
	    strcmp(mode, "ppc32-icount") && strcmp(mode, "ppc32-plain"))
		die2("--mode %s: icount, plain or native (the 32-bit host's: ppc32-icount, ppc32-plain)",
		     mode);
	if (find_script("bisect.sh", script, sizeof(script)))
		die2("bisect: scripts/bisect.sh not found beside this exitbench; run it from the checkout "
		     "it was built in");
	if (!log) {
		snprintf(logbuf, sizeof(logbuf), "bisect-%s.log", bench);
		log = logbuf;
	}
	if (setenv("MODE", mode, 1))
		die2("bisect: %s", strerror(errno));
	execl("/bin/bash", "bash", script, tree, argv[optind], argv[optind + 1], bench, log,
	      (char *)NULL);
	die2("bisect: running %s: %s", script, strerror(errno));
}
