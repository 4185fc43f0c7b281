// SPDX-License-Identifier: MIT
/*
 * exitbench trace on real trace.dat files (tests/data/trace-x86-*.dat: recorded by trace-cmd
 * on x86_64 from uprobes named and laid out like the kernel's kvm_pr events, see
 * tests/data/trace/mktrace.sh; tests/data/trace-x86.csv lists every kvm_pr_exit_timing event
 * they hold). The figures asserted were computed from the CSV, not by exitbench. Bad input:
 * test_trace_bad.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../analysis/results.h"
#include "../../analysis/trace.h"

/* libtracecmd 3.1.6 leaks the trace clock's name once a handle (tracecmd_parse_trace_clock) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\n";
}

/* the library has no frame pointers: the slow unwinder finds the frames named above */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static char datadir[1024];

static const char *data(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return path;
}

static const struct trace_reason *reason(const struct trace_bench *b, uint32_t vector)
{
	for (size_t i = 0; b && i < b->nreasons; i++)
		if (b->reasons[i].vector == vector)
			return &b->reasons[i];
	return NULL;
}

/* a value of the histograms: exact below 2048, within its 2- or 4-tick sub-bucket above */
static void near(int64_t got, int64_t want)
{
	if (got < want - 3 || got > want + 3)
		fail_msg("%lld is not %lld within a sub-bucket", (long long)got, (long long)want);
}

static void check_figures(const char *file, unsigned threads)
{
	struct trace_read_opts o = { .threads = threads };
	struct trace_summary s;
	struct trace_source src;
	const struct trace_bench *b;
	const struct trace_reason *r;
	char err[1024];

	if (trace_read_file(data(file), &o, &s, &src, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(src.cpus, 2);
	assert_int_equal(src.cpus_with_data, 2);
	assert_int_equal(src.threads, threads ? threads : 2);
	assert_string_equal(src.clock, "local");
	assert_string_equal(src.pair_unit, "ns");
	assert_true(src.have_timing && src.have_exit && src.have_reenter && src.have_print);
	assert_int_equal(s.c.records, 409);
	assert_int_equal(s.c.timing, 315);
	assert_int_equal(s.c.out_of_order, 1);
	assert_int_equal(s.c.exits, 40);
	assert_int_equal(s.c.reenters, 40);
	assert_int_equal(s.c.paired, 40);
	assert_int_equal(s.c.markers, 14);
	assert_int_equal(s.c.bad_markers + s.c.unmatched_markers + s.c.short_records + s.c.lost, 0);
	assert_int_equal(s.n, 5);

	b = trace_summary_find(&s, "pvr");
	assert_non_null(b);
	assert_int_equal(b->reps, 3);
	assert_int_equal(b->events, 180);
	assert_int_equal(b->kind, TRACE_K_ROUND_TRIP);
	assert_int_equal(b->phase[TRACE_K_VCPU_RUN].count, 3);
	assert_int_equal(b->phase[TRACE_K_GUEST].count, 179);
	assert_int_equal(b->phase[TRACE_K_GUEST].median, 795);
	assert_int_equal(b->phase[TRACE_K_GUEST].p5, 453);
	assert_int_equal(b->phase[TRACE_K_GUEST].p95, 1159);
	assert_int_equal(b->phase[TRACE_K_GUEST].p99, 1179);
	assert_int_equal(b->phase[TRACE_K_HANDLE_EXIT].median, 485);
	assert_int_equal(b->phase[TRACE_K_ROUND_TRIP].sum, 356866);
	near(b->phase[TRACE_K_ROUND_TRIP].median, 2017);
	assert_int_equal(b->nreasons, 2);
	r = &b->reasons[0];
	assert_int_equal(r->vector, 0x700);
	assert_string_equal(r->name, "PROGRAM");
	assert_int_equal(r->count, 171);
	assert_int_equal(r->out_of_order, 1);
	assert_int_equal(r->stat.count, 170);
	assert_int_equal(r->stat.sum, 340155);
	near(r->stat.median, 2021);
	near(r->stat.p5, 1510);
	near(r->stat.p95, 2490);
	near(r->stat.p99, 2559);
	assert_int_equal(r->resume[1], 171);
	assert_true(r->share > 340155.0 / 356866 - 1e-12 && r->share < 340155.0 / 356866 + 1e-12);
	r = reason(b, 0x900);
	assert_int_equal(r->count, 9);
	assert_int_equal(r->stat.sum, 16711);
	assert_int_equal(r->resume[0], 9);

	b = trace_summary_find(&s, "hcall");
	assert_int_equal(b->reps, 2);
	r = reason(b, 0xc00);
	assert_string_equal(r->name, "SYSCALL");
	assert_int_equal(r->count, 80);
	assert_int_equal(r->stat.sum, 130283);
	near(r->stat.median, 1620);
	assert_int_equal(b->phase[TRACE_K_HANDLE_EXIT].median, 125);
	assert_int_equal(b->phase[TRACE_K_GUEST].p99, 1166);

	b = trace_summary_find(&s, "spr");
	assert_int_equal(b->events, 50);
	assert_int_equal(b->phase[TRACE_K_GUEST].median, 845);
	assert_int_equal(b->phase[TRACE_K_ROUND_TRIP].sum, 101477);

	/* the stock kernel's pair: mmio's 30 exits on CPU 0 (durations are the clock's) */
	b = trace_summary_find(&s, "mmio");
	assert_int_equal(b->kind, TRACE_K_EXIT_REENTER);
	r = reason(b, 0x300);
	assert_string_equal(r->name, "DATA_STORAGE");
	assert_int_equal(r->count, 30);
	assert_int_equal(r->stat.count, 30);
	assert_int_equal(r->resume[2], 30);
	assert_true(r->stat.min > 0 && r->stat.median >= r->stat.min && r->stat.p99 <= r->stat.max);

	/* outside the markers: 5 round trips on CPU 0 (its exits), 10 pairs on CPU 1 */
	b = &s.b[s.n - 1];
	assert_string_equal(b->name, TRACE_NONE);
	assert_int_equal(b->events, 5);
	assert_int_equal(b->phase[TRACE_K_GUEST].median, 928);
	assert_int_equal(b->phase[TRACE_K_EXIT_REENTER].count, 10);
	trace_summary_free(&s);
}

static void zstd_v7(void **state)
{
	(void)state;
	check_figures("trace-x86-zstd.dat", 0);
}

static void uncompressed_v7(void **state)
{
	(void)state;
	check_figures("trace-x86-v7.dat", 0);
}

static void v6(void **state)
{
	(void)state;
	check_figures("trace-x86-v6.dat", 0);
	check_figures("trace-x86-v6.dat", 1);
}

/* a value against an exact one: within the histogram's resolution (1/1024, less than 0.1%) */
static void close_to(int64_t got, int64_t want)
{
	int64_t tol = want / 512 + 2;

	if (got < want - tol || got > want + tol)
		fail_msg("%lld is not %lld within the histogram's resolution", (long long)got,
			 (long long)want);
}

/*
 * A real one: the emulated POWER8 host (ppc64le, 64 KiB pages, zstd, version 7), the
 * instrumented kernel, the mmio benchmark's two repetitions cut out of a run with trace-cmd
 * split. Figures: tests/data/trace/expect.py report (trace-cmd report -t, not exitbench).
 */
static void ppc64le(void **state)
{
	struct trace_read_opts o = { 0 };
	struct trace_summary s;
	struct trace_source src;
	const struct trace_bench *b;
	const struct trace_reason *r;
	char err[1024];

	(void)state;
	if (trace_read_file(data("trace-ppc64le-mmio.dat"), &o, &s, &src, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(src.cpus, 1);
	assert_string_equal(src.clock, "local");
	assert_int_equal(s.c.records, 4274);
	assert_int_equal(s.c.timing, 1064);
	assert_int_equal(s.c.exits, 1064);
	assert_int_equal(s.c.paired, 1064);
	assert_int_equal(s.c.markers, 4);
	assert_int_equal(s.n, 2);
	b = trace_summary_find(&s, "mmio");
	assert_non_null(b);
	assert_int_equal(b->reps, 2);
	assert_int_equal(b->events, 1005);
	assert_int_equal(b->kind, TRACE_K_ROUND_TRIP);
	assert_int_equal(b->phase[TRACE_K_VCPU_RUN].count, 1002);
	close_to(b->phase[TRACE_K_VCPU_RUN].median, 2102);
	assert_int_equal(b->phase[TRACE_K_TRACE].count, 3);
	assert_int_equal(b->phase[TRACE_K_LOOP_ENTRY].median, 38);
	assert_int_equal(b->phase[TRACE_K_LOOP_ENTRY].p99, 144);
	assert_int_equal(b->phase[TRACE_K_COPY_TO_SVCPU].median, 206);
	assert_int_equal(b->phase[TRACE_K_TRAMPOLINE_ENTER].median, 672);
	close_to(b->phase[TRACE_K_GUEST].median, 2485);
	close_to(b->phase[TRACE_K_REALMODE_EXIT].median, 4877);
	assert_int_equal(b->phase[TRACE_K_COPY_FROM_SVCPU].median, 1044);
	assert_int_equal(b->phase[TRACE_K_STORE_NVGPRS].median, 237);
	close_to(b->phase[TRACE_K_HANDLE_EXIT].median, 24639);
	close_to(b->phase[TRACE_K_HANDLE_EXIT].p95, 33384);
	assert_int_equal(b->phase[TRACE_K_HANDLE_EXIT].sum, 47285710);
	close_to(b->phase[TRACE_K_ROUND_TRIP].median, 36383);
	assert_int_equal(b->phase[TRACE_K_ROUND_TRIP].sum, 64089183);
	assert_int_equal(b->phase[TRACE_K_EXIT_REENTER].count, 1005);
	close_to(b->phase[TRACE_K_EXIT_REENTER].median, 33092);
	assert_int_equal(b->phase[TRACE_K_EXIT_REENTER].sum, 59291768);
	assert_int_equal(b->nreasons, 2);
	r = &b->reasons[0];
	assert_string_equal(r->name, "DATA_STORAGE");
	assert_int_equal(r->count, 1002);
	assert_int_equal(r->resume[2], 1002);	/* RESUME_HOST: the MMIO goes to the runner */
	assert_int_equal(r->stat.sum, 63814873);
	close_to(r->stat.median, 36381);
	close_to(r->stat.p99, 2154271);
	assert_true(r->share > 63814873.0 / 64089183 - 1e-9 && r->share < 63814873.0 / 64089183 + 1e-9);
	r = &b->reasons[1];
	assert_string_equal(r->name, "DECREMENTER");
	assert_int_equal(r->count, 3);
	assert_int_equal(r->resume[0], 3);
	assert_int_equal(r->stat.sum, 274310);
	b = trace_summary_find(&s, TRACE_NONE);
	assert_int_equal(b->events, 59);
	assert_int_equal(reason(b, 0x300)->count, 55);
	close_to(reason(b, 0x300)->stat.median, 29391);
	assert_int_equal(b->phase[TRACE_K_EXIT_REENTER].sum, 2206502);
	trace_summary_free(&s);
}

static void live_frames_and_outputs(void **state)
{
	struct trace_read_opts o = { .live = 1 };
	char jpath[64], rpath[64], err[1024];
	struct trace_summary s;
	struct trace_source src;
	struct res_trace_run run;
	struct results r;
	size_t unmatched;
	json_t *j;
	FILE *f = tmpfile();

	(void)state;
	o.live_out = f;
	assert_int_equal(trace_read_file(data("trace-x86-zstd.dat"), &o, &s, &src, err, sizeof(err)), 0);
	fclose(f);
	snprintf(jpath, sizeof(jpath), "/tmp/exitbench-test-trace-%d.json", (int)getpid());
	assert_int_equal(trace_run_result(&s, &src, &run), 0);
	assert_int_equal(res_write_trace(&run, jpath), 0);
	res_trace_run_free(&run);
	j = json_load_file(jpath, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "events_read")), 409);
	assert_int_equal(json_integer_value(json_object_get(j, "events_lost")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "benchmarks")), 5);
	json_decref(j);
	unlink(jpath);
	/* into a results.json of the same benchmarks (not hcall) */
	snprintf(rpath, sizeof(rpath), "/tmp/exitbench-test-trace-r-%d.json", (int)getpid());
	res_init(&r);
	for (int k = 0; k < 3; k++) {
		struct res_bench *b = res_add(&r, (const char *[]){ "pvr", "spr", "mmio" }[k]);

		b->iterations = 60;
		b->batches = 1;
		b->repetitions = 1;
		res_push_run(b, 2000);
		res_push_batch(b, 2000);
	}
	res_derive(&r);
	assert_int_equal(res_write(&r, rpath), 0);
	res_free(&r);
	assert_int_equal(res_read(rpath, &r, err, sizeof(err)), 0);
	assert_int_equal(trace_merge_results(&r, &s, &src, &unmatched), 0);
	assert_int_equal(unmatched, 1);
	assert_int_equal(res_write(&r, rpath), 0);
	res_free(&r);
	assert_int_equal(res_read(rpath, &r, err, sizeof(err)), 0);
	assert_int_equal(res_find(&r, "pvr")->trace.reason[0].st.count, 171);
	res_free(&r);
	j = json_load_file(rpath, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(j, "benchmarks"), 0), "exit_reasons"), 0), "count")), 171);
	json_decref(j);
	unlink(rpath);
	trace_summary_free(&s);
}

static int setup(void **state)
{
	char self[1024];

	(void)state;
	snprintf(self, sizeof(self), "%s", __FILE__);
	snprintf(datadir, sizeof(datadir), "%s/../data", dirname(self));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zstd_v7),
		cmocka_unit_test(uncompressed_v7),
		cmocka_unit_test(v6),
		cmocka_unit_test(ppc64le),
		cmocka_unit_test(live_frames_and_outputs),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
