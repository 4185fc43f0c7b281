// SPDX-License-Identifier: MIT
/* results.json: writer/reader round trip and the reader's refusals. */
#include <errno.h>
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
#include <jansson.h>
#include <libgen.h>

#include "../../analysis/compare.h"
#include "../../analysis/results.h"

static char path[64], path2[64], datadir[1024];

static int setup(void **state)
{
	char self[1024];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/exitbench-test-%d.json", (int)getpid());
	snprintf(path2, sizeof(path2), "/tmp/exitbench-test-%d-2.json", (int)getpid());
	snprintf(self, sizeof(self), "%s", __FILE__);
	snprintf(datadir, sizeof(datadir), "%s/../data", dirname(self));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	unlink(path2);
	return 0;
}

static const char *data(const char *name)
{
	static char p[2048];

	snprintf(p, sizeof(p), "%s/%s", datadir, name);
	return p;
}

/* the whole of a file, malloc'ed */
static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	assert_int_equal(fread(buf, 1, n, f), n);
	fclose(f);
	return buf;
}

/* src read and written to dst, checked byte for byte against want (when given) */
static void rewrite(const char *src, const char *dst, const char *want)
{
	struct results r;
	char err[512];
	char *a, *b;

	if (res_read(src, &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(res_write(&r, dst), 0);
	res_free(&r);
	if (!want)
		return;
	a = slurp(want);
	b = slurp(dst);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void write_text(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void round_trip(void **state)
{
	struct results r, back;
	struct res_bench *b;
	char err[512];

	(void)state;
	res_init(&r);
	snprintf(r.run_id, sizeof(r.run_id), "rt");
	res_env_set_int(&r, "tb_hz", 512000000);
	res_env_set_str(&r, "mode", "emulated");
	b = res_add(&r, "null");
	b->iterations = 100; b->batches = 10; b->repetitions = 3;
	b->exits_per_iteration = 0;
	for (int i = 0; i < 3; i++)
		res_push_run(b, 1.6);
	for (int i = 0; i < 30; i++)
		res_push_batch(b, 1.6);
	b = res_add(&r, "pvr");
	snprintf(b->what, sizeof(b->what), "mfpvr");
	snprintf(b->exit_kind, sizeof(b->exit_kind), "emulated-instruction");
	b->iterations = 100; b->batches = 10; b->repetitions = 3;
	b->claimed_exits_per_iteration = 1;
	b->exits_per_iteration = 1;
	b->background_exits = 2;
	res_push_run(b, 600.25);
	res_push_run(b, 600.5);
	res_push_run(b, 601.75);
	for (int i = 0; i < 30; i++)
		res_push_batch(b, 599 + i * 0.1);
	/* pvr's PMU: counted twice (once multiplexed), one event that said no */
	struct res_pmu *p = res_pmu_get(b, "PM_INST_CMPL");
	snprintf(p->encoding, sizeof(p->encoding), "power8::PM_INST_CMPL, type 4 config 0x2");
	res_pmu_push(p, 1200, 1200, 1);
	res_pmu_push(p, 1210, 1210, 0.5);
	p = res_pmu_get(b, "PM_CYC:k");
	snprintf(p->status, sizeof(p->status), "unsupported: libpfm4: event not found");
	p = res_pmu_get(b, "PM_RUN_CYC");
	snprintf(p->problem, sizeof(p->problem), "repetition 0: never on the PMU (time_running 0)");
	res_pmu_push(res_pmu_get(&r.b[0], "PM_INST_CMPL"), 8, NAN, 1);	/* null: no exits */
	b = res_add(&r, "papr-hcall");
	b->iterations = 100; b->batches = 10; b->repetitions = 3;
	b->status = RES_SKIPPED;
	snprintf(b->reason, sizeof(b->reason), "not measurable on this host");
	/* a Linux guest's benchmark: its guest, kernel and SLB entries, its own null loop */
	b = res_add(&r, "linux-null");
	b->iterations = 100; b->batches = 10; b->repetitions = 1;
	snprintf(b->guest, sizeof(b->guest), "linux");
	snprintf(b->guest_kernel, sizeof(b->guest_kernel), "6.1.192");
	b->guest_slb_valid = 5;
	res_push_run(b, 0.14);
	res_derive(&r);
	assert_int_equal(res_write(&r, path), 0);

	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 4);
	b = res_find(&back, "linux-null");
	assert_string_equal(b->guest, "linux");
	assert_string_equal(b->guest_kernel, "6.1.192");
	assert_int_equal(b->guest_slb_valid, 5);
	assert_ptr_equal(res_baseline(&back, b), b);
	assert_string_equal(res_find(&back, "pvr")->guest, "");
	assert_ptr_equal(res_baseline(&back, res_find(&back, "pvr")), res_find(&back, "null"));
	assert_string_equal(back.run_id, "rt");
	assert_float_equal(back.tb_hz, 512e6, 0);
	b = res_find(&back, "pvr");
	assert_non_null(b);
	assert_string_equal(b->exit_kind, "emulated-instruction");
	assert_int_equal(b->nruns, 3);
	assert_int_equal(b->nbatch, 30);
	assert_float_equal(b->runs[2], 601.75, 0);
	assert_int_equal(b->background_exits, 2);
	assert_float_equal(b->runs_sum.median, 600.5, 1e-12);
	assert_float_equal(b->runs_sum.mean, r.b[1].runs_sum.mean, 1e-12);
	assert_float_equal(b->batch_sum.p99, r.b[1].batch_sum.p99, 1e-9);
	assert_float_equal(res_ns(&back, 512), 1000, 1e-9);
	b = res_find(&back, "papr-hcall");
	assert_int_equal(b->status, RES_SKIPPED);
	assert_string_equal(b->reason, "not measurable on this host");
	assert_ptr_equal(res_baseline(&back, NULL), res_find(&back, "null"));

	/* the PMU figures come back, and old readers' fields are untouched by them */
	b = res_find(&back, "pvr");
	assert_int_equal(b->npmu, 3);
	p = res_pmu_get(b, "PM_INST_CMPL");
	assert_int_equal(p->n, 2);
	assert_float_equal(p->per_iter[1], 1210, 0);
	assert_float_equal(p->running_min, 0.5, 0);
	assert_float_equal(res_pmu_median(p, 0), 1205, 1e-12);
	assert_string_equal(p->encoding, "power8::PM_INST_CMPL, type 4 config 0x2");
	double pmu_net;
	assert_int_equal(res_pmu_net_per_exit(b, res_baseline(&back, NULL), p, &pmu_net), 0);
	assert_float_equal(pmu_net, 1205 - 8, 1e-12);
	char status[512];
	res_pmu_status(res_pmu_get(b, "PM_CYC:k"), status, sizeof(status));
	assert_string_equal(status, "unsupported: libpfm4: event not found");
	res_pmu_status(res_pmu_get(b, "PM_RUN_CYC"), status, sizeof(status));
	assert_string_equal(status, "not counted: repetition 0: never on the PMU (time_running 0)");
	assert_int_equal(res_find(&back, "null")->pmu[0].n, 1);
	assert_true(isnan(res_find(&back, "null")->pmu[0].per_exit[0]));

	/* the file carries the summaries and the net exit cost too */
	json_t *root = json_load_file(path, 0, NULL);
	json_t *net = json_array_get(json_object_get(root, "net_exit_cost"), 0);
	assert_string_equal(json_string_value(json_object_get(net, "name")), "pvr");
	assert_float_equal(json_real_value(json_object_get(net, "ticks")), (600.25 + 600.5 + 601.75) / 3 - 1.6, 1e-9);
	json_t *sum = json_object_get(json_array_get(json_object_get(root, "benchmarks"), 1), "summary_ns");
	assert_float_equal(json_real_value(json_object_get(sum, "median")), 600.5 / 0.512, 1e-6);
	assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 3);
	json_t *pe = json_array_get(json_object_get(json_array_get(json_object_get(root, "benchmarks"), 1), "pmu"), 0);
	assert_string_equal(json_string_value(json_object_get(pe, "event")), "PM_INST_CMPL");
	assert_string_equal(json_string_value(json_object_get(pe, "status")), "ok");
	assert_float_equal(json_real_value(json_object_get(pe, "per_iteration")), 1205, 1e-9);
	assert_float_equal(json_real_value(json_object_get(pe, "per_exit")), 1205, 1e-9);
	assert_float_equal(json_real_value(json_object_get(pe, "net_per_exit")), 1197, 1e-9);
	assert_null(json_object_get(json_array_get(json_object_get(root, "benchmarks"), 2), "pmu"));
	json_decref(root);
	res_free(&back);
	res_free(&r);
}

static void refusals(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "", "not valid JSON" },
		{ "{\"schema_version\": 1, \"environment\": {}", "not valid JSON" },
		{ "[1,2]", "no schema_version" },
		{ "{\"schema_version\": 4, \"environment\": {}, \"benchmarks\": []}",
		  "schema_version 4 is not supported (this exitbench reads 1 to 3)" },
		{ "{\"schema_version\": 0, \"environment\": {}, \"benchmarks\": []}",
		  "schema_version 0 is not supported (this exitbench reads 1 to 3)" },
		{ "{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 1, \"repetitions\": 1, \"runs\": [1], "
		  "\"pmu\": [{\"event\": \"PM_CYC\", \"runs_per_iteration\": [1, 2], "
		  "\"runs_per_exit\": [1]}]}]}", "'pmu' is not a list of events" },
		{ "{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 1, \"repetitions\": 1, \"runs\": [1], "
		  "\"pmu\": [{\"event\": \"PM_CYC\", \"runs_per_iteration\": [null]}]}]}",
		  "'pmu' is not a list of events" },
		{ "{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 1, \"repetitions\": 1, \"runs\": [1], "
		  "\"pmu\": [{\"event\": \"PM_CYC\"}, {\"event\": \"PM_CYC\"}]}]}",
		  "'pmu' is not a list of events" },
		{ "{\"schema_version\": 2, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 1, \"repetitions\": 1, \"runs\": [1, 2], "
		  "\"run_rounds\": [1]}]}", "'run_rounds' is not one round a run" },
		{ "{\"schema_version\": 1, \"benchmarks\": []}", "needs an 'environment' object" },
		{ "{\"schema_version\": 1, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\"}]}",
		  "benchmark entry" },
		{ "{\"schema_version\": 1, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 10, \"repetitions\": 1, \"runs\": [1, \"x\"]}]}",
		  "'runs' is not an array of finite numbers" },
		{ "{\"schema_version\": 1, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"meh\", \"iterations\": 10, \"repetitions\": 1, \"runs\": []}]}",
		  "unknown benchmark status 'meh'" },
		{ "{\"schema_version\": 1, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		  "\"status\": \"ok\", \"iterations\": 0, \"repetitions\": 1, \"runs\": []}]}",
		  "must be > 0" },
	};
	struct results r;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_text(cases[i].text);
		err[0] = '\0';
		assert_int_equal(res_read(path, &r, err, sizeof(err)), -EINVAL);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].msg);
		assert_non_null(strstr(err, path));
	}
}

/* a schema-1 file with only the required fields (found by the fuzzer: optional arrays absent) */
static void minimal_schema_1(void **state)
{
	struct results r;
	char err[512];
	double *v;
	size_t n;

	(void)state;
	write_text("{\"schema_version\": 1, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		   "\"status\": \"ok\", \"iterations\": 10, \"repetitions\": 2, \"runs\": [600, 601]}]}");
	assert_int_equal(res_read(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r.b[0].nbatch, 0);
	assert_int_equal(res_rounds(&r.b[0]), 1);
	assert_int_equal(res_samples(&r.b[0], 0, &v, &n), 0);	/* per-run means */
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(res_samples(&r.b[0], 1, &v, &n), -EINVAL);	/* no batches: no medians */
	res_free(&r);
}

/* a schema-2 file (before the PMU counts) still loads: no pmu */
static void schema_2_without_pmu(void **state)
{
	struct results r;
	char err[512];

	(void)state;
	write_text("{\"schema_version\": 2, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		   "\"status\": \"ok\", \"iterations\": 10, \"repetitions\": 2, \"runs\": [600, 601]}]}");
	assert_int_equal(res_read(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r.b[0].npmu, 0);
	res_free(&r);
}

static void tstat(struct res_tstat *st, const char *name, uint64_t count, double median,
		  const char *unit)
{
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->unit, sizeof(st->unit), "%s", unit);
	st->count = count;
	st->sum = count * (uint64_t)(isfinite(median) ? median : 0);
	st->median = st->p5 = st->p95 = st->min = median;
	st->p99 = st->max = isfinite(median) ? median + 2 : NAN;
}

/* phases, exit reasons and trace: written, read back, written again byte for byte */
static void trace_round_trip(void **state)
{
	struct results r, back;
	struct res_trace *t;
	struct res_bench *b;
	char err[512];

	(void)state;
	res_init(&r);
	b = res_add(&r, "pvr");
	b->iterations = 100; b->batches = 1; b->repetitions = 2;
	b->claimed_exits_per_iteration = 1;
	res_push_run(b, 1092.5);
	res_push_run(b, 1092.25);
	t = &b->trace;
	t->has_source = t->has_phases = t->has_reasons = 1;
	snprintf(t->file, sizeof(t->file), "trace.dat");
	t->repetitions_marked = 2;
	t->exits = 200;
	t->timed = RES_TIMED_ROUND_TRIP;
	t->nphase = 3;
	t->phase = calloc(3, sizeof(*t->phase));
	tstat(&t->phase[0].st, "vcpu_run", 2, 262, "timebase ticks");
	tstat(&t->phase[1].st, "trace", 0, NAN, "timebase ticks");
	tstat(&t->phase[2].st, "round_trip", 200, 1091, "timebase ticks");
	assert_int_equal(hist_init(1, INT64_C(1) << 40, 3, &t->phase[2].hist), 0);
	t->phase[2].hist_scale = 1;
	hist_record_n(t->phase[2].hist, 1091, 199);
	hist_record(t->phase[2].hist, 1093);
	t->nreason = 2;
	t->reason = calloc(2, sizeof(*t->reason));
	tstat(&t->reason[0].st, "PROGRAM", 199, 1091, "timebase ticks");
	t->reason[0].timed = 199;
	t->reason[0].vector = 0x700;
	t->reason[0].share = 0.75;
	t->reason[0].of = RES_TIMED_ROUND_TRIP;
	t->reason[0].resume[1] = 199;
	t->reason[0].has_out_of_order = t->reason[0].has_phases = 1;
	t->reason[0].nphase = 1;
	t->reason[0].phase = calloc(1, sizeof(*t->reason[0].phase));
	tstat(&t->reason[0].phase[0].st, "guest", 199, 52, "timebase ticks");
	tstat(&t->reason[1].st, "0xffffffff", 1, 2645, "timebase ticks");
	t->reason[1].timed = 1;
	t->reason[1].vector = 0xffffffff;
	t->reason[1].share = 0.25;
	t->reason[1].of = RES_TIMED_ROUND_TRIP;
	t->reason[1].resume[2] = 1;
	res_derive(&r);
	assert_int_equal(res_write(&r, path), 0);
	res_free(&r);

	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	t = &back.b[0].trace;
	assert_true(t->has_source && t->has_phases && t->has_reasons);
	assert_string_equal(t->file, "trace.dat");
	assert_int_equal(t->timed, RES_TIMED_ROUND_TRIP);
	assert_string_equal(t->source, "kvm_pr:kvm_pr_exit_timing");
	assert_int_equal(t->nphase, 3);
	assert_string_equal(t->phase[1].st.name, "trace");
	assert_true(isnan(t->phase[1].st.median));
	assert_null(t->phase[0].hist);
	assert_non_null(t->phase[2].hist);
	assert_int_equal(hist_total_count(t->phase[2].hist), 200);
	assert_int_equal(hist_max(t->phase[2].hist), 1093);
	assert_int_equal(t->nreason, 2);
	assert_int_equal(t->reason[0].vector, 0x700);
	assert_int_equal(t->reason[0].of, RES_TIMED_ROUND_TRIP);
	assert_int_equal(t->reason[0].resume[1], 199);
	assert_true(t->reason[0].has_phases);
	assert_float_equal(t->reason[0].phase[0].st.median, 52, 0);
	assert_false(t->reason[1].has_phases || t->reason[1].has_out_of_order);
	assert_int_equal(t->reason[1].vector, 0xffffffff);
	res_free(&back);
	rewrite(path, path2, path);

	/* files `exitbench trace --results` wrote: the second write is the first's */
	for (int i = 0; i < 3; i++) {
		static const char *const f[] = { "report-instrumented.json", "report-stock.json",
						 "report-instrumented-hist.json" };

		rewrite(data(f[i]), path, NULL);
		rewrite(path, path2, path);
	}
	assert_int_equal(res_read(data("report-stock.json"), &back, err, sizeof(err)), 0);
	t = &res_find(&back, "pvr")->trace;
	assert_int_equal(t->timed, RES_TIMED_EXIT_REENTER);
	assert_int_equal(t->nphase, 1);
	assert_string_equal(t->phase[0].st.unit, "ns");
	assert_int_equal(t->reason[0].of, RES_TIMED_EXIT_REENTER);
	assert_false(t->reason[0].has_out_of_order);
	res_free(&back);
	/* a file without a trace has none */
	write_text("{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", "
		   "\"status\": \"ok\", \"iterations\": 10, \"repetitions\": 2, \"runs\": [600, 601]}]}");
	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	t = &back.b[0].trace;
	assert_false(t->has_source || t->has_phases || t->has_reasons);
	res_free(&back);
}

/* a malformed trace entry: refused, one line naming the file, the benchmark and what */
static void trace_refusals(void **state)
{
#define PVR "{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": [{\"name\": \"pvr\", " \
	"\"status\": \"ok\", \"iterations\": 10, \"repetitions\": 1, \"runs\": [1000], "
#define PHASE(name, count) "{\"name\": \"" name "\", \"count\": " count ", \"median\": 200, " \
	"\"p5\": 1, \"p95\": 1, \"p99\": 1, \"min\": 1, \"max\": 1, \"sum\": 2000, \"unit\": \"ns\""
#define REASON(vector, share) "{\"reason\": \"PROGRAM\", \"count\": 10, \"median\": 200, " \
	"\"p5\": 1, \"p95\": 1, \"p99\": 1, \"min\": 1, \"max\": 1, \"sum\": 2000, \"unit\": \"ns\", " \
	"\"timed\": 10, \"vector\": " vector ", \"share\": " share ", \"of\": \"round_trip\", " \
	"\"resume\": {\"guest\": 10, \"guest_nv\": 0, \"host\": 0, \"error\": 0}"
	static const struct { const char *text, *msg; } cases[] = {
		{ PVR "\"phases\": [7]}]}", "benchmark 'pvr': phases[0]: not an object" },
		{ PVR "\"phases\": {\"guest\": 1}}]}", "benchmark 'pvr': 'phases' is not an array" },
		{ PVR "\"phases\": [{\"count\": 3}]}]}", "benchmark 'pvr': phases[0]: 'name' is not a string" },
		{ PVR "\"phases\": [" PHASE("guest", "10") "}, " PHASE("handle_exit", "\"many\"") "}]}]}",
		  "benchmark 'pvr': phases[1] (handle_exit): 'count' is not a whole number >= 0" },
		{ PVR "\"phases\": [" PHASE("guest", "-1") "}]}]}", "phases[0] (guest): 'count' is not a whole number" },
		{ PVR "\"phases\": [{\"name\": \"guest\", \"count\": 1, \"median\": 2, \"p5\": 1, "
		  "\"p95\": 1, \"p99\": \"x\", \"min\": 1, \"max\": 1, \"sum\": 2, \"unit\": \"ns\"}]}]}",
		  "phases[0] (guest): 'p99' is not a number or null" },
		{ PVR "\"phases\": [" PHASE("guest", "10") ", \"histogram\": {\"value_scale\": 1}}]}]}",
		  "phases[0] (guest): histogram: " },
		{ PVR "\"phases\": [" PHASE("guest", "10") ", \"histogram\": {}}]}]}",
		  "phases[0] (guest): the histogram's 'value_scale' is not a whole number >= 1" },
		{ PVR "\"exit_reasons\": 3}]}", "benchmark 'pvr': 'exit_reasons' is not an array" },
		{ PVR "\"exit_reasons\": [\"PROGRAM\"]}]}", "exit_reasons[0]: not an object" },
		{ PVR "\"exit_reasons\": [" REASON("-4", "0.5") "}]}]}",
		  "exit_reasons[0] (PROGRAM): 'vector' is not a whole number from 0 to 0xffffffff" },
		{ PVR "\"exit_reasons\": [" REASON("1792", "\"all\"") "}]}]}",
		  "exit_reasons[0] (PROGRAM): 'share' is not a number or null" },
		{ PVR "\"exit_reasons\": [{\"reason\": \"PROGRAM\", \"count\": 1, \"median\": 2, "
		  "\"p5\": 1, \"p95\": 1, \"p99\": 1, \"min\": 1, \"max\": 1, \"sum\": 2, \"unit\": \"ns\", "
		  "\"timed\": 1, \"vector\": 1792, \"share\": 1.0, \"of\": \"round_trip\", "
		  "\"resume\": {\"guest\": 1}}]}]}",
		  "exit_reasons[0] (PROGRAM): 'resume' lacks the count 'guest_nv'" },
		{ PVR "\"exit_reasons\": [" REASON("1792", "1.0") ", \"phases\": [" PHASE("guest", "1.5") "}]}]}]}",
		  "exit_reasons[0] (PROGRAM) phases[0] (guest): 'count' is not a whole number >= 0" },
		{ PVR "\"trace\": [1]}]}", "benchmark 'pvr': trace: not an object" },
		{ PVR "\"trace\": {\"file\": \"t.dat\", \"repetitions_marked\": 1, \"exits\": \"x\", "
		  "\"source\": \"kvm_pr:kvm_pr_exit_timing\"}}]}", "benchmark 'pvr': trace: 'exits' is not a whole number" },
	};
	struct results r;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_text(cases[i].text);
		err[0] = '\0';
		if (res_read(path, &r, err, sizeof(err)) != -EINVAL)
			fail_msg("case %zu accepted", i);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].msg);
		assert_non_null(strstr(err, path));
		assert_null(strchr(err, '\n'));
	}
}

/* the environment: every kind of value, nested objects, in file order, unchanged */
static void environment(void **state)
{
	static const char file[] =
		"{\"schema_version\": 3, \"environment\": {\"mode\": \"emulated\", "
		"\"instruction_count_mode\": false, \"tb_hz\": 512000000, \"ratio\": 0.125, "
		"\"nothing\": null, \"list\": [1, \"two\", {\"x\": 3.5}], \"comparison\": {\"side\": "
		"\"base\", \"spec\": \"default tree\", \"mode\": \"modules\", \"rounds\": 3}}, "
		"\"benchmarks\": []}";
	static const char *const keys[] = { "mode", "instruction_count_mode", "tb_hz", "ratio",
					     "nothing", "list", "comparison" };
	const struct res_val *cmp;
	struct results r;
	char err[512], *text;
	double x;
	FILE *f;

	(void)state;
	write_text(file);
	assert_int_equal(res_read(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r.env.type, RES_V_OBJECT);
	assert_int_equal(r.env.n, 7);
	for (size_t i = 0; i < r.env.n; i++)
		assert_string_equal(r.env.k[i], keys[i]);
	assert_string_equal(res_env_str(&r, "mode", NULL), "emulated");
	assert_null(res_env_str(&r, "tb_hz", NULL));		/* not a string */
	assert_string_equal(res_env_str(&r, "absent", "?"), "?");
	assert_int_equal(res_env_bool(&r, "instruction_count_mode"), 0);
	assert_int_equal(res_env_bool(&r, "mode"), -1);
	assert_int_equal(res_env_num(&r, "tb_hz", &x), 0);
	assert_float_equal(x, 512e6, 0);
	assert_float_equal(r.tb_hz, 512e6, 0);
	assert_int_equal(res_env_num(&r, "ratio", &x), 0);
	assert_float_equal(x, 0.125, 0);
	assert_int_equal(res_env_num(&r, "mode", &x), -EINVAL);
	assert_int_equal(res_env(&r, "nothing")->type, RES_V_NULL);
	cmp = res_env(&r, "comparison");
	assert_string_equal(res_val_str(res_val_get(cmp, "side"), NULL), "base");
	assert_string_equal(res_val_str(res_val_get(cmp, "mode"), NULL), "modules");
	assert_int_equal(res_val_num(res_val_get(cmp, "rounds"), &x), 0);
	assert_float_equal(x, 3, 0);
	assert_null(res_val_get(res_env(&r, "mode"), "side"));
	text = res_val_text(res_env(&r, "list"));
	assert_string_equal(text, "[1, \"two\", {\"x\": 3.5}]");
	free(text);
	text = res_val_text(cmp);
	assert_string_equal(text, "{\"side\": \"base\", \"spec\": \"default tree\", \"mode\": "
			    "\"modules\", \"rounds\": 3}");
	free(text);
	/* written, read, written: the same bytes; the environment as it came */
	assert_int_equal(res_write(&r, path2), 0);
	res_free(&r);
	rewrite(path2, path, path2);
	json_t *a = json_loads(file, 0, NULL), *b = json_load_file(path, 0, NULL);
	assert_true(json_equal(json_object_get(a, "environment"), json_object_get(b, "environment")));
	json_decref(a);
	json_decref(b);

	/* setters: a key in its place, a new one last; env.json merged the same way */
	res_init(&r);
	assert_int_equal(res_env_set_str(&r, "cpu", "POWER8"), 0);
	assert_int_equal(res_env_set_int(&r, "tb_hz", 1), 0);
	assert_int_equal(res_env_set_bool(&r, "instruction_count_mode", 1), 0);
	assert_int_equal(res_env_set_real(&r, "load", 0.5), 0);
	assert_int_equal(res_env_set_json(&r, "comparison", "{\"rounds\": 2}"), 0);
	assert_int_equal(res_env_set_json(&r, "bad", "{"), -EINVAL);
	assert_int_equal(res_env_set_int(&r, "cpu", 8), 0);
	assert_int_equal(r.env.n, 5);
	assert_string_equal(r.env.k[0], "cpu");
	assert_int_equal(r.env.v[0].type, RES_V_INT);
	assert_int_equal(res_env_bool(&r, "instruction_count_mode"), 1);
	f = fopen(path, "w");
	fputs("{\"mode\": \"native\", \"tb_hz\": 512000000}", f);
	fclose(f);
	assert_int_equal(res_env_load(&r, path, err, sizeof(err)), 0);
	assert_int_equal(r.env.n, 6);
	assert_string_equal(r.env.k[1], "tb_hz");
	assert_int_equal(r.env.v[1].i, 512000000);
	assert_string_equal(r.env.k[5], "mode");
	write_text("[1]");
	assert_int_equal(res_env_load(&r, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": not a JSON object"));
	write_text("{\"a\": ");
	assert_int_equal(res_env_load(&r, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": not a JSON object: "));
	assert_int_equal(r.env.n, 6);
	res_free(&r);
}

/* a histogram as results.json holds it: back to the same counts; what is not one, refused */
static void histogram_text(void **state)
{
	struct hist *h, *back;
	struct hist_iter i1, i2;
	static const double ps[] = { 0, 1, 5, 25, 50, 75, 90, 95, 99, 99.9, 100 };
	char err[256], *j;

	(void)state;
	assert_int_equal(hist_init(1, 1000000000000, 3, &h), 0);
	for (int i = 1; i < 50000; i++)
		hist_record(h, (int64_t)600000 + (i * 7919) % 30000 + (i % 97 == 0 ? 2000000 : 0));
	j = res_hist_text(h);
	assert_non_null(j);
	assert_int_equal(res_hist_parse(j, strlen(j), &back, err, sizeof(err)), 0);
	hist_iter_init(&i1, h);
	hist_iter_init(&i2, back);
	while (hist_iter_next(&i1)) {
		assert_true(hist_iter_next(&i2));
		assert_int_equal(i1.from, i2.from);
		assert_int_equal(i1.to, i2.to);
		assert_int_equal(i1.count, i2.count);
	}
	assert_false(hist_iter_next(&i2));
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		assert_int_equal(hist_value_at_percentile(back, ps[i]), hist_value_at_percentile(h, ps[i]));
	assert_int_equal(hist_min(back), hist_min(h));
	assert_int_equal(hist_max(back), hist_max(h));
	assert_int_equal(hist_total_count(back), hist_total_count(h));
	hist_free(back);

	static const char *const bad[] = {
		"[1]",
		"{\"lowest\":1,",
		"{\"lowest\":1,\"lowest\":1,\"highest\":1000,\"significant_digits\":3,\"total_count\":0,\"min\":0,\"max\":0,\"buckets\":[]}",
		"{\"lowest\":1,\"highest\":1000,\"significant_digits\":3,\"total_count\":0,\"min\":0}",
		"{\"lowest\":1,\"highest\":1000,\"significant_digits\":\"3\",\"total_count\":0,\"min\":0,\"max\":0,\"buckets\":[]}",
		"{\"lowest\":1,\"highest\":1000,\"significant_digits\":0,\"total_count\":0,\"min\":0,\"max\":0,\"buckets\":[]}",
		"{\"lowest\":1,\"highest\":1000,\"significant_digits\":6,\"total_count\":0,\"min\":0,\"max\":0,\"buckets\":[]}",
		"{\"lowest\":1,\"highest\":10000000,\"significant_digits\":3,\"total_count\":1,\"min\":5000,\"max\":5000,\"buckets\":[[5001,5002,1]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":2,\"min\":5,\"max\":9,\"buckets\":[[9,9,1],[5,5,1]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":0,\"min\":5,\"max\":5,\"buckets\":[[5,5,0]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":-1,\"min\":5,\"max\":5,\"buckets\":[[5,5,-1]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":3,\"min\":5,\"max\":5,\"buckets\":[[5,5,2]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":2,\"min\":5,\"max\":6,\"buckets\":[[5,5,9223372036854775807],[6,6,9223372036854775807]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":1,\"min\":5,\"max\":5,\"buckets\":[[5,5]]}",
		"{\"lowest\":1,\"highest\":10000,\"significant_digits\":3,\"total_count\":1,\"min\":7,\"max\":7,\"buckets\":[[5,5,1]]}",
		/* 2 * lowest overflowed int64 here (libFuzzer) */
		"{\"lowest\":9000000000000000000,\"highest\":9000000000000000000,\"significant_digits\":4,\"total_count\":0,\"min\":0,\"max\":0,\"buckets\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (res_hist_parse(bad[i], strlen(bad[i]), &back, err, sizeof(err)) != -EINVAL)
			fail_msg("case %zu accepted", i);
		assert_true(strlen(err) > 0);
	}
	free(j);
	hist_free(h);
}

/* two sides of a comparison, pvr 1% slower on B, spr failed on B */
static void side(const char *p, const char *variant, double pvr)
{
	struct results r;
	struct res_bench *b;

	res_init(&r);
	snprintf(r.variant, sizeof(r.variant), "%s", variant);
	res_env_set_str(&r, "mode", "emulated");
	res_env_set_bool(&r, "instruction_count_mode", 0);
	for (int k = 0; k < 2; k++) {
		b = res_add(&r, k ? "spr" : "pvr");
		b->iterations = 100; b->batches = 2; b->repetitions = 4;
		b->claimed_exits_per_iteration = 1;
		snprintf(b->exit_kind, sizeof(b->exit_kind), "emulated-instruction");
		for (int i = 0; i < 4; i++) {
			res_push_run(b, pvr + i * 0.5);
			res_push_batch(b, pvr + i * 0.5);
			res_push_batch(b, pvr + i * 0.5 + 0.25);
		}
		if (k && !strcmp(variant, "patched")) {
			b->status = RES_FAILED;
			snprintf(b->reason, sizeof(b->reason), "guest hung");
		}
	}
	res_derive(&r);
	assert_int_equal(res_write(&r, p), 0);
	res_free(&r);
}

/* compare.json, written by results.c from the comparison's plain data */
static void compare_json(void **state)
{
	struct compare cmp = { 0 };
	char err[512];
	json_t *root, *row, *not;

	(void)state;
	side(path, "base", 600);
	side(path2, "patched", 606);
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path2, err, sizeof(err)), 0);
	assert_int_equal(compare_write_json(&cmp, path), 0);
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "tool")), "exitbench compare");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "a"), "label")), "base");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "b"), "file")), path2);
	assert_string_equal(json_string_value(json_object_get(root, "samples")), "per-run means");
	assert_int_equal(json_integer_value(json_object_get(root, "bootstrap_seed")), 1);
	assert_int_equal(json_array_size(json_object_get(root, "benchmarks")), 1);
	row = json_array_get(json_object_get(root, "benchmarks"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "pvr");
	assert_int_equal(json_integer_value(json_object_get(row, "n_a")), 4);
	assert_float_equal(json_real_value(json_object_get(row, "change")), 6, 1e-9);
	assert_float_equal(json_real_value(json_array_get(json_object_get(row, "change_ci"), 0)),
			   cmp.rows[0].r.diff_lo, 1e-6);
	assert_string_equal(json_string_value(json_object_get(row, "verdict")),
			    cmp_verdict_name(cmp.rows[0].r.verdict));
	assert_true(json_is_boolean(json_object_get(row, "regressed")));
	assert_float_equal(json_real_value(json_object_get(json_object_get(row, "batch_percentiles"), "p50_a")),
			   cmp.rows[0].p50_a, 1e-9);
	assert_true(json_is_null(json_object_get(row, "t")) == !isfinite(cmp.rows[0].r.t));
	not = json_array_get(json_object_get(root, "not_compared"), 0);
	assert_string_equal(json_string_value(json_object_get(not, "name")), "spr");
	assert_string_equal(json_string_value(json_object_get(not, "reason")), cmp.rows[1].note);
	assert_true(json_is_true(json_object_get(not, "failed_b")));
	assert_int_equal(json_integer_value(json_object_get(root, "regressions")),
			 cmp_regressed(&cmp.rows[0].r, &cmp.opts));
	assert_int_equal(json_integer_value(json_object_get(root, "exit_status")), compare_status(&cmp));
	json_decref(root);
	/* why a row was not compared is data, not the note's text */
	assert_int_equal(cmp.rows[0].state, RES_CMP_DONE);
	assert_int_equal(cmp.rows[1].state, RES_CMP_NOT_MEASURED);
	compare_free(&cmp);

	/* medians asked of results without batch values: bad input, said per row */
	memset(&cmp, 0, sizeof(cmp));
	cmp_opts_default(&cmp.opts);
	cmp.median = 1;
	assert_int_equal(compare_run(&cmp, data("report-stock.json"), data("report-stock.json"), err,
				     sizeof(err)), 0);
	assert_int_equal(cmp.rows[0].state, RES_CMP_NO_BATCHES);
	assert_int_equal(compare_status(&cmp), 2);
	compare_free(&cmp);
}

/*
 * A side of a native make compare on a host that is itself emulated with instruction
 * counting (make native-check): every run of pvr the same figure, null's too
 */
static void native_side(const char *p, const char *variant, double pvr, int icount)
{
	struct results r;
	struct res_bench *b;

	res_init(&r);
	snprintf(r.variant, sizeof(r.variant), "%s", variant);
	res_env_set_str(&r, "mode", "native");
	res_env_set_str(&r, "emulator", "qemu-system-ppc64 -M pseries -cpu POWER9 -icount shift=0");
	res_env_set_bool(&r, "instruction_count_mode", icount);
	for (int k = 0; k < 2; k++) {
		b = res_add(&r, k ? "null" : "pvr");
		b->iterations = 100; b->batches = 3; b->repetitions = 3;
		b->claimed_exits_per_iteration = !k;
		snprintf(b->exit_kind, sizeof(b->exit_kind), k ? "none" : "emulated-instruction");
		for (int i = 0; i < 3; i++) {
			double x = k ? 2.2 : pvr;

			/* a timer interrupt in a batch: the means differ, the median batches do not */
			res_push_run(b, x + 0.1 * i);
			res_push_batch(b, x);
			res_push_batch(b, x);
			res_push_batch(b, x + 0.3 * i);
		}
	}
	res_derive(&r);
	assert_int_equal(res_write(&r, p), 0);
	res_free(&r);
}

/* natively, on a host whose timebase counts instructions, runs are exact as in the emulated
 * instruction-count mode: medians by default, constant sides compared exactly */
static void compare_native_icount(void **state)
{
	struct compare cmp = { 0 };
	char err[512], *md;

	(void)state;
	native_side(path, "base", 590.35, 1);
	native_side(path2, "patched", 594.45, 1);
	cmp_opts_default(&cmp.opts);
	cmp.opts.threshold_pct = 0.5;
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path2, err, sizeof(err)), 0);
	assert_int_equal(cmp.median, 1);
	assert_int_equal(cmp.n, 2);
	assert_int_equal(cmp.rows[0].state, RES_CMP_DONE);
	assert_non_null(strstr(cmp.rows[0].note, "exact"));
	assert_float_equal(cmp.rows[0].r.diff, 4.1, 1e-9);
	assert_int_equal(cmp.rows[0].r.verdict, CMP_REGRESSION);
	assert_int_equal(cmp.rows[1].state, RES_CMP_DONE);
	assert_int_equal(cmp.rows[1].r.verdict, CMP_NO_CHANGE);
	assert_int_equal(compare_status(&cmp), 1);
	assert_int_equal(compare_markdown(&cmp, path, 0), 0);
	md = slurp(path);
	assert_non_null(strstr(md, "> **Emulated times.** Both sides took the native path (HOST=native) "
				   "on a host that is itself emulated: qemu-system-ppc64 "));
	assert_non_null(strstr(md, "Instruction-count mode"));
	free(md);
	compare_free(&cmp);

	/* with and without instruction counting: not the same mode */
	native_side(path, "base", 590.35, 1);
	native_side(path2, "patched", 594.45, 0);
	memset(&cmp, 0, sizeof(cmp));
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is native with instruction counting, "));
	assert_non_null(strstr(err, "without: compare results of the same mode"));
	compare_free(&cmp);
}

/* a 32-bit host's figures against a 64-bit host's: refused in one line, whatever else agrees */
static void compare_refuses_other_arch(void **state)
{
	struct compare cmp = { 0 };
	struct results r;
	char err[512];

	(void)state;
	native_side(path, "base", 590.35, 1);
	native_side(path2, "patched", 72.06, 1);
	res_init(&r);
	assert_int_equal(res_read(path2, &r, err, sizeof(err)), 0);
	assert_string_equal(res_arch(&r), "ppc64");	/* results that do not say: 64-bit */
	res_env_set_str(&r, "arch", "ppc32");
	assert_int_equal(res_write(&r, path2), 0);
	res_free(&r);
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is from a ppc64 host, "));
	assert_non_null(strstr(err, " from a ppc32 host: compare results of the same architecture"));
	compare_free(&cmp);
	/* and both of the 32-bit host: compared */
	res_init(&r);
	assert_int_equal(res_read(path, &r, err, sizeof(err)), 0);
	res_env_set_str(&r, "arch", "ppc32");
	assert_int_equal(res_write(&r, path), 0);
	res_free(&r);
	memset(&cmp, 0, sizeof(cmp));
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path2, err, sizeof(err)), 0);
	compare_free(&cmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(minimal_schema_1, setup, teardown),
		cmocka_unit_test_setup_teardown(schema_2_without_pmu, setup, teardown),
		cmocka_unit_test_setup_teardown(trace_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(trace_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(environment, setup, teardown),
		cmocka_unit_test(histogram_text),
		cmocka_unit_test_setup_teardown(compare_json, setup, teardown),
		cmocka_unit_test_setup_teardown(compare_native_icount, setup, teardown),
		cmocka_unit_test_setup_teardown(compare_refuses_other_arch, setup, teardown),
	};
	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
