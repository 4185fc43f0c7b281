// SPDX-License-Identifier: MIT
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
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

/*
 * Every resample of 1..n (n^n of them, equally likely): where its k-th and k+1-th order
 * statistics fall. P(the k-th at j), P(the k+1-th above | the k-th at j) and P(the k+1-th
 * right above | above) against stats_bootmed's tables.
 */
static void bootmed_tables_by_enumeration(size_t n)
{
	size_t total = 1, k = n % 2 ? (n + 1) / 2 : n / 2, idx[8];
	double at[8] = { 0 }, above[8] = { 0 }, one[8] = { 0 }, x[8];
	struct stats_bootmed b;

	for (size_t i = 0; i < n; i++) {
		total *= n;
		x[i] = (double)i + 1;
	}
	assert_int_equal(stats_bootmed_init(&b, x, n), 0);
	assert_int_equal(b.lo, 0);
	assert_int_equal(b.w, n);	/* a small n: every position */
	for (size_t r = 0; r < total; r++) {
		size_t count[8] = { 0 }, c = 0, jk = 0, jk1 = 0, q = r;

		for (size_t i = 0; i < n; i++, q /= n)
			idx[i] = q % n;
		for (size_t i = 0; i < n; i++)
			count[idx[i]]++;
		for (size_t j = 0; j < n; j++) {
			if (c < k && c + count[j] >= k)
				jk = j;
			if (c < k + 1 && c + count[j] >= k + 1)
				jk1 = j;
			c += count[j];
		}
		at[jk]++;
		if (jk1 > jk) {
			above[jk]++;
			one[jk] += jk1 == jk + 1;
		}
	}
	for (size_t j = 0, cum = 0; j < n; j++) {
		cum += (size_t)at[j];
		assert_float_equal(b.cdf[j], (double)cum / (double)total, 1e-12);
		if (b.next && at[j] > 0)
			assert_float_equal(b.next[j], above[j] / at[j], 1e-12);
		if (b.next && above[j] > 0)
			assert_float_equal(b.one[j], one[j] / above[j], 1e-12);
	}
	stats_bootmed_free(&b);
}

/*
 * P(the k-th at j): the Beta(k, n-k+1) density over ((j-1)/n, j/n], by a 2000-point midpoint
 * rule in long double (GSL's binomial cdf at j and j-1 cancel to 1e-8 at n = 1e5)
 */
static double at_position(size_t n, size_t k, size_t j)
{
	long double c = lgammal((long double)n + 1) - lgammal((long double)k) -
			lgammal((long double)(n - k + 1)), s = 0, a = ((long double)j - 1) / n;

	for (int i = 0; i < 2000; i++) {
		long double x = a + (i + 0.5L) / 2000 / n;

		s += expl(c + (long double)(k - 1) * logl(x) + (long double)(n - k) * log1pl(-x));
	}
	return (double)(s / 2000 / n);
}

/*
 * Larger n, where the tables come from 4 or 2 Gauss-Legendre points a position, against
 * GSL's binomial: P(the k-th at or below j) = P(N(j) >= k), N(j) ~ binomial(n, j/n), and
 * P(above | at j) = P(N(j) = k) (1 - (1 - 1/j)^k) / P(the k-th at j).
 */
static void bootmed_tables_by_binomial(size_t n)
{
	size_t k = n % 2 ? (n + 1) / 2 : n / 2;
	double *x = malloc(n * sizeof(*x)), below;
	struct stats_bootmed b;

	for (size_t i = 0; i < n; i++)
		x[i] = (double)i;
	assert_int_equal(stats_bootmed_init(&b, x, n), 0);
	/* what lies below the kept positions is negligible */
	below = gsl_cdf_binomial_Q((unsigned)k - 1, (double)b.lo / (double)n, (unsigned)n);
	assert_true(b.lo == 0 || below < 1e-15);
	for (size_t i = 0; i < b.w; i++) {
		size_t j = b.lo + 1 + i;
		double cdf = gsl_cdf_binomial_Q((unsigned)k - 1, (double)j / (double)n, (unsigned)n);

		if (fabs(b.cdf[i] - cdf) > 1e-10 + below)
			fail_msg("n %zu, position %zu: cdf %.15g, binomial %.15g", n, j, b.cdf[i], cdf);
		if (b.next && i % 37 == 0) {
			double at = at_position(n, k, j);
			double up = gsl_ran_binomial_pdf((unsigned)k, (double)j / (double)n, (unsigned)n) *
				    -expm1((double)k * log1p(-1 / (double)j));

			if (at > 1e-9 && fabs(b.next[i] - up / at) > 1e-9)
				fail_msg("n %zu, position %zu: next %.12g, binomial %.12g", n, j,
					 b.next[i], up / at);
		}
	}
	stats_bootmed_free(&b);
	free(x);
}

/* the exact distribution of a resample's median: the tables, then the draws */
static void bootstrap_median_exact(void **state)
{
	static const double x[] = { 1, 2, 2, 3, 5, 8, 13, 21, 34, 55 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937), *rng2 = gsl_rng_alloc(gsl_rng_mt19937);
	size_t draws = 50000, n = sizeof(x) / sizeof(x[0]);
	double *mine = malloc(draws * sizeof(double)), *naive = malloc(draws * sizeof(double));
	double resample[10], ks = 0;
	struct stats_bootmed b;

	(void)state;
	for (size_t m = 1; m <= 7; m++)
		bootmed_tables_by_enumeration(m);
	bootmed_tables_by_binomial(65);
	bootmed_tables_by_binomial(100);
	bootmed_tables_by_binomial(10000);
	bootmed_tables_by_binomial(16385);
	bootmed_tables_by_binomial(100000);
	/* the draws against drawing 10 values and taking their median: two-sample KS */
	gsl_rng_set(rng2, 7);
	assert_int_equal(stats_bootmed_init(&b, x, n), 0);
	for (size_t i = 0; i < draws; i++) {
		mine[i] = stats_bootmed_draw(&b, rng);
		for (size_t j = 0; j < n; j++)
			resample[j] = x[gsl_rng_uniform_int(rng2, n)];
		qsort(resample, n, sizeof(double), stats_cmp_double);
		naive[i] = stats_percentile_sorted(resample, n, 50);
	}
	qsort(mine, draws, sizeof(double), stats_cmp_double);
	qsort(naive, draws, sizeof(double), stats_cmp_double);
	for (size_t i = 0, j = 0; i < draws || j < draws;) {
		double v = j == draws || (i < draws && mine[i] <= naive[j]) ? mine[i] : naive[j];

		while (i < draws && mine[i] == v)
			i++;
		while (j < draws && naive[j] == v)
			j++;
		ks = fmax(ks, fabs((double)i - (double)j) / (double)draws);
	}
	/* 2.76 sqrt(2 / 50000): a false alarm once in a million seeds */
	print_message("KS distance of the exact draws from the naive bootstrap: %.4f\n", ks);
	assert_true(ks < 0.0175);
	stats_bootmed_free(&b);
	free(mine);
	free(naive);
	gsl_rng_free(rng);
	gsl_rng_free(rng2);
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
		cmocka_unit_test(bootstrap_median_exact),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
