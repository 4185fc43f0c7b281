// SPDX-License-Identifier: MIT
/*
 * exitbench compare: A vs B (two results.json or two plain samples): change, interval,
 * verdict; compare.json, compare.md, plots.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "compare.h"
#include "results.h"

/* the long options without a letter */
enum { OPT_SEQUENTIAL = 256, OPT_UNTIL, OPT_BUDGET, OPT_ELAPSED, OPT_ENDED, OPT_ROBUST };

/* progress lines: on a terminal only, once the comparison has taken this long, then each second */
#define PROGRESS_AFTER 3.0

struct progress {
	double t0, last;
	int tty;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* what a long comparison is doing: reading a file (done: the share read) or a step */
static void progress_line(void *arg, const char *step, double done)
{
	struct progress *p = arg;
	double t = now();

	if (!p->tty || t - p->t0 < PROGRESS_AFTER || t - p->last < 1)
		return;
	p->last = t;
	if (done >= 0)
		fprintf(stderr, "exitbench: compare: %s, %.0f%% done, %.0f s so far\n", step,
			done * 100, t - p->t0);
	else
		fprintf(stderr, "exitbench: compare: %s, %.0f s so far\n", step, t - p->t0);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' }, { "json", optional_argument, NULL, 'j' },
		{ "markdown", required_argument, NULL, 'm' }, { "plots", required_argument, NULL, 'p' },
		{ "stat", required_argument, NULL, 's' }, { "confidence", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' }, { "resamples", required_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "sequential", no_argument, NULL, OPT_SEQUENTIAL }, { "until", required_argument, NULL, OPT_UNTIL },
		{ "budget", required_argument, NULL, OPT_BUDGET }, { "elapsed", required_argument, NULL, OPT_ELAPSED },
		{ "ended", required_argument, NULL, OPT_ENDED },
		{ "robust", no_argument, NULL, OPT_ROBUST },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage_line[] =
		"usage: exitbench compare A B [--threshold PCT] [--stat auto|mean|median|min] [--confidence PCT] "
		"[--json[=FILE]] [--markdown FILE] [--plots DIR] [--seed N] [--resamples N] [--quiet] "
		"[--sequential [--until PCT] [--robust] [--budget S] [--elapsed S] "
		"[--ended rounds|budget|failure]] "
		"(A, B: two results.json, or two files of one number a line)";
	const char *jsonf = NULL, *md = NULL, *plots = NULL, *problem;
	int c, as_json = 0, quiet = 0, status;
	struct compare cmp = { 0 };
	struct progress prog = { .t0 = now(), .tty = isatty(STDERR_FILENO) };
	char err[2048];
	double v, until = -1;
	int threshold_given = 0;

	cmp_opts_default(&cmp.opts);
	cseq_opts_default(&cmp.seq.opts);
	cmp.seq.ended = CSEQ_END_ROUNDS;
	cmp.seq.budget_s = cmp.seq.elapsed_s = NAN;
	cmp.opts.progress = progress_line;
	cmp.opts.progress_arg = &prog;
	cmp.median = -1;
	while ((c = getopt_long(argc, argv, "t:qj::m:p:s:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("%s\n", usage_line);
			return 0;
		case 't':
			if (cmd_number(optarg, 0, 1000, &cmp.opts.threshold_pct))
				die2("--threshold %s: a percentage, e.g. 1 or 0.05", optarg);
			threshold_given = 1;
			break;
		case 'c':
			if (cmd_number(optarg, 50, 99.999, &v))
				die2("--confidence %s: a percentage between 50 and 99.999", optarg);
			cmp.opts.confidence = v / 100;
			break;
		case 'j': as_json = 1; jsonf = optarg; break;
		case 'm': md = optarg; break;
		case 'p': plots = optarg; break;
		case 'q': quiet = 1; break;
		case 's':
			if (strcmp(optarg, "mean") && strcmp(optarg, "median") && strcmp(optarg, "min") &&
			    strcmp(optarg, "auto"))
				die2("--stat %s: mean, median or min (of each run's batches) or auto", optarg);
			cmp.median = !strcmp(optarg, "median") ? RES_STAT_MEDIAN :
				     !strcmp(optarg, "min") ? RES_STAT_MIN :
				     !strcmp(optarg, "auto") ? -1 : RES_STAT_MEAN;
			break;
		case 'S':
			if (cmd_number(optarg, 0, 4e9, &v))
				die2("--seed %s: a whole number", optarg);
			cmp.opts.seed = (unsigned long)v;
			break;
		case 'B':
			if (cmd_number(optarg, 100, 1e7, &v))
				die2("--resamples %s: 100 to 10000000", optarg);
			cmp.opts.resamples = (unsigned)v;
			break;
		case OPT_SEQUENTIAL: cmp.sequential = 1; break;
		case OPT_ROBUST: cmp.seq.opts.robust = 1; cmp.sequential = 1; break;
		case OPT_UNTIL:
			if (cmd_number(optarg, 0, 1000, &until))
				die2("--until %s: a percentage, e.g. 0.5 (the band of no change)", optarg);
			cmp.sequential = 1;
			break;
		case OPT_BUDGET:
		case OPT_ELAPSED:
			if (cmd_number(optarg, 0, 1e9, &v))
				die2("--%s %s: seconds", c == OPT_BUDGET ? "budget" : "elapsed", optarg);
			*(c == OPT_BUDGET ? &cmp.seq.budget_s : &cmp.seq.elapsed_s) = v;
			break;
		case OPT_ENDED:
			if (cseq_end_parse(optarg, &cmp.seq.ended))
				die2("--ended %s: rounds, budget or failure (why the rounds ended)", optarg);
			break;
		default:
			die2("%s", usage_line);
		}
	}
	if (optind != argc - 2)
		die2("%s", usage_line);
	/* the band: --until, else the threshold (and the threshold, unless given, the band) */
	cmp.seq.opts.until_pct = until >= 0 ? until : cmp.opts.threshold_pct;
	if (!threshold_given)
		cmp.opts.threshold_pct = cmp.seq.opts.until_pct;
	cmp.seq.opts.confidence = cmp.opts.confidence;
	if (compare_run(&cmp, argv[optind], argv[optind + 1], err, sizeof(err))) {
		compare_free(&cmp);
		die2("%s", err);
	}
	status = compare_status(&cmp);
	if (as_json && compare_write_json(&cmp, jsonf)) {
		compare_free(&cmp);
		die2("writing %s failed", jsonf ? jsonf : "JSON");
	}
	if (!quiet && (!as_json || jsonf))
		compare_print(stdout, &cmp);
	problem = plots ? compare_plots(&cmp, plots) : NULL;
	if (problem)
		fprintf(stderr, "exitbench: compare plots not drawn: %s\n", problem);
	if (md && compare_markdown(&cmp, md, plots && !problem)) {
		compare_free(&cmp);
		die2("writing %s: %s", md, strerror(errno));
	}
	/* the rows that are bad input (what exit status 2 is for), each with its reason */
	for (size_t i = 0; i < cmp.n; i++)
		if (cmp.rows[i].state == RES_CMP_NO_BATCHES || cmp.rows[i].state == RES_CMP_BAD_SAMPLES)
			fprintf(stderr, "exitbench: %s: %s\n", cmp.rows[i].name, cmp.rows[i].note);
		else if (cmp.sequential && cmp.rows[i].state == RES_CMP_DONE && !cmp.rows[i].seq.rounds)
			fprintf(stderr, "exitbench: %s: not judged sequentially: %s\n", cmp.rows[i].name,
				cmp.rows[i].seq_note);
	compare_free(&cmp);
	return status;
}
