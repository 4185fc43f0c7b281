// SPDX-License-Identifier: MIT
/*
 * exitbench: the x86-side (or POWER-side, natively) tool that turns the runner's raw
 * records into results.json, reports and plots, and keeps the nightly history. One
 * subcommand a file (cmd_<name>.c), dispatched from one table, as in git, perf and kvmtool.
 * Exit status: 0 fine, 1 results written but something failed or is missing, 2 bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

int cmd_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
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
