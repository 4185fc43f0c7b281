// SPDX-License-Identifier: MIT
/* report.md's PMU section: the counts, and what it says when events said no or none were taken. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../analysis/report.h"

static char dir[64];
static char text[65536];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/exitbench-report-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/report.md", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/plots", dir);
	rmdir(path);
	rmdir(dir);
	return 0;
}

/* a measured benchmark without batch values (so no plot is drawn) */
static struct res_bench *bench(struct results *r, const char *name, uint32_t exits)
{
	struct res_bench *b = res_add(r, name);

	b->iterations = 1000;
	b->batches = 10;
	b->repetitions = 3;
	b->claimed_exits_per_iteration = exits;
	b->exits_per_iteration = exits;
	for (int i = 0; i < 3; i++)
		res_push_run(b, exits ? 590 + i : 1.6);
	return b;
}

/* the report of r, its PMU section in text */
static const char *pmu_section(struct results *r)
{
	char path[128];
	const char *plot_problem, *s;
	FILE *f;
	size_t n;

	res_derive(r);
	assert_int_equal(report_write(r, dir, &plot_problem), 0);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	s = strstr(text, "## PMU counts per iteration");
	assert_non_null(s);
	return s;
}

static void env(struct results *r, const char *pmu_library)
{
	json_object_set_new(r->env, "mode", json_string("emulated"));
	json_object_set_new(r->env, "instruction_count_mode", json_true());
	json_object_set_new(r->env, "tb_hz", json_integer(512000000));
	if (pmu_library)
		json_object_set_new(r->env, "pmu_library", json_string(pmu_library));
}

static void counts_and_refusals(void **state)
{
	struct results r;
	struct res_pmu *p;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	p = res_pmu_get(bench(&r, "null", 0), "instructions");
	res_pmu_push(p, 3.5, NAN, 1);
	p = res_pmu_get(&r.b[0], "PM_RUN_CYC:k");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	bench(&r, "pvr", 1);
	p = res_pmu_get(&r.b[1], "instructions");
	res_pmu_push(p, 760.5, 760.5, 1);
	res_pmu_push(p, 760.5, 760.5, 0.75);	/* multiplexed once */
	p = res_pmu_get(&r.b[1], "cycles");
	res_pmu_push(p, 1153.5, 1153.5, 1);
	p = res_pmu_get(&r.b[1], "PM_RUN_CYC:k");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	p = res_pmu_get(&r.b[1], "PM_CYC:u");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	p = res_pmu_get(&r.b[1], "PM_RUN_INST_CMPL");
	snprintf(p->status, sizeof(p->status), "unsupported: libpfm4: event not found");
	p = res_pmu_get(&r.b[1], "PM_INST_CMPL");
	snprintf(p->problem, sizeof(p->problem), "repetition 0: read: Input/output error");

	s = pmu_section(&r);
	assert_non_null(strstr(s, "| event | null | pvr |"));
	assert_non_null(strstr(s, "| instructions | 3.5 | 760.5 † |"));
	assert_non_null(strstr(s, "| cycles | - | 1153.5 |"));
	/* per exit, net of the null loop */
	assert_non_null(strstr(s, "| instructions | 760.5 (net 757.0) † |"));
	assert_non_null(strstr(s, "multiplexed: counted only part of the repetition (at least 75%"));
	/* events that said no: one line per reason, each event once; none in the tables */
	assert_non_null(strstr(s, "Events not counted:"));
	assert_non_null(strstr(s, "- **PM_RUN_CYC:k**, **PM_CYC:u**: unsupported: perf_event_open: "
				  "No such file or directory\n"));
	assert_non_null(strstr(s, "- **PM_RUN_INST_CMPL**: unsupported: libpfm4: event not found\n"));
	assert_non_null(strstr(s, "- **PM_INST_CMPL**: not counted: repetition 0: read: Input/output error\n"));
	assert_null(strstr(s, "| PM_RUN_CYC:k |"));
	assert_null(strstr(s, "| PM_INST_CMPL |"));
	/* instruction-count mode: the instructions checked against the cycles */
	assert_non_null(strstr(s, "on pvr instructions is 65.9% of cycles"));
	res_free(&r);
}

static void nothing_counted(void **state)
{
	struct results r;
	struct res_pmu *p;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "none: the runner was built without libpfm4");
	bench(&r, "pvr", 1);
	p = res_pmu_get(&r.b[0], "PM_CYC");
	snprintf(p->status, sizeof(p->status),
		 "unsupported: the runner was built without libpfm4 (libpfm4-dev) to name it");
	p = res_pmu_get(&r.b[0], "cycles");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such device "
		 "(no PMU for this event type)");
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: no event counted in any measured "
				  "benchmark (each one's reason below); PMU library: none: the runner "
				  "was built without libpfm4."));
	assert_non_null(strstr(s, "- **PM_CYC**: unsupported: the runner was built without libpfm4"));
	assert_non_null(strstr(s, "- **cycles**: unsupported: perf_event_open: No such device"));
	assert_null(strstr(s, "| event |"));
	res_free(&r);

	/* records of a runner without PMU counts, or run with --pmu off */
	res_init(&r);
	env(&r, NULL);
	bench(&r, "pvr", 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: the records carry none"));
	res_free(&r);
	res_init(&r);
	env(&r, "off: --pmu off");
	bench(&r, "pvr", 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: the runner ran with `--pmu off`."));
	res_free(&r);
}

/* :u and :k that each count everything: said so, and left out of the tables */
static void void_split(void **state)
{
	static const char *const ev[] = { "PM_INST_CMPL", "PM_INST_CMPL:u", "PM_INST_CMPL:k" };
	struct results r;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	bench(&r, "pvr", 1);
	for (int i = 0; i < 3; i++)
		res_pmu_push(res_pmu_get(&r.b[0], ev[i]), 758, 758, 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "The user/kernel split is void here.** On pvr, PM_INST_CMPL:u + "
				  "PM_INST_CMPL:k = 2.00 × PM_INST_CMPL"));
	assert_non_null(strstr(s, "| PM_INST_CMPL | 758.0 |"));
	assert_null(strstr(s, "| PM_INST_CMPL:u |"));
	res_free(&r);

	/* a PMU that splits: :u + :k = the whole, shown */
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	bench(&r, "pvr", 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[0]), 1000, 1000, 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[1]), 400, 400, 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[2]), 600, 600, 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "User/kernel split: on pvr, PM_INST_CMPL:u + PM_INST_CMPL:k = "
				  "1.0000 × PM_INST_CMPL"));
	assert_non_null(strstr(s, "| PM_INST_CMPL:k | 600.0 |"));
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(void_split, setup, teardown),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
