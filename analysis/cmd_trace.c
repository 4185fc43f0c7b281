// SPDX-License-Identifier: MIT
/*
 * exitbench trace: trace.dat (or this system's tracefs, --live) -> per-phase, per-exit
 * latency histograms; into results.json with --results, trace.json with -o.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmds.h"
#include "results.h"
#include "trace.h"

static volatile sig_atomic_t trace_stop;

static void trace_on_signal(int sig)
{
	(void)sig;
	trace_stop = 1;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "results", required_argument, NULL, 'r' },
		{ "live", no_argument, NULL, 'l' }, { "threads", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "round", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage_line[] =
		"usage: exitbench trace TRACE.dat [-o trace.json] [--results results.json [--round N]] "
		"[--live] [--threads N] [--quiet]\n"
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
	uint32_t round = 0;
	double v;

	while ((c = getopt_long(argc, argv, "o:r:lt:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': resf = optarg; break;
		case 'l': o.live = 1; break;
		case 'q': quiet = 1; break;
		case 't':
			if (cmd_number(optarg, 1, TRACE_MAX_THREADS, &v) || v != (unsigned)v)
				die2("--threads %s: a whole number from 1 to %d", optarg, TRACE_MAX_THREADS);
			o.threads = (unsigned)v;
			break;
		case 'R':
			if (cmd_number(optarg, 1, UINT32_MAX, &v) || v != (uint32_t)v)
				die2("--round %s: a comparison round, a whole number >= 1", optarg);
			round = (uint32_t)v;
			break;
		case 'h':
			printf("%s\n", usage_line);
			return 0;
		default:
			die2("%s", usage_line);
		}
	}
	if (round && !resf)
		die2("--round needs --results (the rounds are kept in results.json)");
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

		if (round)
			ret = trace_merge_round(&r, &s, &src, round, &unmatched);
		else
			ret = trace_merge_results(&r, &s, &src, &unmatched);
		if (!ret)
			ret = res_write(&r, resf);
		res_free(&r);
		if (ret == -EEXIST) {
			trace_summary_free(&s);
			die2("%s: has round %u or a later one already (rounds are merged once each, in "
			     "order)", resf, round);
		}
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
