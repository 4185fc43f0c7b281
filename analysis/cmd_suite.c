// SPDX-License-Identifier: MIT
/*
 * exitbench suite: check a suite file against the benchmarks there are (their sources in
 * --benchmarks DIR[:DIR], and the Linux guest's in --linux LIST) and, with --images
 * DIR[:DIR...], each line's parameters against what the benchmark's image declares; print
 * the suite as the runner will read it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "image.h"
#include "lguest.h"
#include "suite.h"

int cmd_suite(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "benchmarks", required_argument, NULL, 'b' }, { "images", required_argument, NULL, 'i' },
		{ "linux", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = "bench/ppc64", *images = NULL, *lglist = NULL;
	struct eb_lg_bench lg[EB_LG_MAX];
	char names[64][EB_NAME_LEN], err[2048];
	const char *known[64];
	struct suite s;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "b:i:L:", opts, NULL)) != -1) {
		if (c == 'b')
			dir = optarg;
		else if (c == 'i')
			images = optarg;
		else if (c == 'L')
			lglist = optarg;
		else
			return 2;
	}
	if (optind != argc - 1)
		die2("usage: exitbench suite FILE [--benchmarks DIR[:DIR...]] [--images DIR[:DIR...]] [--linux LIST]");
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
	/* the Linux guest's (guest-kernels/linux/benchmarks) */
	if (lglist) {
		int nlg = eb_lg_load(lglist, lg, err, sizeof(err));

		if (nlg < 0) {
			suite_free(&s);
			die2("--linux: %s", err);
		}
		for (int i = 0; i < nlg && n < 64; i++)
			known[n++] = lg[i].name;
	}
	if (suite_check_names(&s, argv[optind], known, n, err, sizeof(err))) {
		suite_free(&s);
		die2("%s", err);
	}
	/* the Linux guest's lines: no parameters, its module's batches */
	for (size_t i = 0; i < s.n; i++) {
		const struct suite_entry *e = &s.entries[i];
		const char *why = eb_lg_name(e->bench) ? eb_lg_entry_problem(e) : NULL;

		if (why) {
			snprintf(err, sizeof(err), "%s:%d: %s: %s", argv[optind], e->line, e->name, why);
			suite_free(&s);
			die2("%s", err);
		}
	}
	/* the parameters against the images (a line without any needs no image yet) */
	for (size_t i = 0; images && i < s.n; i++) {
		const struct suite_entry *e = &s.entries[i];
		struct eb_bench_info info;
		uint64_t values[EB_MAX_PARAMS];
		int ret = eb_image_info(images, e->bench, &info, err, sizeof(err));

		if (ret == -ENOENT && (!e->nparams || eb_lg_name(e->bench)))
			continue;
		if (ret == -ENOENT) {
			suite_free(&s);
			die2("%s:%d: %s: no image %s.bin in %s to check its parameters against (make guests)",
			     argv[optind], e->line, e->name, e->bench, images);
		}
		if (ret || eb_params_resolve(&info, e, values, err, sizeof(err))) {
			suite_free(&s);
			die2("%s:%d: %s", argv[optind], e->line, err);
		}
	}
	for (size_t i = 0; i < s.n; i++)
		printf("%s %llu %u batches=%u warmup=%llu timeout=%u\n", s.entries[i].name,
		       (unsigned long long)s.entries[i].iterations, s.entries[i].repetitions,
		       s.entries[i].batches, (unsigned long long)s.entries[i].warmup,
		       s.entries[i].timeout_s);
	suite_free(&s);
	return 0;
}
