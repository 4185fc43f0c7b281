// SPDX-License-Identifier: MIT
/*
 * exitbench collect: the runner's raw records (records.jsonl) into results.json, with
 * env.json's environment and the suite's benchmarks the run never reached.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "collect.h"
#include "results.h"
#include "suite.h"

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

int cmd_collect(int argc, char **argv)
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
