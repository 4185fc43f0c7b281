// SPDX-License-Identifier: MIT
/*
 * exitbench report: results.json -> report.md and its plots; the table on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "report.h"
#include "results.h"

int cmd_report(int argc, char **argv)
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
