// SPDX-License-Identifier: MIT
/* Before/after statistics, starting from the commit message that motivated exitbench. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>

#include "../../analysis/compare_stats.h"
#include "../../analysis/stats.h"

/* n values with exactly the given mean and sample sd, from a fixed lopsided pattern */
static void shaped(const double *pattern, size_t n, double mean, double sd, double *out)
{
	double m = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		m += pattern[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (pattern[i] - m) * (pattern[i] - m);
	for (size_t i = 0; i < n; i++)
		out[i] = mean + sd * (pattern[i] - m) / sqrt(ss / (double)(n - 1));
}

/*
 * "Reading the PVR 10^6 times: 567.7 ms before, 575.5 ms after, averages of 6, sd about
 * 11 ms: only marginally significant." Done properly: +1.4%, interval about [-1.1%, +3.9%],
 * no difference proven, ~32 runs a side to tell.
 */
static void the_seed_commit(void **state)
{
	static const double pa[] = { -1.3, -0.4, 0.1, 0.2, 0.5, 0.9 };
	static const double pb[] = { 0.8, -1.1, 0.3, -0.2, 1.0, -0.6 };
	double a[6], b[6], hw;
	struct cmp_opts o;
	struct cmp_result r;
	char line[256];

	(void)state;
	shaped(pa, 6, 567.7, 11, a);
	shaped(pb, 6, 575.5, 11, b);
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 6, b, 6, &o, &r), 0);
	print_message("seed: change %+.3f%%, 95%% interval [%+.3f%%, %+.3f%%], Welch p %.4f (t %.3f, df %.2f), "
		      "M-W p %.4f%s, median ratio %.4f [%.4f, %.4f], d %.3f, runs needed %.0f, "
		      "at the 1%% threshold %.0f, detectable now %.2f%%, verdict %s\n",
		      r.change_pct, r.ci_pct_lo, r.ci_pct_hi, r.p_welch, r.t, r.df, r.p_mannwhitney,
		      r.mw_exact ? " (exact)" : "", r.median_ratio, r.median_ratio_lo, r.median_ratio_hi,
		      r.effect_d, r.runs_needed, r.runs_needed_threshold, r.mde_pct,
		      cmp_verdict_name(r.verdict));
	assert_float_equal(r.mean_a, 567.7, 1e-9);
	assert_float_equal(r.sd_b, 11, 1e-9);
	assert_float_equal(r.change_pct, 7.8 / 567.7 * 100, 1e-9);
	/* the interval, independently: equal n and sd make Welch's df exactly 10 */
	hw = gsl_cdf_tdist_Qinv(0.025, 10) * 11 * sqrt(2.0 / 6);
	assert_float_equal(r.df, 10, 1e-9);
	assert_float_equal(r.ci_pct_lo, (7.8 - hw) / 567.7 * 100, 1e-9);
	assert_float_equal(r.ci_pct_hi, (7.8 + hw) / 567.7 * 100, 1e-9);
	assert_float_equal(round(r.ci_pct_lo * 10) / 10, -1.1, 1e-9);
	assert_float_equal(round(r.ci_pct_hi * 10) / 10, 3.9, 1e-9);
	assert_true(r.p_welch > 0.24 && r.p_welch < 0.26);
	assert_float_equal(r.runs_needed, 32, 0);
	assert_int_equal(r.verdict, CMP_INCONCLUSIVE);
	assert_int_not_equal(r.verdict, CMP_REGRESSION);
	assert_int_equal(cmp_regressed(&r, &o), 0);
	cmp_ministat_line(&r, &o, line, sizeof(line));
	assert_non_null(strstr(line, "No difference proven at 95.0% confidence"));
	/* the same figures with n = 32 a side would have told */
}

static void a_against_itself(void **state)
{
	double a[] = { 600.1, 600.5, 599.8, 600.2, 600.0, 600.4 };
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 6, a, 6, &o, &r), 0);
	assert_float_equal(r.change_pct, 0, 0);
	assert_int_equal(r.verdict, CMP_NO_CHANGE);
	assert_float_equal(r.p_welch, 1, 1e-12);
	assert_float_equal(r.median_ratio, 1, 0);
	assert_true(isinf(r.runs_needed));
}

static void shifts(void **state)
{
	double a[10], b[10], c[10];
	struct cmp_opts o;
	struct cmp_result r;
	char line[256];

	(void)state;
	for (int i = 0; i < 10; i++) {
		a[i] = 600 + 0.1 * ((i * 7) % 10);
		b[i] = a[i] * 1.05 + 0.03 * ((i * 3) % 10);	/* +5%: beyond 1% */
		c[i] = a[i] + 0.51 + 0.02 * ((i * 3) % 10);	/* +0.09%: proven, below 1% */
	}
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 10, b, 10, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_REGRESSION);
	assert_true(r.ci_pct_lo > 0);
	assert_true(cmp_regressed(&r, &o));
	assert_true(r.p_welch < 1e-6);
	assert_float_equal(r.p_mannwhitney, 2.0 / 184756, 1e-12);	/* complete separation, C(20,10) */
	cmp_ministat_line(&r, &o, line, sizeof(line));
	assert_non_null(strstr(line, "Difference at 95.0% confidence: +"));

	assert_int_equal(cmp_compare(a, 10, c, 10, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_REGRESSION);	/* one instruction more is still more */
	assert_false(cmp_regressed(&r, &o));		/* ... but not beyond the threshold */
	o.threshold_pct = 0.05;
	assert_true(cmp_regressed(&r, &o));

	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(b, 10, a, 10, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_IMPROVEMENT);
	assert_true(r.ci_pct_hi < 0);
	assert_false(cmp_regressed(&r, &o));
}

/* exact U distribution against brute-force enumeration of every split */
static double brute_p(const double *a, size_t na, const double *b, size_t nb)
{
	double all[16], u_obs = 0;
	size_t n = na + nb;
	double le = 0, ge = 0, total = 0;

	memcpy(all, a, na * sizeof(double));
	memcpy(all + na, b, nb * sizeof(double));
	for (size_t i = 0; i < nb; i++)
		for (size_t j = 0; j < na; j++)
			u_obs += b[i] > a[j];
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		double u = 0;

		if ((size_t)__builtin_popcount(mask) != nb)
			continue;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				if ((mask >> i & 1) && !(mask >> j & 1))
					u += all[i] > all[j];
		total++;
		le += u <= u_obs;
		ge += u >= u_obs;
	}
	return fmin(1, 2 * fmin(le, ge) / total);
}

static void mann_whitney(void **state)
{
	double a5[] = { 1, 2, 3, 4, 5 }, b5[] = { 6, 7, 8, 9, 10 };
	double a[] = { 3.1, 4.7, 1.2, 9.9, 5.5, 2.8 }, b[] = { 6.1, 4.9, 8.8, 7.2, 3.3, 10.4, 5.9 };
	double u, p;
	int exact;

	(void)state;
	p = cmp_mannwhitney_p(a5, 5, b5, 5, &u, &exact);
	assert_true(exact);
	assert_float_equal(u, 25, 0);
	assert_float_equal(p, 2.0 / 252, 1e-12);
	p = cmp_mannwhitney_p(a, 6, b, 7, &u, &exact);
	assert_true(exact);
	assert_float_equal(p, brute_p(a, 6, b, 7), 1e-12);
	p = cmp_mannwhitney_p(b, 7, a, 6, &u, &exact);
	assert_float_equal(p, brute_p(b, 7, a, 6), 1e-12);
	/* ties: normal approximation, and identical samples are not different at all */
	p = cmp_mannwhitney_p(a5, 5, a5, 5, &u, &exact);
	assert_false(exact);
	assert_float_equal(p, 1, 1e-12);
	{
		double ta[40], tb[40];

		for (int i = 0; i < 40; i++) {
			ta[i] = i % 8;
			tb[i] = i % 8 + (i % 3 == 0);
		}
		p = cmp_mannwhitney_p(ta, 40, tb, 40, &u, &exact);
		assert_false(exact);
		assert_true(p > 0 && p < 1);
	}
}

static void bootstrap_and_power(void **state)
{
	double a[8] = { 10, 11, 9.5, 10.2, 10.8, 9.9, 10.1, 10.4 }, b[8], big_a[64], big_b[64];
	struct cmp_opts o;
	struct cmp_result r1, r2, r3;

	(void)state;
	for (int i = 0; i < 8; i++)
		b[i] = a[(i * 3) % 8] * 1.03;
	for (int i = 0; i < 64; i++) {
		big_a[i] = a[i % 8];
		big_b[i] = b[i % 8];
	}
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 8, b, 8, &o, &r1), 0);
	assert_int_equal(cmp_compare(a, 8, b, 8, &o, &r2), 0);
	assert_true(r1.median_ratio_lo == r2.median_ratio_lo && r1.median_ratio_hi == r2.median_ratio_hi);
	assert_true(r1.median_ratio_lo <= r1.median_ratio && r1.median_ratio <= r1.median_ratio_hi);
	assert_true(r1.median_ratio_lo < r1.median_ratio_hi);
	assert_int_equal(cmp_compare(big_a, 64, big_b, 64, &o, &r3), 0);
	assert_true(r3.mde_pct < r1.mde_pct);		/* more runs, smaller detectable change */
	assert_true(r1.runs_needed_threshold > r1.runs_needed);	/* 1% is harder than 3% */
}

static void bad_input(void **state)
{
	double a[] = { 1, 2, 3 }, same[] = { 5, 5, 5 }, other[] = { 6, 6, 6 }, zero[] = { -1, 0, 1 };
	double nan_[] = { 1, NAN, 3 }, inf_[] = { 1, INFINITY, 3 };
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 1, a, 3, &o, &r), -EINVAL);
	assert_int_equal(cmp_compare(a, 3, a, 1, &o, &r), -EINVAL);
	assert_int_equal(cmp_compare(nan_, 3, a, 3, &o, &r), -EINVAL);
	assert_int_equal(cmp_compare(a, 3, inf_, 3, &o, &r), -EINVAL);
	assert_int_equal(cmp_compare(same, 3, other, 3, &o, &r), -EDOM);
	assert_int_equal(cmp_compare(zero, 3, a, 3, &o, &r), -EDOM);	/* mean 0: no percentages */
	/* one side without spread is fine */
	assert_int_equal(cmp_compare(same, 3, a, 3, &o, &r), 0);
	assert_float_equal(r.df, 2, 1e-12);
}

/*
 * Inputs libFuzzer found: a variance past DBL_MAX made df NaN, and GSL's t routines abort
 * (or answer garbage) for df beyond ~1e16. One side's spread tiny against the other's gives
 * such a df legitimately; there the t is the normal.
 */
static void extreme_values(void **state)
{
	double small[] = { 13, 0.2 }, huge[] = { 1e256, 1e3 };
	double tight[] = { 100, 100 + 1e-9, 100 - 1e-9 }, wide[] = { 1, 1000, 1e6, 5 };
	double flat[] = { 1e5, 1e5 + 1e-6, 1e5 - 1e-6, 1e5 };
	double n1[] = { 1e5 + 1, 1e5 + 2, 1e5 + 3, 1e5 + 4 };
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	cmp_opts_default(&o);
	o.resamples = 200;
	assert_int_equal(cmp_compare(small, 2, huge, 2, &o, &r), -ERANGE);
	assert_int_equal(cmp_compare(huge, 2, small, 2, &o, &r), -ERANGE);
	assert_int_equal(cmp_compare(tight, 3, wide, 4, &o, &r), 0);
	assert_true(isfinite(r.diff_lo) && isfinite(r.diff_hi) && isfinite(r.p_welch));

	/* the t quantile follows the normal smoothly past the switch at 1e6 df */
	assert_float_equal(stats_t_Qinv(0.025, 1e6), gsl_cdf_ugaussian_Qinv(0.025), 1e-5);
	assert_float_equal(stats_t_Qinv(0.025, 1e17), gsl_cdf_ugaussian_Qinv(0.025), 1e-12);
	assert_float_equal(stats_t_Q(1.0, 1e300), gsl_cdf_ugaussian_Q(1.0), 1e-12);
	assert_true(isnan(stats_t_Qinv(0.025, 0)) && isnan(stats_t_Qinv(0.025, NAN)));

	/* sd 8e-7 against sd 1.3: df near 3, interval from t(3), not the normal */
	assert_int_equal(cmp_compare(flat, 4, n1, 4, &o, &r), 0);
	assert_true(r.df > 2.9 && r.df < 3.1);
	assert_float_equal(r.diff_hi - r.diff, gsl_cdf_tdist_Qinv(0.025, r.df) * r.sd_b / 2, 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_seed_commit),
		cmocka_unit_test(a_against_itself),
		cmocka_unit_test(shifts),
		cmocka_unit_test(mann_whitney),
		cmocka_unit_test(bootstrap_and_power),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(extreme_values),
	};
	return cmocka_run_group_tests_name("compare_stats", tests, NULL, NULL);
}
