// SPDX-License-Identifier: MIT
/* Sweeps: one benchmark file over one parameter, and the line through its figures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../analysis/sweep.h"

/* a measured line of the suite: name, its file and one parameter, runs figure +/- spread */
static struct res_bench *line_spread(struct results *r, const char *name, const char *file,
				     const char *param, uint64_t value, double figure, double spread)
{
	struct res_bench *b = res_add(r, name);

	b->iterations = 1000;
	b->batches = 10;
	b->repetitions = 3;
	b->claimed_exits_per_iteration = 1;
	b->exits_per_iteration = 1;
	b->exits_ok = 1;
	if (param) {
		snprintf(b->file, sizeof(b->file), "%s", file);
		snprintf(b->param_names[0], sizeof(b->param_names[0]), "%s", param);
		b->param_values[0] = value;
		b->nparams = 1;
	}
	for (int i = -1; i <= 1; i++)
		res_push_run(b, figure + spread * i);
	return b;
}

static struct res_bench *line(struct results *r, const char *name, const char *file,
			      const char *param, uint64_t value, double figure)
{
	return line_spread(r, name, file, param, value, figure, 0.01);
}

static void a_line_and_a_drop(void **state)
{
	static const uint64_t n[] = { 0, 1, 2, 4, 8, 16, 30 };
	struct results r;
	struct sweep s[4];
	char name[EB_NAME_LEN];

	(void)state;
	res_init(&r);
	line(&r, "pvr", NULL, NULL, 0, 590.0);
	/* given out of order; 8 instructions (4.096 ticks) a segment, a little noise */
	for (int i = 6; i >= 0; i--) {
		snprintf(name, sizeof(name), "pvr-mmu:segments=%u", (unsigned)n[i]);
		line(&r, i ? name : "pvr-mmu", "pvr-mmu", "segments", n[i],
		     590.0 + 4.096 * n[i] + (i % 2 ? 0.05 : -0.05));
	}
	/* past the host's limit: back near the bottom, not on the line */
	line(&r, "pvr-mmu:segments=32", "pvr-mmu", "segments", 32, 594.0);
	/* a benchmark of two values only is no sweep; another parameter is another sweep */
	line(&r, "x:a=1", "x", "a", 1, 10);
	line(&r, "x:a=2", "x", "a", 2, 20);
	res_derive(&r);

	assert_int_equal(sweep_find(&r, s, 4), 1);
	assert_string_equal(s[0].file, "pvr-mmu");
	assert_string_equal(s[0].param, "segments");
	assert_int_equal(s[0].n, 8);
	assert_int_equal(s[0].nfit, 7);
	assert_true(s[0].p[0].value == 0 && s[0].p[7].value == 32);	/* by value */
	assert_false(s[0].p[7].fitted);
	assert_true(fabs(s[0].slope - 4.096) < 0.01);
	assert_true(fabs(s[0].intercept - 590.0) < 0.1);
	assert_true(s[0].slope_lo < 4.096 && s[0].slope_hi > 4.096);
	assert_true(s[0].slope_hi - s[0].slope_lo < 0.05);
	assert_non_null(s[0].reference);
	assert_string_equal(s[0].reference->name, "pvr");
	assert_true(fabs(s[0].reference_figure - 590.0) < 1e-9);
	res_free(&r);
}

/* a sweep that only grows keeps every point; a failed line is no point */
static void every_point_when_it_grows(void **state)
{
	struct results r;
	struct sweep s[1];

	(void)state;
	res_init(&r);
	line(&r, "hc:depth=1", "hc", "depth", 1, 100);
	line(&r, "hc:depth=2", "hc", "depth", 2, 99.5);	/* within 1% of the top: fitted */
	line(&r, "hc:depth=3", "hc", "depth", 3, 102);
	line(&r, "hc:depth=4", "hc", "depth", 4, 0)->status = RES_FAILED;
	res_derive(&r);
	assert_int_equal(sweep_find(&r, s, 1), 1);
	assert_int_equal(s[0].n, 3);
	assert_int_equal(s[0].nfit, 3);
	assert_null(s[0].reference);
	res_free(&r);
}

/* a noisy host: a later point well below the top but within its runs' spread is noise */
static void noise_is_no_drop(void **state)
{
	struct results r;
	struct sweep s[1];

	(void)state;
	res_init(&r);
	line_spread(&r, "p:n=0", "p", "n", 0, 10000, 4000);
	line_spread(&r, "p:n=4", "p", "n", 4, 14000, 4000);
	line_spread(&r, "p:n=8", "p", "n", 8, 11000, 4000);
	res_derive(&r);
	assert_int_equal(sweep_find(&r, s, 1), 1);
	assert_int_equal(s[0].nfit, 3);
	assert_true(s[0].slope_lo < 0 && s[0].slope_hi > 0);	/* it cannot tell */
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_line_and_a_drop),
		cmocka_unit_test(every_point_when_it_grows),
		cmocka_unit_test(noise_is_no_drop),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
