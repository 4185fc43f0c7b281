// SPDX-License-Identifier: MIT
/*
 * exitbench: the x86-side (or POWER-side, natively) tool that turns the runner's raw
 * records into results.json, reports and plots. One subcommand per function, dispatched
 * from one table, as in git and perf.
 * Exit status: 0 fine, 1 results written but something failed or is missing, 2 bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "suite.h"
#include "cmds.h"
#include "collect.h"
#include "compare.h"
#include "report.h"
#include "results.h"
#include "trace.h"

#define die2(...) do { fprintf(stderr, "exitbench: " __VA_ARGS__); fputc('\n', stderr); return 2; } while (0)

/* the suite's benchmarks the run never reached: failed, not run */
static void add_not_run(struct results *r, const struct suite *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct res_bench *b = res_find(r, s->entries[i].name);

		if (!b && (b = res_add(r, s->entries[i].name))) {
			b->status = RES_FAILED;
			b->iterations = s->entries[i].iterations;
			b->batches = s->entries[i].batches;
			b->repetitions = s->entries[i].repetitions;
			snprintf(b->reason, sizeof(b->reason),
				 "not run: the host stopped before this benchmark");
		}
	}
}

/* the records of file into out (collect's work once its options are read); exit status */
static int collect_file(const char *file, const char *out, const char *envf, const char *run_id,
			const char *variant, const struct suite *suite)
{
	struct collect_report rep;
	struct results r;
	char err[1024];
	int status = 0, ret;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		die2("%s: %s", file, strerror(errno));
	res_init(&r);
	snprintf(r.run_id, sizeof(r.run_id), "%s", run_id);
	if (envf && res_env_load(&r, envf, err, sizeof(err))) {
		fclose(f);
		res_free(&r);
		die2("%s", err);
	}
	ret = collect_records(f, file, variant, &r, &rep);
	fclose(f);
	if (ret) {
		res_free(&r);
		if (ret == -EPROTO)
			die2("%s", rep.first_problem);
		die2("%s: %s", file, strerror(-ret));
	}
	if (!variant && rep.nvariants > 1) {
		res_free(&r);
		die2("%s: records of %zu variants (%s, %s%s): collect one with --variant", file,
		     rep.nvariants, rep.variants[0], rep.variants[1], rep.nvariants > 2 ? ", ..." : "");
	}
	if (variant && !rep.records) {
		res_free(&r);
		die2("%s: no records of variant '%s'", file, variant);
	}
	if (rep.bad_lines) {
		fprintf(stderr, "exitbench: %zu bad record line(s) skipped, first: %s\n", rep.bad_lines,
			rep.first_problem);
		status = 1;
	}
	if (!rep.ended) {
		fprintf(stderr, "exitbench: %s: the runner did not finish (no 'end' record); "
			"keeping the %zu records taken\n", file, rep.records);
		status = 1;
	}
	/* benchmarks of the suite the run never reached, or cut short */
	if (suite)
		add_not_run(&r, suite);
	for (size_t i = 0; i < r.n; i++) {
		struct res_bench *b = &r.b[i];

		/* every round (module load or boot of a comparison) runs every repetition */
		uint64_t want = b->repetitions * res_rounds(b);

		if (b->status == RES_OK && b->nruns < want) {
			b->status = RES_FAILED;
			snprintf(b->reason, sizeof(b->reason), "cut short after %zu of %llu repetitions",
				 b->nruns, (unsigned long long)want);
		}
		if (b->status == RES_FAILED)
			status = 1;
	}
	res_derive(&r);
	ret = res_write(&r, out);
	res_free(&r);
	if (ret)
		die2("%s: %s", out, strerror(-ret));
	return status;
}

static int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "env", required_argument, NULL, 'e' },
		{ "suite", required_argument, NULL, 's' }, { "run-id", required_argument, NULL, 'r' },
		{ "variant", required_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *envf = NULL, *suitef = NULL, *run_id = "", *variant = NULL;
	struct suite suite;
	char err[2048];
	int c, status;

	while ((c = getopt_long(argc, argv, "o:e:s:r:V:", opts, NULL)) != -1) {
		switch (c) {
		case 'V': variant = optarg; break;
		case 'o': out = optarg; break;
		case 'e': envf = optarg; break;
		case 's': suitef = optarg; break;
		case 'r': run_id = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1 || !out)
		die2("usage: exitbench collect RECORDS -o results.json [--env ENV.json] [--suite FILE] [--run-id ID] [--variant SIDE]");
	/* a suite it cannot read is bad input: said before anything is read or written */
	if (suitef && suite_load(suitef, &suite, err, sizeof(err)))
		die2("--suite %s", err);
	status = collect_file(argv[optind], out, envf, run_id, variant, suitef ? &suite : NULL);
	if (suitef)
		suite_free(&suite);
	return status;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output-dir", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *plot_problem;
	struct results r;
	char err[1024], *copy = NULL;
	int c, quiet = 0, ret;

	while ((c = getopt_long(argc, argv, "o:q", opts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'q': quiet = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		die2("usage: exitbench report results.json [-o DIR] [--quiet]");
	if (res_read(argv[optind], &r, err, sizeof(err)))
		die2("%s", err);
	if (!dir) {
		copy = strdup(argv[optind]);
		dir = dirname(copy);
	}
	ret = report_write(&r, dir, &plot_problem);
	if (!ret && !quiet)
		report_table(stdout, &r);
	res_free(&r);
	if (ret) {
		fprintf(stderr, "exitbench: writing the report in %s: %s\n", dir, strerror(-ret));
		free(copy);
		return 2;
	}
	free(copy);
	if (plot_problem) {
		fprintf(stderr, "exitbench: report written without histograms: %s\n", plot_problem);
		return 1;
	}
	return 0;
}

static int cmd_suite(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "benchmarks", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
	};
	const char *dir = "bench/ppc64";
	char names[64][EB_NAME_LEN], err[2048];
	const char *known[64];
	struct suite s;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (c != 'b')
			return 2;
		dir = optarg;
	}
	if (optind != argc - 1)
		die2("usage: exitbench suite FILE [--benchmarks DIR[:DIR...]]");
	if (suite_load(argv[optind], &s, err, sizeof(err)))
		die2("%s", err);
	/* DIR[:DIR...] */
	n = 0;
	char *dirs = strdup(dir), *save = NULL;

	for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
		n += suite_dir_names(d, (const char *const[]){ ".S", ".c", NULL }, names + n, 64 - n);
	free(dirs);
	if (!n) {
		suite_free(&s);
		die2("%s: no benchmark files (<name>.S)", dir);
	}
	for (size_t i = 0; i < n; i++)
		known[i] = names[i];
	if (suite_check_names(&s, argv[optind], known, n, err, sizeof(err))) {
		suite_free(&s);
		die2("%s", err);
	}
	for (size_t i = 0; i < s.n; i++)
		printf("%s %llu %u batches=%u warmup=%llu timeout=%u\n", s.entries[i].name,
		       (unsigned long long)s.entries[i].iterations, s.entries[i].repetitions,
		       s.entries[i].batches, (unsigned long long)s.entries[i].warmup,
		       s.entries[i].timeout_s);
	suite_free(&s);
	return 0;
}

/* a number within [lo, hi] (a percentage, a seed, a count) */
static int parse_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' }, { "json", optional_argument, NULL, 'j' },
		{ "markdown", required_argument, NULL, 'm' }, { "plots", required_argument, NULL, 'p' },
		{ "stat", required_argument, NULL, 's' }, { "confidence", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' }, { "resamples", required_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage_line[] =
		"usage: exitbench compare A B [--threshold PCT] [--stat auto|mean|median] [--confidence PCT] "
		"[--json[=FILE]] [--markdown FILE] [--plots DIR] [--seed N] [--resamples N] [--quiet] "
		"(A, B: two results.json, or two files of one number a line)";
	const char *jsonf = NULL, *md = NULL, *plots = NULL, *problem;
	int c, as_json = 0, quiet = 0, status;
	struct compare cmp = { 0 };
	char err[2048];
	double v;

	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	while ((c = getopt_long(argc, argv, "t:qj::m:p:s:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("%s\n", usage_line);
			return 0;
		case 't':
			if (parse_number(optarg, 0, 1000, &cmp.opts.threshold_pct))
				die2("--threshold %s: a percentage, e.g. 1 or 0.05", optarg);
			break;
		case 'c':
			if (parse_number(optarg, 50, 99.999, &v))
				die2("--confidence %s: a percentage between 50 and 99.999", optarg);
			cmp.opts.confidence = v / 100;
			break;
		case 'j': as_json = 1; jsonf = optarg; break;
		case 'm': md = optarg; break;
		case 'p': plots = optarg; break;
		case 'q': quiet = 1; break;
		case 's':
			if (strcmp(optarg, "mean") && strcmp(optarg, "median") && strcmp(optarg, "auto"))
				die2("--stat %s: mean, median (of each run's batches) or auto", optarg);
			cmp.median = !strcmp(optarg, "median") ? 1 : !strcmp(optarg, "auto") ? -1 : 0;
			break;
		case 'S':
			if (parse_number(optarg, 0, 4e9, &v))
				die2("--seed %s: a whole number", optarg);
			cmp.opts.seed = (unsigned long)v;
			break;
		case 'B':
			if (parse_number(optarg, 100, 1e7, &v))
				die2("--resamples %s: 100 to 10000000", optarg);
			cmp.opts.resamples = (unsigned)v;
			break;
		default:
			die2("%s", usage_line);
		}
	}
	if (optind != argc - 2)
		die2("%s", usage_line);
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
	compare_free(&cmp);
	return status;
}

static volatile sig_atomic_t trace_stop;

static void trace_on_signal(int sig)
{
	(void)sig;
	trace_stop = 1;
}

static int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "results", required_argument, NULL, 'r' },
		{ "live", no_argument, NULL, 'l' }, { "threads", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage_line[] =
		"usage: exitbench trace TRACE.dat [-o trace.json] [--results results.json] [--live] "
		"[--threads N] [--quiet]\n"
		"       exitbench trace --live [-o trace.json] [--threads N]   (this system's tracefs, "
		"until Ctrl-C)";
	struct trace_read_opts o = { .stop = &trace_stop };
	const char *out = NULL, *resf = NULL;
	struct trace_summary s;
	struct trace_source src;
	struct res_trace_run run = { 0 };
	struct results r;
	struct rusage ru;
	char err[2048];
	int c, quiet = 0, status = 0, ret;
	double v;

	while ((c = getopt_long(argc, argv, "o:r:lt:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': resf = optarg; break;
		case 'l': o.live = 1; break;
		case 'q': quiet = 1; break;
		case 't':
			if (parse_number(optarg, 1, TRACE_MAX_THREADS, &v) || v != (unsigned)v)
				die2("--threads %s: a whole number from 1 to %d", optarg, TRACE_MAX_THREADS);
			o.threads = (unsigned)v;
			break;
		case 'h':
			printf("%s\n", usage_line);
			return 0;
		default:
			die2("%s", usage_line);
		}
	}
	if (optind == argc - 1) {
		ret = trace_read_file(argv[optind], &o, &s, &src, err, sizeof(err));
	} else if (optind == argc && o.live) {
		if (resf)
			die2("--results needs a trace.dat (the live tracefs has no benchmark runs to match)");
		signal(SIGINT, trace_on_signal);
		signal(SIGTERM, trace_on_signal);
		fprintf(stderr, "exitbench: reading this system's tracefs until Ctrl-C\n");
		ret = trace_read_tracefs(&o, &s, &src, err, sizeof(err));
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	} else {
		die2("%s", usage_line);
	}
	if (ret)
		die2("%s", err);
	if (!quiet)
		trace_print(stdout, &s, &src);
	/* a results.json to merge into is checked before anything is written */
	if (resf && res_read(resf, &r, err, sizeof(err))) {
		trace_summary_free(&s);
		die2("%s", err);
	}
	if (out && (trace_run_result(&s, &src, &run) || res_write_trace(&run, out))) {
		res_trace_run_free(&run);
		if (resf)
			res_free(&r);
		trace_summary_free(&s);
		die2("writing %s failed", out);
	}
	res_trace_run_free(&run);
	if (resf) {
		size_t unmatched;

		ret = trace_merge_results(&r, &s, &src, &unmatched);
		if (!ret)
			ret = res_write(&r, resf);
		res_free(&r);
		if (ret) {
			trace_summary_free(&s);
			die2("%s: %s", resf, strerror(-ret));
		}
		if (unmatched) {
			fprintf(stderr, "exitbench: %zu benchmark(s) of the trace are not in %s: not merged\n",
				unmatched, resf);
			status = 1;
		}
	}
	if (s.c.lost || src.lost_file || s.c.lost_pages) {
		fprintf(stderr, "exitbench: the ring buffer lost events (%llu counted, %llu pages without a "
			"count): the histograms miss them; record with a larger buffer (-b)\n",
			(unsigned long long)(s.c.lost + src.lost_file), (unsigned long long)s.c.lost_pages);
		status = 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "exitbench: %llu events in %.3f s (%.0f events/s, %u reader threads), peak RSS %.1f MiB\n",
		(unsigned long long)s.c.records, src.elapsed_s,
		src.elapsed_s > 0 ? (double)s.c.records / src.elapsed_s : 0, src.threads,
		(double)ru.ru_maxrss / 1024);
	trace_summary_free(&s);
	return status;
}

static const struct cmd {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{ "collect", cmd_collect, "raw run records -> results.json" },
	{ "report", cmd_report, "results.json -> report.md, histograms; prints the table" },
	{ "suite", cmd_suite, "check a suite file against the benchmarks there are" },
	{ "compare", cmd_compare, "A vs B (results.json or plain samples): change, interval, verdict" },
	{ "trace", cmd_trace, "trace.dat (or tracefs --live) -> per-phase, per-exit latency histograms" },
	{ "history", cmd_history, "the nightly history: import, changes, alerts, triage (history --help)" },
	{ "bisect", cmd_bisect, "GOOD BAD --bench NAME: the first commit where a benchmark's cost changed" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: exitbench COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "exitbench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
