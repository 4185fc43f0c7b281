// SPDX-License-Identifier: MIT
/*
 * The raw-record contract end to end on this machine: records written by the runner's own
 * writer (bench/lib/record.c, rec_write_*, the calls exitbench-run makes), read back by
 * exitbench's reader (collect_records). A field one side renames or drops shows up here.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../analysis/collect.h"
#include "record.h"

/* a run as the runner writes it: env, pvr (3 repetitions with PMU counts), a skip, an error */
static char *write_run(size_t *len, const char *variant, uint64_t round)
{
	static const uint64_t ticks[3][2] = { { 59000, 59100 }, { 59050, 59150 }, { 58900, 59300 } };
	static const struct rec_pmu_event events[] = {
		{ "PM_RUN_INST_CMPL", "all", "ok", "power8::PM_RUN_INST_CMPL raw 0x500fa" },
		{ "instructions:u", "u", "unsupported: the PMU ignores the filter", NULL },
	};
	struct rec_env env = {
		.runner = "exitbench-run test", .suite = "/exitbench/suite", .kernel_release = "6.1.192",
		.kernel_version = "#1 SMP", .machine = "ppc64le", .cpu = "POWER8 (architected)",
		.cpu_revision = "2.0 (pvr 004d 0200)", .platform = "pSeries", .model = "emulated",
		.mmu = "Hash", .tb_hz = 512000000, .online_cpus = 1, .kvm_api_version = 12,
		.pinned_cpu = 0, .trace_markers = "off: no tracefs", .pmu_counting = 1,
		.pmu_library = "libpfm4",
		.pmu_rotation = "unfiltered counts only",
	};
	struct rec_bench bench = {
		.name = "pvr", .what = "mfpvr", .exit_kind = "emulated-instruction",
		.claimed_exits_per_iteration = 1, .iterations = 200, .warmup = 20, .batches = 2,
		.repetitions = 3, .timeout_s = 300, .vcpu_pvr = 0x4d0200, .npmu = 2, .pmu = events,
	};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct rec r;

	assert_non_null(f);
	rec_open(&r, f);
	r.variant = variant;
	r.round = round;
	assert_int_equal(rec_write_env(&r, &env), 0);
	assert_int_equal(rec_write_bench(&r, &bench), 0);
	for (uint32_t i = 0; i < 3; i++) {
		/* 200 guest exits, the doorbell, and one host timer exit in the second */
		struct rec_pmu_count counts[] = {
			{ .event = "PM_RUN_INST_CMPL", .count = 200 * (1000 + i), .enabled_ns = 10,
			  .running_ns = i == 2 ? 5 : 10 },
		};
		struct rec_rep rep = {
			.bench = "pvr", .rep = i, .iterations = 200, .batches = 2,
			.rep_ticks = ticks[i][0] + ticks[i][1], .batch_ticks = ticks[i],
			.exits = { .c = { [EBC_SUM] = 201 + (i == 1), [EBC_EMUL] = 200,
					  [EBC_DEC] = i == 1 }, .doorbells = 1 },
			.pmu_mode = "all", .ncounts = 1, .counts = counts,
		};
		assert_int_equal(rec_write_rep(&r, &rep), 0);
	}
	bench.name = "papr-hcall";
	bench.npmu = 0;
	assert_int_equal(rec_write_bench(&r, &bench), 0);
	assert_int_equal(rec_write_problem(&r, "skip", "papr-hcall", "not-measurable",
					   "0 exits in 200 iterations"), 0);
	assert_int_equal(rec_write_problem(&r, "error", "mmio", "hang", "guest did not finish"), 0);
	assert_int_equal(rec_write_end(&r, 3, 1, 1), 0);
	fclose(f);
	return buf;
}

static void collect_text(const char *text, size_t len, const char *variant, struct results *r,
			 struct collect_report *rep, int want)
{
	FILE *f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	res_init(r);
	assert_int_equal(collect_records(f, "records.jsonl", variant, r, rep), want);
	fclose(f);
}

static void runner_records_read_back(void **state)
{
	struct collect_report rep;
	struct results r;
	const struct res_bench *b;
	const struct res_pmu *p;
	size_t len;
	char *text = write_run(&len, NULL, 0);

	(void)state;
	collect_text(text, len, NULL, &r, &rep, 0);
	assert_int_equal(rep.records, 9);
	assert_int_equal(rep.bad_lines, 0);
	assert_true(rep.ended);
	assert_int_equal(r.n, 3);
	assert_true(r.tb_hz == 512000000);
	assert_int_equal(res_env_bool(&r, "pmu_counting"), 1);
	assert_string_equal(res_env_str(&r, "pmu_library", ""), "libpfm4");

	b = res_find(&r, "pvr");
	assert_non_null(b);
	assert_int_equal(b->status, RES_OK);
	assert_string_equal(b->what, "mfpvr");
	assert_string_equal(b->exit_kind, "emulated-instruction");
	assert_int_equal(b->iterations, 200);
	assert_int_equal(b->batches, 2);
	assert_int_equal(b->repetitions, 3);
	assert_int_equal(b->claimed_exits_per_iteration, 1);
	assert_int_equal(b->nruns, 3);
	assert_true(fabs(b->runs[0] - (59000 + 59100) / 200.0) < 1e-9);
	assert_true(fabs(b->runs[2] - (58900 + 59300) / 200.0) < 1e-9);
	assert_int_equal(b->nbatch, 6);
	assert_true(fabs(b->batch[5] - 59300 / 100.0) < 1e-9);
	/* the doorbell and the host timer exit are not the benchmark's */
	assert_true(b->exits_ok);
	assert_true(b->exits_per_iteration == 1.0);
	assert_int_equal(b->background_exits, 1);

	assert_int_equal(b->npmu, 2);
	p = &b->pmu[0];
	assert_string_equal(p->event, "PM_RUN_INST_CMPL");
	assert_string_equal(p->encoding, "power8::PM_RUN_INST_CMPL raw 0x500fa");
	assert_int_equal(p->n, 3);
	assert_true(fabs(p->per_iter[0] - 1000) < 1e-9);
	assert_true(fabs(p->per_iter[2] - 2 * 1002) < 1e-9);	/* half the time on the PMU */
	assert_true(fabs(p->running_min - 0.5) < 1e-12);
	assert_string_equal(b->pmu[1].status, "unsupported: the PMU ignores the filter");

	b = res_find(&r, "papr-hcall");
	assert_non_null(b);
	assert_int_equal(b->status, RES_SKIPPED);
	assert_string_equal(b->reason, "0 exits in 200 iterations");
	b = res_find(&r, "mmio");
	assert_non_null(b);
	assert_int_equal(b->status, RES_FAILED);
	assert_string_equal(b->reason, "guest did not finish");
	res_free(&r);
	free(text);
}

/* the tags of a comparison's runner (variant, round) reach the runs */
static void runner_tags_read_back(void **state)
{
	struct collect_report rep;
	struct results r;
	size_t len;
	char *text = write_run(&len, "patched", 4);
	const struct res_bench *b;

	(void)state;
	collect_text(text, len, "patched", &r, &rep, 0);
	assert_int_equal(rep.nvariants, 1);
	assert_string_equal(rep.variants[0], "patched");
	assert_string_equal(r.variant, "patched");
	b = res_find(&r, "pvr");
	assert_non_null(b);
	assert_int_equal(b->nruns, 3);
	assert_int_equal(b->run_rounds[0], 4);
	assert_int_equal(b->run_rounds[2], 4);
	res_free(&r);
	free(text);
}

/* a format this reader does not know is refused whole, with a line that says so */
static void unknown_format_refused(void **state)
{
	static const char newer[] = "{\"type\":\"env\",\"record_format\":99,\"tb_hz\":1}\n"
				    "{\"type\":\"end\"}\n";
	static const char none[] = "{\"type\":\"env\",\"tb_hz\":1}\n";
	static const char headless[] = "{\"type\":\"end\",\"benchmarks\":0}\n";
	struct collect_report rep;
	struct results r;
	size_t len;
	char *text = write_run(&len, NULL, 0), *bumped;

	(void)state;
	collect_text(newer, sizeof(newer) - 1, NULL, &r, &rep, -EPROTO);
	assert_non_null(strstr(rep.first_problem, "records.jsonl:1: record_format 99 is not one"));
	res_free(&r);
	collect_text(none, sizeof(none) - 1, NULL, &r, &rep, -EPROTO);
	assert_non_null(strstr(rep.first_problem, "declares no record_format"));
	res_free(&r);
	collect_text(headless, sizeof(headless) - 1, NULL, &r, &rep, -EPROTO);
	assert_non_null(strstr(rep.first_problem, "before any env record"));
	res_free(&r);

	/* the runner's own records, one format ahead of this reader */
	bumped = strstr(text, "\"record_format\":");
	assert_non_null(bumped);
	bumped += strlen("\"record_format\":");
	assert_int_equal(*bumped - '0', EB_RECORD_FORMAT);
	*bumped = '0' + EB_RECORD_FORMAT + 1;
	collect_text(text, len, NULL, &r, &rep, -EPROTO);
	assert_int_equal(r.n, 0);
	res_free(&r);
	free(text);
}

/*
 * A benchmark that failed before its bench record (its image missing, say): collect keeps
 * it as failed, and the results.json it writes reads back
 */
static void failed_before_bench_reads_back(void **state)
{
	static const char text[] = "{\"type\":\"env\",\"record_format\":2,\"tb_hz\":512000000}\n"
		"{\"type\":\"error\",\"bench\":\"pvr\",\"what\":\"image\",\"reason\":\"pvr.bin: No such file\"}\n"
		"{\"type\":\"end\",\"benchmarks\":1,\"failed\":1,\"skipped\":0}\n";
	char path[] = "/tmp/exitbench-records-XXXXXX", err[512];
	struct collect_report rep;
	struct results r, back;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	collect_text(text, sizeof(text) - 1, NULL, &r, &rep, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.b[0].status, RES_FAILED);
	assert_int_equal(res_write(&r, path), 0);
	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.b[0].status, RES_FAILED);
	assert_string_equal(back.b[0].reason, "pvr.bin: No such file");
	res_free(&back);
	res_free(&r);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runner_records_read_back),
		cmocka_unit_test(runner_tags_read_back),
		cmocka_unit_test(unknown_format_refused),
		cmocka_unit_test(failed_before_bench_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
