// SPDX-License-Identifier: MIT
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_rng.h>

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


/* values with many ties, both signs, zeros of both signs and far-apart magnitudes */
static void awkward_values(double *v, size_t n, gsl_rng *rng)
{
	static const double odd[] = { 0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 5e-324, 590.125 };

	for (size_t i = 0; i < n; i++) {
		double u = gsl_rng_uniform(rng);

		if (u < 0.1)
			v[i] = odd[gsl_rng_uniform_int(rng, 8)];
		else if (u < 0.5)
			v[i] = (double)gsl_rng_uniform_int(rng, 7) - 3;	/* ties */
		else
			v[i] = (gsl_rng_uniform(rng) - 0.3) * 1e3;
	}
}

/* the radix sort puts every value where qsort does */
static void sort_like_qsort(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 17, 511, 512, 513, 5000, 70000 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		double *v = malloc((n + 1) * sizeof(*v)), *w = malloc((n + 1) * sizeof(*w));

		awkward_values(v, n, rng);
		memcpy(w, v, n * sizeof(*v));
		stats_sort(v, n);
		qsort(w, n, sizeof(*w), stats_cmp_double);
		for (size_t i = 0; i < n; i++)
			if (!(v[i] == w[i]))	/* -0 and 0 are equal: either order is sorted */
				fail_msg("n %zu: [%zu] %g, qsort %g", n, i, v[i], w[i]);
		free(v);
		free(w);
	}
	gsl_rng_free(rng);
}

/* the median and every percentile by selection equal the figures of the sorted copy */
static void selection_equals_sorting(void **state)
{
	static const double ps[] = { 0, 0.1, 1, 2.5, 25, 50, 75, 97.5, 99, 100 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	for (size_t n = 1; n < 3000; n = n * 3 / 2 + 1) {
		double *v = malloc(n * sizeof(*v)), *sorted = malloc(n * sizeof(*v));
		double *tmp = malloc(n * sizeof(*v)), *work = malloc(n * sizeof(*v));

		awkward_values(v, n, rng);
		memcpy(sorted, v, n * sizeof(*v));
		qsort(sorted, n, sizeof(*sorted), stats_cmp_double);
		assert_true(stats_median(v, n, tmp) == stats_percentile_sorted(sorted, n, 50));
		for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
			memcpy(work, v, n * sizeof(*v));
			assert_true(stats_percentile(work, n, ps[i]) ==
				    stats_percentile_sorted(sorted, n, ps[i]));
		}
		for (size_t k = 0; k < n; k += n / 7 + 1) {
			memcpy(work, v, n * sizeof(*v));
			assert_true(stats_select(work, n, k) == sorted[k]);
		}
		free(v);
		free(sorted);
		free(tmp);
		free(work);
	}
	/* a sorted, a reversed and a constant input: no quadratic case, the same answers */
	{
		size_t n = 100001;
		double *v = malloc(n * sizeof(*v)), *tmp = malloc(n * sizeof(*v));

		for (size_t i = 0; i < n; i++)
			v[i] = (double)i;
		assert_float_equal(stats_median(v, n, tmp), 50000, 0);
		for (size_t i = 0; i < n; i++)
			v[i] = (double)(n - i);
		assert_float_equal(stats_median(v, n, tmp), 50001, 0);
		for (size_t i = 0; i < n; i++)
			v[i] = 7;
		assert_float_equal(stats_median(v, n, tmp), 7, 0);
		free(v);
		free(tmp);
	}
	gsl_rng_free(rng);
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
		cmocka_unit_test(sort_like_qsort),
		cmocka_unit_test(selection_equals_sorting),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
