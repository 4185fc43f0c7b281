// SPDX-License-Identifier: MIT
/*
 * exitbench trace's aggregation, fed with synthetic events (no trace.dat): phases and exit
 * reasons, markers, exit/reenter pairing, many workers at once, the caps on keys and names,
 * fixed memory, and the outputs (table, trace.json, results.json merge).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../analysis/compare.h"
#include "../../analysis/results.h"
#include "../../analysis/trace.h"

static void marker(struct trace_worker *w, struct trace_cpu *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	trace_on_marker(w, c, buf, (size_t)n);
}

static struct trace_timing timing(uint32_t exit_nr, int resume, int entry, uint32_t base)
{
	struct trace_timing t = { .exit_nr = exit_nr, .resume = resume, .entry = entry };

	for (int k = 0; k < TRACE_NPHASES; k++)
		t.phase[k] = base + (uint32_t)k;
	if (entry == -1)
		t.phase[TRACE_K_TRACE] = 0;
	else
		t.phase[TRACE_K_VCPU_RUN] = 0;
	return t;
}

static const struct trace_reason *reason(const struct trace_bench *b, uint32_t vector)
{
	for (size_t i = 0; i < b->nreasons; i++)
		if (b->reasons[i].vector == vector)
			return &b->reasons[i];
	return NULL;
}

static void names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(trace_exit_name(0x700), "PROGRAM");
	assert_string_equal(trace_exit_name(0x900), "DECREMENTER");
	assert_string_equal(trace_exit_name(0xc00), "SYSCALL");
	assert_string_equal(trace_exit_name(0xf60), "FAC_UNAVAIL");
	assert_string_equal(trace_exit_name(0x502), "EXTERNAL_HV");
	assert_null(trace_exit_name(0x123));
	assert_string_equal(trace_exit_label(0x123, buf, sizeof(buf)), "0x123");
	assert_string_equal(trace_exit_label(0x980, buf, sizeof(buf)), "HV_DECREMENTER");
	assert_string_equal(trace_kind_name(TRACE_K_GUEST), "guest");
	assert_string_equal(trace_kind_name(TRACE_K_HANDLE_EXIT), "handle_exit");
	assert_string_equal(trace_kind_name(TRACE_K_ROUND_TRIP), "round_trip");
	assert_string_equal(trace_kind_name(TRACE_K_EXIT_REENTER), "exit_to_reenter");
}

/* the summaries add histograms index by index: their index is hist_record()'s */
static void hist_layout(void **state)
{
	struct hist *h;
	uint64_t x = 12345;

	(void)state;
	assert_int_equal(hist_init(1, TRACE_HIST_HIGHEST, TRACE_HIST_SIGFIGS, &h), 0);
	for (int n = 0; n < 3000; n++) {
		int64_t v;
		int32_t at = -1;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		v = n < 1000 ? n * 37 : (int64_t)(x >> (24 + n % 40));
		if (v > TRACE_HIST_HIGHEST)
			continue;
		hist_reset(h);
		assert_int_equal(hist_record(h, v), 0);
		for (int32_t i = 0; i < h->counts_len; i++)
			if (h->counts[i]) {
				at = i;
				break;
			}
		assert_int_equal(trace_hist_index(h, v), at);
	}
	hist_free(h);
}

/* one benchmark, 2 KVM_RUNs of 50 round trips: 98 PROGRAM, 2 DECREMENTER, one out of order */
static void phases_and_reasons(void **state)
{
	struct trace_summary s;
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c;
	const struct trace_bench *b;
	const struct trace_reason *r;
	uint64_t guest_sum = 0;

	(void)state;
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c, 0);
	for (int run = 0; run < 2; run++) {
		int entry = -1;

		marker(w, &c, "exitbench: begin bench=pvr rep=%d\n", run);
		for (int i = 0; i < 50; i++) {
			int dec = i == 49;
			struct trace_timing t = timing(dec ? 0x900 : 0x700, dec ? 0 : 1, entry,
						       (uint32_t)(100 + i));

			if (run == 1 && i == 10)
				t.flags = TRACE_FL_OUT_OF_ORDER;
			else if (!dec)
				guest_sum += t.phase[TRACE_K_GUEST];
			trace_on_timing(w, &c, &t);
			entry = t.resume;
		}
		marker(w, &c, "exitbench: end bench=pvr rep=%d\n", run);
	}
	assert_int_equal(trace_summarize(a, &s), 0);
	assert_int_equal(s.n, 1);
	b = &s.b[0];
	assert_string_equal(b->name, "pvr");
	assert_int_equal(b->reps, 2);
	assert_int_equal(b->events, 100);
	assert_int_equal(b->kind, TRACE_K_ROUND_TRIP);
	assert_int_equal(s.c.timing, 100);
	assert_int_equal(s.c.out_of_order, 1);
	assert_int_equal(s.c.markers, 4);
	/* vcpu_run: the two first round trips only; trace: the others; the flagged one: none */
	assert_int_equal(b->phase[TRACE_K_VCPU_RUN].count, 2);
	assert_int_equal(b->phase[TRACE_K_VCPU_RUN].median, 100);
	assert_int_equal(b->phase[TRACE_K_TRACE].count, 97);
	assert_int_equal(b->phase[TRACE_K_GUEST].count, 99);
	/* guest = base + 5, base 100..149 twice (less 110 of run 1): median of 99 values */
	assert_int_equal(b->phase[TRACE_K_GUEST].min, 105);
	assert_int_equal(b->phase[TRACE_K_GUEST].max, 154);
	assert_int_equal(b->phase[TRACE_K_GUEST].median, 130);
	assert_int_equal(b->phase[TRACE_K_ROUND_TRIP].count, 99);
	assert_int_equal(b->nreasons, 2);
	r = reason(b, 0x700);
	assert_non_null(r);
	assert_string_equal(r->name, "PROGRAM");
	assert_int_equal(r->count, 98);
	assert_int_equal(r->out_of_order, 1);
	assert_int_equal(r->stat.count, 97);
	assert_int_equal(r->resume[1], 98);	/* RESUME_GUEST_NV (1) */
	assert_int_equal(r->phase[TRACE_K_GUEST].sum, guest_sum);
	assert_true(r->share > 0.9 && r->share < 1);
	assert_ptr_equal(&b->reasons[0], r);	/* the largest share first */
	r = reason(b, 0x900);
	assert_non_null(r);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->resume[0], 2);	/* RESUME_GUEST (0) */
	assert_true(b->reasons[0].share + b->reasons[1].share > 0.999999);
	trace_summary_free(&s);
	trace_agg_free(a);
}

static void markers(void **state)
{
	struct trace_summary s;
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c0, c1;
	struct trace_timing t = timing(0x700, 3, 3, 100);
	char nul[] = "exitbench: begin bench=hcall rep=0\n\0\0\0";

	(void)state;
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c0, 0);
	trace_cpu_init(&c1, 1);
	trace_on_timing(w, &c0, &t);			/* (none) */
	trace_on_marker(w, &c0, nul, sizeof(nul));	/* trailing NULs, as some buffers have */
	trace_on_timing(w, &c0, &t);			/* hcall */
	trace_on_timing(w, &c1, &t);			/* (none): another CPU */
	marker(w, &c0, "exitbench: end bench=hcall rep=0");
	trace_on_timing(w, &c0, &t);			/* (none) */
	marker(w, &c0, "  exitbench: begin bench=spr rep=1");
	marker(w, &c0, "exitbench: begin bench=pvr rep=1");	/* a begin inside a begin */
	trace_on_timing(w, &c0, &t);			/* pvr */
	marker(w, &c0, "exitbench: end bench=spr rep=1");	/* not pvr's end */
	trace_on_timing(w, &c0, &t);			/* (none) */
	marker(w, &c0, "exitbench: end bench=never-begun rep=0");
	marker(w, &c0, "exitbench: begin bench= rep=0");	/* bad: no name */
	marker(w, &c0, "exitbench: begin pvr");			/* bad */
	marker(w, &c0, "exitbench: start bench=pvr rep=0");	/* bad */
	marker(w, &c0, "exitbench: begin bench=%s rep=0",
	       "a-name-longer-than-sixty-three-characters-which-no-benchmark-has-or-needs");
	marker(w, &c0, "someone else's marker");		/* not ours: ignored */
	trace_on_marker(w, &c0, "exitbench: begin", 16);	/* cut short: bad */
	assert_int_equal(trace_summarize(a, &s), 0);
	assert_int_equal(s.c.markers, 6);
	assert_int_equal(s.c.bad_markers, 5);
	assert_int_equal(s.c.unmatched_markers, 3);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.b[0].name, "hcall");
	assert_int_equal(s.b[0].events, 1);
	assert_int_equal(s.b[0].reps, 1);
	assert_string_equal(s.b[1].name, "spr");
	assert_int_equal(s.b[1].events, 0);
	assert_int_equal(s.b[1].reps, 1);
	assert_string_equal(s.b[2].name, "pvr");
	assert_int_equal(s.b[2].events, 1);
	assert_string_equal(s.b[3].name, TRACE_NONE);	/* last */
	assert_int_equal(s.b[3].events, 4);
	assert_non_null(trace_summary_find(&s, "pvr"));
	assert_null(trace_summary_find(&s, "never-begun"));
	trace_summary_free(&s);
	trace_agg_free(a);
}

/* a name of the longest a suite allows (EB_NAME_LEN - 1: parameters) is kept whole */
static void long_names(void **state)
{
	static const char name[] = "pvr-mmu:segments=16,x=1";
	struct trace_summary s;
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c;
	struct trace_timing t = timing(0x700, 3, 3, 100);

	(void)state;
	assert_int_equal(sizeof(name), EB_NAME_LEN);
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c, 0);
	marker(w, &c, "exitbench: begin bench=%s rep=0", name);
	trace_on_timing(w, &c, &t);
	marker(w, &c, "exitbench: end bench=%s rep=0", name);
	assert_int_equal(trace_summarize(a, &s), 0);
	assert_int_equal(s.c.bad_markers, 0);
	assert_non_null(trace_summary_find(&s, name));
	assert_int_equal(trace_summary_find(&s, name)->events, 1);
	trace_summary_free(&s);
	trace_agg_free(a);
}

static void pairing(void **state)
{
	struct trace_summary s;
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c;
	const struct trace_bench *b;
	const struct trace_reason *r;

	(void)state;
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c, 0);
	marker(w, &c, "exitbench: begin bench=mmio rep=0");
	/* 10 exits of task 7, each 1000 + 10 i later reentered: RESUME_HOST */
	for (int i = 0; i < 10; i++) {
		trace_on_exit(w, &c, 7, 100000 * (uint64_t)i, 0x300);
		trace_on_reenter(w, &c, 7, 100000 * (uint64_t)i + 1000 + 10 * (uint64_t)i, i ? 2 : 3);
	}
	/* two tasks interleaved */
	trace_on_exit(w, &c, 8, 2000000, 0x900);
	trace_on_exit(w, &c, 9, 2000100, 0x900);
	trace_on_reenter(w, &c, 8, 2000500, 0);
	trace_on_reenter(w, &c, 9, 2000700, -4);	/* an error (-EINTR's kind) */
	/* an exit without its reenter, then the task's next exit */
	trace_on_exit(w, &c, 7, 3000000, 0x300);
	trace_on_exit(w, &c, 7, 3000100, 0x300);
	trace_on_reenter(w, &c, 7, 3000200, 2);
	/* a reenter without its exit; one before its exit in time */
	trace_on_reenter(w, &c, 11, 4000000, 1);
	trace_on_exit(w, &c, 12, 5000000, 0x300);
	trace_on_reenter(w, &c, 12, 4000000, 1);
	/* more tasks waiting than the table holds: the oldest is given up */
	for (int p = 100; p < 100 + TRACE_PENDING + 1; p++)
		trace_on_exit(w, &c, p, 6000000, 0x500);
	trace_on_reenter(w, &c, 100 + TRACE_PENDING, 6000050, 1);
	marker(w, &c, "exitbench: end bench=mmio rep=0");
	assert_int_equal(trace_summarize(a, &s), 0);
	assert_int_equal(s.c.exits, 10 + 2 + 2 + 1 + TRACE_PENDING + 1);
	assert_int_equal(s.c.paired, 10 + 2 + 1 + 1);
	assert_int_equal(s.c.unpaired_exits, 1 + 1);
	assert_int_equal(s.c.unpaired_reenters, 2);
	b = trace_summary_find(&s, "mmio");
	assert_non_null(b);
	assert_int_equal(b->kind, TRACE_K_EXIT_REENTER);
	r = reason(b, 0x300);
	assert_non_null(r);
	assert_int_equal(r->count, 10 + 2 + 1);
	assert_int_equal(r->stat.count, 11);
	assert_int_equal(r->stat.min, 100);
	assert_int_equal(r->stat.max, 1090);
	assert_int_equal(r->stat.median, 1040);
	assert_int_equal(r->resume[2], 11);	/* RESUME_HOST (2) and RESUME_HOST_NV (3) */
	r = reason(b, 0x900);
	assert_int_equal(r->stat.count, 2);
	assert_int_equal(r->stat.min, 500);
	assert_int_equal(r->stat.max, 600);
	assert_int_equal(r->resume[0], 1);
	assert_int_equal(r->resume[3], 1);
	r = reason(b, 0x500);
	assert_int_equal(r->count, TRACE_PENDING + 1);
	assert_int_equal(r->stat.count, 1);
	assert_int_equal(r->stat.median, 50);
	assert_int_equal(b->phase[TRACE_K_EXIT_REENTER].count, 14);
	trace_summary_free(&s);
	trace_agg_free(a);
}

/* ---- many workers at once ---- */
#define NT 4
#define PER_THREAD 200000

struct feeder {
	struct trace_worker *w;
	int id;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	struct trace_cpu c;

	trace_thread_enter();
	trace_cpu_init(&c, f->id);
	marker(f->w, &c, "exitbench: begin bench=%s rep=0", f->id % 2 ? "odd" : "even");
	for (int i = 0; i < PER_THREAD; i++) {
		struct trace_timing t = timing(i % 100 ? 0x700 : 0x900, 3, 3, (uint32_t)(i % 1000));

		trace_on_timing(f->w, &c, &t);
	}
	marker(f->w, &c, "exitbench: end bench=%s rep=0", f->id % 2 ? "odd" : "even");
	trace_thread_leave();
	return NULL;
}

/* a live reader: summaries while the workers record (failures counted, asserted in main) */
static int live_failures;

static void *summarize_while(void *arg)
{
	struct trace_agg *a = arg;
	uint64_t last = 0;

	trace_thread_enter();
	for (int i = 0; i < 20; i++) {
		struct trace_summary s;

		if (trace_summarize_top(a, &s)) {
			live_failures++;
			continue;
		}
		live_failures += s.c.timing < last;
		last = s.c.timing;
		trace_summary_free(&s);
		usleep(2000);
	}
	trace_thread_leave();
	return NULL;
}

static void threads(void **state)
{
	struct feeder f[NT];
	pthread_t th[NT], reader;
	struct trace_summary s;
	struct trace_agg *a;

	(void)state;
	assert_int_equal(trace_agg_new(NT, &a), 0);
	for (int i = 0; i < NT; i++) {
		f[i].id = i;
		assert_int_equal(trace_worker_new(a, (unsigned)i, &f[i].w), 0);
	}
	assert_int_equal(trace_worker_new(a, 0, &f[0].w), -EBUSY);
	assert_int_equal(trace_worker_new(a, NT, &f[0].w), -EINVAL);
	assert_int_equal(trace_worker_new(a, 0, &f[0].w), -EBUSY);
	for (int i = 0; i < NT; i++)
		assert_int_equal(pthread_create(&th[i], NULL, feed, &f[i]), 0);
	assert_int_equal(pthread_create(&reader, NULL, summarize_while, a), 0);
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	pthread_join(reader, NULL);
	assert_int_equal(live_failures, 0);
	assert_int_equal(trace_summarize(a, &s), 0);
	assert_int_equal(s.c.timing, NT * PER_THREAD);
	assert_int_equal(s.n, 2);
	for (size_t b = 0; b < 2; b++) {
		const struct trace_reason *r = reason(&s.b[b], 0x700);

		assert_int_equal(s.b[b].events, NT / 2 * PER_THREAD);
		assert_int_equal(r->count, NT / 2 * PER_THREAD * 99 / 100);
		/* guest = i % 1000 + 5, uniform over 5..1004 */
		assert_int_equal(s.b[b].phase[TRACE_K_GUEST].min, 5);
		assert_int_equal(s.b[b].phase[TRACE_K_GUEST].max, 1004);
		assert_int_equal(s.b[b].phase[TRACE_K_GUEST].median, 504);
	}
	trace_summary_free(&s);
	trace_agg_free(a);
}

/* more exit vectors than keys: the rest fold into one "(other)" reason; names likewise */
static void caps(void **state)
{
	struct trace_summary s;
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c;
	const struct trace_reason *r;
	const struct trace_bench *b;
	uint32_t n = TRACE_MAX_KEYS + 100;

	(void)state;
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c, 0);
	marker(w, &c, "exitbench: begin bench=many rep=0");
	for (uint32_t v = 0; v < n; v++) {
		struct trace_timing t = timing(0x10000 + v, 1, 1, 10);

		trace_on_timing(w, &c, &t);
	}
	marker(w, &c, "exitbench: end bench=many rep=0");
	for (int i = 0; i < TRACE_MAX_BENCH + 10; i++) {
		struct trace_timing t = timing(0x700, 1, 1, 10);

		marker(w, &c, "exitbench: begin bench=b%d rep=0", i);
		trace_on_timing(w, &c, &t);
		marker(w, &c, "exitbench: end bench=b%d rep=0", i);
	}
	assert_int_equal(trace_summarize_top(a, &s), 0);
	b = trace_summary_find(&s, "many");
	assert_non_null(b);
	assert_true(b->nreasons <= TRACE_MAX_KEYS + 1);
	r = reason(b, TRACE_OTHER);
	assert_non_null(r);
	assert_string_equal(r->name, "(other)");
	assert_int_equal(r->count, n - (b->nreasons - 1));
	b = trace_summary_find(&s, "(other)");
	assert_non_null(b);
	assert_true(b->events >= 10);
	assert_true(s.n <= TRACE_MAX_BENCH);
	trace_summary_free(&s);
	trace_agg_free(a);
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* memory is the keys', not the events': a million more events cost (next to) nothing */
static void fixed_memory(void **state)
{
	struct trace_agg *a;
	struct trace_worker *w;
	struct trace_cpu c;
	long before;

	(void)state;
	assert_int_equal(trace_agg_new(1, &a), 0);
	assert_int_equal(trace_worker_new(a, 0, &w), 0);
	trace_cpu_init(&c, 0);
	marker(w, &c, "exitbench: begin bench=pvr rep=0");
	for (int i = 0; i < 100000; i++) {
		struct trace_timing t = timing(i % 7 ? 0x700 : 0x900, 3, 3, (uint32_t)i * 7919u % 100000);

		trace_on_timing(w, &c, &t);
		trace_on_exit(w, &c, 5, (uint64_t)i * 1000, 0x700);
		trace_on_reenter(w, &c, 5, (uint64_t)i * 1000 + (uint64_t)(i % 5000), 3);
	}
	before = rss_kb();
	for (int i = 0; i < 1000000; i++) {
		struct trace_timing t = timing(i % 7 ? 0x700 : 0x900, 3, 3, (uint32_t)i * 7919u % 100000);

		trace_on_timing(w, &c, &t);
		trace_on_exit(w, &c, 5, (uint64_t)i * 1000, 0x700);
		trace_on_reenter(w, &c, 5, (uint64_t)i * 1000 + (uint64_t)(i % 5000), 3);
	}
	/* the histograms' pages for values not seen before, at most: well under 8 MiB */
	assert_true(rss_kb() - before < 8192);
	trace_agg_free(a);
}

/* ---- outputs ---- */

static void fill(struct trace_summary *s, struct trace_agg **ap)
{
	struct trace_worker *w;
	struct trace_cpu c;

	assert_int_equal(trace_agg_new(1, ap), 0);
	assert_int_equal(trace_worker_new(*ap, 0, &w), 0);
	trace_cpu_init(&c, 0);
	for (int rep = 0; rep < 2; rep++) {
		int entry = -1;

		marker(w, &c, "exitbench: begin bench=pvr rep=%d", rep);
		for (int i = 0; i < 20; i++) {
			struct trace_timing t = timing(0x700, 3, entry, (uint32_t)(200 + i));

			trace_on_timing(w, &c, &t);
			entry = 3;
		}
		marker(w, &c, "exitbench: end bench=pvr rep=%d", rep);
	}
	marker(w, &c, "exitbench: begin bench=mmio rep=0");
	for (int i = 0; i < 5; i++) {
		trace_on_exit(w, &c, 3, 1000 * (uint64_t)i, 0x300);
		trace_on_reenter(w, &c, 3, 1000 * (uint64_t)i + 400, 2);
	}
	marker(w, &c, "exitbench: end bench=mmio rep=0");
	marker(w, &c, "exitbench: begin bench=not-in-results rep=0");
	trace_on_exit(w, &c, 3, 1, 0x300);
	trace_on_reenter(w, &c, 3, 2, 2);
	assert_int_equal(trace_summarize(*ap, s), 0);
}

static void table_and_json(void **state)
{
	struct trace_source src = { .path = "t.dat", .cpus = 2, .cpus_with_data = 1, .threads = 1,
				    .clock = "local", .pair_unit = "ns" };
	struct trace_summary s;
	struct trace_agg *a;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	json_t *j, *b, *ph, *rs;
	struct res_trace_run run;
	char path[64];

	(void)state;
	fill(&s, &a);
	f = open_memstream(&text, &len);
	trace_print(f, &s, &src);
	trace_print_top(f, &s, NULL, 1, 1, 10);
	fclose(f);
	assert_non_null(strstr(text, "pvr: 2 repetitions marked, 40 exits"));
	assert_non_null(strstr(text, "PROGRAM"));
	assert_non_null(strstr(text, "exit_to_reenter (ns)"));
	assert_non_null(strstr(text, "Current/s"));
	free(text);
	/* trace.json, as the model writes it */
	snprintf(path, sizeof(path), "/tmp/exitbench-test-trace-%d.json", (int)getpid());
	assert_int_equal(trace_run_result(&s, &src, &run), 0);
	assert_int_equal(res_write_trace(&run, path), 0);
	res_trace_run_free(&run);
	j = json_load_file(path, 0, NULL);
	unlink(path);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "events_read")), 0);
	b = json_array_get(json_object_get(j, "benchmarks"), 0);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "pvr");
	ph = json_object_get(b, "phases");
	/* the ten phases in path order, then the round trip */
	assert_int_equal(json_array_size(ph), TRACE_NPHASES + 1);
	for (size_t k = 0; k < json_array_size(ph); k++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(ph, k), "name")),
				    trace_kind_name((int)k));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, TRACE_K_VCPU_RUN), "count")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, TRACE_K_GUEST), "median")), 214);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ph, 0), "unit")), "timebase ticks");
	rs = json_object_get(b, "exit_reasons");
	assert_int_equal(json_array_size(rs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "reason")), "PROGRAM");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rs, 0), "vector")), 0x700);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rs, 0), "count")), 40);
	assert_true(json_real_value(json_object_get(json_array_get(rs, 0), "share")) == 1.0);
	b = json_array_get(json_object_get(j, "benchmarks"), 1);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "mmio");
	ph = json_object_get(b, "phases");
	assert_int_equal(json_array_size(ph), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ph, 0), "unit")), "ns");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, 0), "median")), 400);
	json_decref(j);
	trace_summary_free(&s);
	trace_agg_free(a);
}

/* what `exitbench trace --results` does: read, merge, write back */
static int merge(const char *path, const struct trace_summary *s, const struct trace_source *src,
		 size_t *unmatched, char *err, size_t len)
{
	struct results r;
	int ret = res_read(path, &r, err, len);

	if (ret)
		return ret;
	ret = trace_merge_results(&r, s, src, unmatched);
	if (!ret)
		ret = res_write(&r, path);
	res_free(&r);
	return ret;
}

static void merge_into_results(void **state)
{
	struct trace_source src = { .path = "t.dat", .cpus = 1, .clock = "local", .pair_unit = "ns" };
	char path[64], err[1024];
	struct trace_summary s;
	struct trace_agg *a;
	struct results r, back;
	struct compare cmp = { 0 };
	const struct res_trace *t;
	json_t *root, *b;
	size_t unmatched, hists = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/exitbench-test-trace-%d.json", (int)getpid());
	res_init(&r);
	res_env_set_int(&r, "tb_hz", 512000000);
	for (int k = 0; k < 2; k++) {
		struct res_bench *rb = res_add(&r, k ? "mmio" : "pvr");

		rb->iterations = 100;
		rb->batches = 1;
		rb->repetitions = 3;
		for (int i = 0; i < 3; i++) {
			res_push_run(rb, 1000 + i + 10 * k);
			res_push_batch(rb, 1000 + i + 10 * k);
		}
	}
	res_derive(&r);
	assert_int_equal(res_write(&r, path), 0);
	res_free(&r);
	fill(&s, &a);
	assert_int_equal(merge(path, &s, &src, &unmatched, err, sizeof(err)), 0);
	assert_int_equal(unmatched, 1);	/* not-in-results; "(none)" is never merged */
	/* the readers of report and compare take it, schema unchanged */
	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 2);
	assert_non_null(back.b[0].runs);	/* the rest kept */
	t = &back.b[0].trace;
	assert_true(t->has_phases && t->has_reasons && t->has_source);
	assert_int_equal(t->nphase, TRACE_NPHASES + 1);
	assert_int_equal(t->nreason, 1);
	assert_int_equal(t->timed, RES_TIMED_ROUND_TRIP);
	/* each counted phase has its histogram, back to its figures */
	for (size_t i = 0; i < t->nphase; i++) {
		const struct res_phase *p = &t->phase[i];

		if (!p->st.count) {
			assert_null(p->hist);
			continue;
		}
		assert_non_null(p->hist);
		assert_int_equal(p->hist_scale, 1);
		assert_int_equal(hist_total_count(p->hist), p->st.count);
		assert_int_equal(hist_value_at_percentile(p->hist, 50), p->st.median);
		assert_int_equal(hist_value_at_percentile(p->hist, 99), p->st.p99);
		hists++;
	}
	assert_true(hists > 0);
	/* not the exit reasons' phases: they would make the file large */
	assert_true(t->reason[0].has_phases);
	for (size_t i = 0; i < t->reason[0].nphase; i++)
		assert_null(t->reason[0].phase[i].hist);
	assert_string_equal(back.b[1].trace.reason[0].st.name, "DATA_STORAGE");
	res_free(&back);
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, path, path, err, sizeof(err)), 0);
	/* phases of a single traced run: no rounds, no interval, said so */
	assert_int_equal(cmp.rows[0].nphase, 0);
	assert_non_null(strstr(cmp.rows[0].where_note, "not by round"));
	compare_free(&cmp);
	/* on disk: the schema, and the keys where readers of the trace's results.json look */
	root = json_load_file(path, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), RES_SCHEMA_VERSION);
	b = json_array_get(json_object_get(root, "benchmarks"), 0);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "pvr");
	assert_int_equal(json_array_size(json_object_get(b, "phases")), TRACE_NPHASES + 1);
	assert_int_equal(json_array_size(json_object_get(b, "exit_reasons")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(b, "trace"), "source")),
			    "kvm_pr:kvm_pr_exit_timing");
	json_decref(root);
	/* merged twice: replaced, not doubled */
	assert_int_equal(merge(path, &s, &src, &unmatched, err, sizeof(err)), 0);
	assert_int_equal(res_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.b[0].trace.nreason, 1);
	res_free(&back);
	/* not a results.json: refused, file untouched */
	f = fopen(path, "w");
	fputs("{\"schema_version\": 99, \"benchmarks\": []}", f);
	fclose(f);
	assert_int_equal(merge(path, &s, &src, &unmatched, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "schema_version 99"));
	unlink(path);
	assert_int_equal(merge(path, &s, &src, &unmatched, err, sizeof(err)), -EINVAL);
	trace_summary_free(&s);
	trace_agg_free(a);
}

/*
 * One round of a comparison side: pvr's round trips, every phase its base value plus the
 * round's jitter (exits whose values spread by +/-1), loop_entry moved by shift, and a
 * few decrementer exits.
 */
/* added to vcpu_run (a round trip that began at KVM_RUN), times 1, 2, 0 in rounds 1, 2, 3 */
static uint32_t vcpu_run_jitter;

static void fill_round(struct trace_summary *s, struct trace_agg **ap, int round, uint32_t shift,
		       int tiny)
{
	struct trace_worker *w;
	struct trace_cpu c;
	int entry = -1;

	assert_int_equal(trace_agg_new(1, ap), 0);
	assert_int_equal(trace_worker_new(*ap, 0, &w), 0);
	trace_cpu_init(&c, 0);
	marker(w, &c, "exitbench: begin bench=pvr rep=0");
	for (int i = 0; i < 100; i++) {
		struct trace_timing t = timing(i % 10 ? 0x700 : 0x900, 3, entry, 200);

		t.phase[TRACE_K_GUEST] += (uint32_t)((i + round) % 3);	/* a spread round to round */
		if (t.exit_nr == 0x700)
			t.phase[TRACE_K_LOOP_ENTRY] += shift;
		if (tiny && i % 10 >= 1 && i % 10 <= 3)
			t.phase[TRACE_K_LOOP_ENTRY] += 1;	/* 30% of the exits, one tick */
		if (entry == -1)
			t.phase[TRACE_K_VCPU_RUN] += vcpu_run_jitter * (uint32_t)(round * 7 % 3);
		trace_on_timing(w, &c, &t);
		entry = 3;
	}
	marker(w, &c, "exitbench: end bench=pvr rep=0");
	assert_int_equal(trace_summarize(*ap, s), 0);
}

/* a side of a comparison: results.json of pvr, its 3 rounds traced with loop_entry + shift */
static void side(const char *path, const char *variant, uint32_t shift, int tiny)
{
	struct trace_source src = { .path = "t.dat", .cpus = 1, .clock = "ppc-tb",
				    .pair_unit = "timebase ticks" };
	struct trace_summary s;
	struct trace_agg *a;
	struct results r;
	struct res_bench *rb;
	size_t unmatched;
	char err[512];

	res_init(&r);
	snprintf(r.variant, sizeof(r.variant), "%s", variant);
	res_env_set_bool(&r, "instruction_count_mode", 1);
	res_env_set_int(&r, "tb_hz", 512000000);
	rb = res_add(&r, "pvr");
	rb->iterations = 100;
	rb->batches = 1;
	rb->repetitions = 3;
	rb->claimed_exits_per_iteration = 1;
	snprintf(rb->exit_kind, sizeof(rb->exit_kind), "emulated");
	for (uint32_t i = 1; i <= 3; i++) {
		res_push_run_round(rb, 1000 + 0.9 * shift + 0.01 * i, i);
		res_push_batch(rb, 1000 + 0.9 * shift + 0.01 * i);
	}
	res_derive(&r);
	for (uint32_t round = 1; round <= 3; round++) {
		fill_round(&s, &a, (int)round, shift, tiny);
		assert_int_equal(trace_merge_round(&r, &s, &src, round, &unmatched), 0);
		assert_int_equal(unmatched, 0);
		if (round == 3) {
			/* once each, in order */
			assert_int_equal(trace_merge_round(&r, &s, &src, 3, &unmatched), -EEXIST);
			assert_int_equal(trace_merge_round(&r, &s, &src, 1, &unmatched), -EEXIST);
		}
		trace_summary_free(&s);
		trace_agg_free(a);
	}
	assert_int_equal(res_write(&r, path), 0);
	res_free(&r);
	assert_int_equal(res_read(path, &r, err, sizeof(err)), 0);
	res_free(&r);
}

static void merge_rounds(void **state)
{
	char pa[64], pb[64], err[1024];
	struct results r;
	const struct res_trace *t;
	const struct res_phase *guest = NULL, *loop = NULL;
	struct compare cmp = { 0 };
	const struct res_cmp_row *row;
	int n_moved = 0, n_vcpu;

	(void)state;
	snprintf(pa, sizeof(pa), "/tmp/exitbench-test-rounds-a-%d.json", (int)getpid());
	snprintf(pb, sizeof(pb), "/tmp/exitbench-test-rounds-b-%d.json", (int)getpid());
	side(pa, "base", 0, 0);
	side(pb, "patched", 8, 0);
	/* three rounds merged: counts summed, a figure a round, reasons' phases dropped */
	assert_int_equal(res_read(pa, &r, err, sizeof(err)), 0);
	t = &r.b[0].trace;
	for (size_t i = 0; i < t->nphase; i++) {
		if (!strcmp(t->phase[i].st.name, "guest"))
			guest = &t->phase[i];
		if (!strcmp(t->phase[i].st.name, "loop_entry"))
			loop = &t->phase[i];
	}
	assert_non_null(guest);
	assert_non_null(loop);
	assert_int_equal(guest->st.count, 300);
	assert_int_equal(hist_total_count(guest->hist), 300);
	assert_int_equal(guest->nround, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(guest->round[i].round, i + 1);
		assert_int_equal(guest->round[i].count, 100);
		/* 205 + 0, 1 or 2: the middle 80% of a round has a third of each, about */
		assert_true(guest->round[i].figure > 205.9 && guest->round[i].figure < 206.1);
	}
	assert_true(loop->round[0].figure == 202);
	assert_int_equal(t->nreason, 2);
	assert_int_equal(t->reason[0].nround, 3);
	assert_int_equal(t->reason[0].st.count, 270);	/* PROGRAM: 90 a round */
	assert_false(t->reason[0].has_phases);
	assert_non_null(t->reason[0].hist);
	assert_true(t->reason[0].share > 0.85 && t->reason[0].share < 0.95);
	res_free(&r);
	/* compared: loop_entry moved by 8 on 90% of the exits, nothing else did */
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, pa, pb, err, sizeof(err)), 0);
	row = &cmp.rows[0];
	assert_int_equal(row->state, RES_CMP_DONE);
	assert_true(row->nphase >= TRACE_NPHASES);
	for (size_t i = 0; i < row->nphase; i++) {
		const struct res_cmp_part *x = &row->phase[i];

		if (x->state != RES_CMP_DONE)
			continue;
		if (!strcmp(x->name, "loop_entry")) {
			assert_true(x->moved);
			assert_true(x->r.diff > 7.9 && x->r.diff < 8.1);
			assert_int_equal(x->r.verdict, CMP_REGRESSION);
			n_moved++;
		} else if (strcmp(x->name, "round_trip")) {
			/* inside 1% of the round trip (10 ticks): no change, not inconclusive */
			assert_false(x->moved);
			assert_int_equal(x->r.verdict, CMP_NO_CHANGE);
		}
	}
	assert_int_equal(n_moved, 1);
	assert_true(fabs(row->phase_band - 10.0) < 0.01);
	assert_false(row->trace_moved);
	assert_true(isfinite(row->phases_sum));
	assert_int_equal(row->nreason, 2);
	assert_string_equal(row->reason[0].name, "PROGRAM");
	assert_true(row->reason[0].moved);
	assert_false(row->reason[1].moved);	/* the decrementer's did not */
	/* the family's intervals: 11 phases, each at 1 - 0.05 / 11 */
	assert_true(fabs(row->phase_confidence - (1 - 0.05 / (double)row->nphase)) < 1e-12);
	assert_int_equal(compare_write_json(&cmp, pa), 0);
	compare_free(&cmp);
	/*
	 * a quarter of a tick on loop_entry, the same every round (exact): proven, but less than
	 * half an instruction (0.256 ticks): no change of code, not moved
	 */
	side(pa, "base", 0, 0);
	side(pb, "patched", 0, 1);
	memset(&cmp, 0, sizeof(cmp));
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, pa, pb, err, sizeof(err)), 0);
	row = &cmp.rows[0];
	for (size_t i = 0; i < row->nphase; i++) {
		const struct res_cmp_part *x = &row->phase[i];

		assert_false(x->moved);
		if (strcmp(x->name, "loop_entry"))
			continue;
		assert_true(fabs(x->r.diff - 0.25) < 1e-9);
		assert_int_equal(x->r.verdict, CMP_NO_CHANGE);
		assert_non_null(strstr(x->note, "less than half an instruction"));
		n_moved++;
	}
	assert_int_equal(n_moved, 2);
	compare_free(&cmp);
	/*
	 * an A/A but for vcpu_run, once a round (1 round trip in 100), +50, +100, +0 on one
	 * side: its interval is hundreds of ticks wide, a few ticks an exit: within the band
	 * of 10, no change
	 */
	side(pa, "base", 0, 0);
	vcpu_run_jitter = 50;
	side(pb, "patched", 0, 0);
	vcpu_run_jitter = 0;
	memset(&cmp, 0, sizeof(cmp));
	cmp_opts_default(&cmp.opts);
	cmp.median = -1;
	assert_int_equal(compare_run(&cmp, pa, pb, err, sizeof(err)), 0);
	row = &cmp.rows[0];
	n_vcpu = 0;
	for (size_t i = 0; i < row->nphase; i++) {
		const struct res_cmp_part *x = &row->phase[i];

		if (x->state != RES_CMP_DONE || !strcmp(x->name, "round_trip"))
			continue;
		assert_false(x->moved);
		assert_int_equal(x->r.verdict, CMP_NO_CHANGE);
		if (strcmp(x->name, "vcpu_run"))
			continue;
		assert_true(fabs(x->r.diff - 50) < 1e-9);
		assert_true(x->r.diff_hi - x->r.diff_lo > 2 * row->phase_band * 10);
		n_vcpu++;
	}
	assert_int_equal(n_vcpu, 1);
	compare_free(&cmp);
	unlink(pa);
	unlink(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(hist_layout),
		cmocka_unit_test(phases_and_reasons),
		cmocka_unit_test(markers),
		cmocka_unit_test(long_names),
		cmocka_unit_test(pairing),
		cmocka_unit_test(threads),
		cmocka_unit_test(caps),
		cmocka_unit_test(fixed_memory),
		cmocka_unit_test(table_and_json),
		cmocka_unit_test(merge_into_results),
		cmocka_unit_test(merge_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
