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

#include "../../analysis/results.h"

static char path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/exitbench-test-%d.json", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
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
	json_object_set_new(r.env, "tb_hz", json_integer(512000000));
	json_object_set_new(r.env, "mode", json_string("emulated"));
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
	b = res_add(&r, "papr-hcall");
	b->iterations = 100; b->batches = 10; b->repetitions = 3;
	b->status = RES_SKIPPED;
	snprintf(b->reason, sizeof(b->reason), "not measurable on this host");
	res_derive(&r);
	assert_int_equal(res_write(&r, path), 0);

	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 3);
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
	assert_ptr_equal(res_baseline(&back), res_find(&back, "null"));

	/* the file carries the summaries and the net exit cost too */
	json_t *root = json_load_file(path, 0, NULL);
	json_t *net = json_array_get(json_object_get(root, "net_exit_cost"), 0);
	assert_string_equal(json_string_value(json_object_get(net, "name")), "pvr");
	assert_float_equal(json_real_value(json_object_get(net, "ticks")), (600.25 + 600.5 + 601.75) / 3 - 1.6, 1e-9);
	json_t *sum = json_object_get(json_array_get(json_object_get(root, "benchmarks"), 1), "summary_ns");
	assert_float_equal(json_real_value(json_object_get(sum, "median")), 600.5 / 0.512, 1e-6);
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
		{ "{\"schema_version\": 3, \"environment\": {}, \"benchmarks\": []}",
		  "schema_version 3 is not supported (this exitbench reads 1 to 2)" },
		{ "{\"schema_version\": 0, \"environment\": {}, \"benchmarks\": []}",
		  "schema_version 0 is not supported (this exitbench reads 1 to 2)" },
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(minimal_schema_1, setup, teardown),
	};
	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
