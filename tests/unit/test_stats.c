// SPDX-License-Identifier: MIT
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../analysis/stats.h"

/* 1..100: type-7 percentiles are 1 + 0.99 p */
static void percentiles_of_1_to_100(void **state)
{
	double v[100];
	struct stats_summary s;

	(void)state;
	for (int i = 0; i < 100; i++)
		v[99 - i] = i + 1;	/* reversed: summarize must sort */
	stats_summarize(v, 100, &s);
	assert_float_equal(s.p50, 50.5, 1e-12);
	assert_float_equal(s.median, 50.5, 1e-12);
	assert_float_equal(s.p1, 1.99, 1e-12);
	assert_float_equal(s.p5, 5.95, 1e-12);
	assert_float_equal(s.p95, 95.05, 1e-12);
	assert_float_equal(s.p99, 99.01, 1e-12);
	assert_float_equal(s.min, 1, 0);
	assert_float_equal(s.max, 100, 0);
	assert_float_equal(s.mean, 50.5, 1e-12);
	assert_true(v[0] == 100);	/* input untouched */
}

static void percentile_edges(void **state)
{
	double one[] = { 7 }, two[] = { 10, 20 };

	(void)state;
	assert_float_equal(stats_percentile_sorted(one, 1, 0), 7, 0);
	assert_float_equal(stats_percentile_sorted(one, 1, 99), 7, 0);
	assert_float_equal(stats_percentile_sorted(two, 2, 25), 12.5, 1e-12);
	assert_float_equal(stats_percentile_sorted(two, 2, 100), 20, 0);
	assert_true(isnan(stats_percentile_sorted(two, 0, 50)));
}

/* 1..5: mean 3, sd sqrt(2.5), 95% half-width t(0.975, 4) * sd / sqrt(5) = 1.963243 */
static void mean_interval(void **state)
{
	double v[] = { 1, 2, 3, 4, 5 };
	struct stats_summary s;

	(void)state;
	stats_summarize(v, 5, &s);
	assert_float_equal(s.sd, sqrt(2.5), 1e-12);
	assert_float_equal(s.ci_hi - s.mean, 2.776445105 * sqrt(2.5) / sqrt(5), 1e-6);
	assert_float_equal(s.mean - s.ci_lo, s.ci_hi - s.mean, 1e-12);
}

static void single_value_has_no_interval(void **state)
{
	double v[] = { 42 };
	struct stats_summary s;

	(void)state;
	stats_summarize(v, 1, &s);
	assert_float_equal(s.median, 42, 0);
	assert_true(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
	stats_summarize(v, 0, &s);
	assert_true(isnan(s.mean) && isnan(s.median));
}

/*
 * The seed commit's figures: n = 6 each, means 575.5 and 567.7, sd 11: difference 7.8,
 * se = 11 sqrt(2/6) = 6.3509, df = 10, t(0.975, 10) = 2.228139 -> [-6.35, 21.95].
 */
static void welch_of_the_seed_figures(void **state)
{
	struct stats_summary a = { .n = 6, .mean = 575.5, .sd = 11 };
	struct stats_summary b = { .n = 6, .mean = 567.7, .sd = 11 };
	double d, lo, hi;

	(void)state;
	assert_int_equal(stats_welch_diff(&a, &b, &d, &lo, &hi), 0);
	assert_float_equal(d, 7.8, 1e-9);
	assert_float_equal(hi - d, 2.228138852 * 11 * sqrt(2.0 / 6), 1e-5);
	assert_true(lo < 0 && hi > 0);	/* no difference proven */
	b.n = 1;
	assert_int_equal(stats_welch_diff(&a, &b, &d, &lo, &hi), -1);
}

static void welch_zero_variance_is_exact(void **state)
{
	struct stats_summary a = { .n = 3, .mean = 600, .sd = 0 };
	struct stats_summary b = { .n = 3, .mean = 1.6, .sd = 0 };
	double d, lo, hi;

	(void)state;
	assert_int_equal(stats_welch_diff(&a, &b, &d, &lo, &hi), 0);
	assert_float_equal(d, 598.4, 1e-9);
	assert_float_equal(lo, d, 0);
	assert_float_equal(hi, d, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_of_1_to_100),
		cmocka_unit_test(percentile_edges),
		cmocka_unit_test(mean_interval),
		cmocka_unit_test(single_value_has_no_interval),
		cmocka_unit_test(welch_of_the_seed_figures),
		cmocka_unit_test(welch_zero_variance_is_exact),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
