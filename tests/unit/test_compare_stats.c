// SPDX-License-Identifier: MIT
/* Before/after statistics, starting from the commit message that motivated exitbench. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "../../analysis/compare_stats.h"
#include "../../analysis/stats.h"

/* |a - b| <= tol in double (cmocka's assert_float_equal compares floats) */
#define assert_near(a, b, tol) near_((a), (b), (tol), #a, __FILE__, __LINE__)

static void near_(double a, double b, double tol, const char *what, const char *file, int line)
{
	if (!(fabs(a - b) <= tol))
		fail_msg("%s:%d: %s = %.17g, want %.17g +/- %g", file, line, what, a, b, tol);
}

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
 * Power of the two-sided t test (equal n a side, 2n-2 df) at effect size d, from the
 * noncentral t: P(|Z + d sqrt(n/2)| > c sqrt(V/df)), V chi-square(df), integrated over V.
 */
struct nct { double df, ncp, c; };

static double nct_integrand(double v, void *arg)
{
	const struct nct *p = arg;
	double s = sqrt(v / p->df);

	return gsl_ran_chisq_pdf(v, p->df) *
	       (gsl_cdf_ugaussian_Q(p->c * s - p->ncp) + gsl_cdf_ugaussian_P(-p->c * s - p->ncp));
}

static double t_power(double d, double n, double alpha)
{
	struct nct p = { 2 * n - 2, d * sqrt(n / 2), gsl_cdf_tdist_Qinv(alpha / 2, 2 * n - 2) };
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
	gsl_function f = { nct_integrand, &p };
	double r, e;

	gsl_integration_qagiu(&f, 0, 1e-12, 1e-10, 1000, w, &r, &e);
	gsl_integration_workspace_free(w);
	return r;
}

/* the exact figure: the smallest n a side whose power reaches `power` */
static double nct_runs(double d, double alpha, double power)
{
	double n = 2;

	while (t_power(d, n, alpha) < power)
		n++;
	return n;
}

/* the normal approximation's figure, for comparison */
static double normal_runs(double d, double alpha, double power)
{
	double z = gsl_cdf_ugaussian_Qinv(alpha / 2) + gsl_cdf_ugaussian_Qinv(1 - power);

	return fmax(2, ceil(2 * z * z / (d * d)));
}

/*
 * "Reading the PVR 10^6 times: 567.7 ms before, 575.5 ms after, averages of 6, sd about
 * 11 ms: only marginally significant." Done properly: +1.4%, interval about [-1.1%, +3.9%],
 * no difference proven, 33 runs a side to tell (32 by the normal approximation, one short).
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
	/* d = 7.8 / 11: the noncentral t's figure, one more than the normal approximation's */
	assert_near(r.effect_d, 7.8 / 11, 1e-12);
	assert_float_equal(r.runs_needed, nct_runs(7.8 / 11, 0.05, 0.8), 0);
	assert_float_equal(r.runs_needed, normal_runs(7.8 / 11, 0.05, 0.8) + 1, 0);
	assert_non_null(strstr(r.runs_needed_method, "Student's t, 2n-2 df"));
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
	assert_non_null(strstr(cmp_strerror(-EDOM), "both sides have zero variance"));
	/* a mean of 0 with spread: not "zero variance", but no percentage of 0 */
	assert_int_equal(cmp_compare(zero, 3, a, 3, &o, &r), -ENOTSUP);
	assert_non_null(strstr(cmp_strerror(-ENOTSUP), "mean is 0"));
	assert_non_null(strstr(cmp_strerror(-ENOTSUP), "percentage of 0 is undefined"));
	assert_null(strstr(cmp_strerror(-ENOTSUP), "variance"));
	/* ... and B's mean of 0 is fine: percentages are of A */
	assert_int_equal(cmp_compare(a, 3, zero, 3, &o, &r), 0);
	assert_float_equal(r.change_pct, -100, 1e-12);
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
	double small[] = { 13, 0.2 }, huge[] = { 1e256, 1e3 }, s_small[2], s_huge[2];
	double tight[] = { 100, 100 + 1e-9, 100 - 1e-9 }, wide[] = { 1, 1000, 1e6, 5 };
	double flat[] = { 1e5, 1e5 + 1e-6, 1e5 - 1e-6, 1e5 };
	double n1[] = { 1e5 + 1, 1e5 + 2, 1e5 + 3, 1e5 + 4 };
	double far_up[] = { 1e308, 1.7e308 }, far_down[] = { -1e308, -1.7e308 };
	struct cmp_opts o;
	struct cmp_result r, rs;

	(void)state;
	cmp_opts_default(&o);
	o.resamples = 200;
	/*
	 * Sums of squares past DBL_MAX (once -ERANGE): the moments are taken on the values over
	 * a power of 2, so the figures are those of the same values scaled down, scaled back
	 */
	for (int i = 0; i < 2; i++) {
		s_small[i] = ldexp(small[i], -800);
		s_huge[i] = ldexp(huge[i], -800);
	}
	assert_int_equal(cmp_compare(small, 2, huge, 2, &o, &r), 0);
	assert_int_equal(cmp_compare(s_small, 2, s_huge, 2, &o, &rs), 0);
	assert_near(r.mean_b / 1e256, (1 + 1e-253) / 2, 1e-15);
	assert_true(r.t == rs.t && r.df == rs.df && r.p_welch == rs.p_welch);
	assert_true(r.change_pct == rs.change_pct && r.ci_pct_lo == rs.ci_pct_lo);
	assert_true(r.diff_hi == ldexp(rs.diff_hi, 800) && r.sd_b == ldexp(rs.sd_b, 800));
	assert_int_equal(cmp_compare(huge, 2, small, 2, &o, &r), 0);
	assert_true(isfinite(r.diff_lo) && isfinite(r.df) && r.change_pct < 0);
	/* a difference past DBL_MAX is still out of range */
	assert_int_equal(cmp_compare(far_up, 2, far_down, 2, &o, &r), -ERANGE);
	assert_non_null(strstr(cmp_strerror(-ERANGE), "beyond the range of a double"));
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


/*
 * Values near 1e-100 (once refused as an overflow: the squares of their variances
 * underflowed): the same figures as the same values near 1, the units apart.
 */
static void tiny_values(void **state)
{
	static const double pa[] = { -1.3, -0.4, 0.1, 0.2, 0.5, 0.9, 1.7 };
	static const double pb[] = { 0.8, -1.1, 0.3, -0.2, 1.0, -0.6, 2.2, 0.4 };
	double a[7], b[8], ta[7], tb[8];
	struct cmp_opts o;
	struct cmp_result r, rt;

	(void)state;
	shaped(pa, 7, 5.9, 0.11, a);
	shaped(pb, 8, 6.2, 0.13, b);
	for (int i = 0; i < 8; i++) {
		if (i < 7)
			ta[i] = a[i] * 1e-100;
		tb[i] = b[i] * 1e-100;
	}
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 7, b, 8, &o, &r), 0);
	assert_int_equal(cmp_compare(ta, 7, tb, 8, &o, &rt), 0);
	assert_near(rt.mean_a / 1e-100, r.mean_a, 1e-12);
	assert_near(rt.diff / 1e-100, r.diff, 1e-12);
	assert_near(rt.df, r.df, 1e-9);
	assert_near(rt.p_welch, r.p_welch, 1e-12);
	assert_near(rt.change_pct, r.change_pct, 1e-9);
	assert_near(rt.ci_pct_lo, r.ci_pct_lo, 1e-9);
	assert_near(rt.effect_d, r.effect_d, 1e-9);
	assert_float_equal(rt.runs_needed, r.runs_needed, 0);
	assert_near(rt.median_ratio_lo, r.median_ratio_lo, 1e-12);
	assert_int_equal(rt.verdict, r.verdict);
}

/* Cohen's d over the pooled sd, weighted by n-1: unequal sizes tell it from the plain mean */
static void cohen_d_pooled(void **state)
{
	static const double pa[] = { -1.3, -0.4, 0.5, 1.2 };
	static const double pb[] = { 0.8, -1.1, 0.3, -0.2, 1.0, -0.6, 2.2, 0.4, -1.5, 0.1, -0.9, 0.7 };
	double a[4], b[12], pooled;
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	shaped(pa, 4, 100, 1, a);
	shaped(pb, 12, 103, 3, b);
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, 4, b, 12, &o, &r), 0);
	pooled = sqrt((3 * 1.0 + 11 * 9.0) / 14);
	assert_near(r.effect_d, 3 / pooled, 1e-12);
	/* not the unweighted sqrt((sd_a^2 + sd_b^2) / 2): 1.342 against 1.258 */
	assert_true(fabs(r.effect_d - 3 / sqrt(5.0)) > 0.05);
}

/*
 * Runs needed by Student's t, against the exact answer of the noncentral t: d = 1, 5%
 * two-sided, 80% power is the textbook 17 a side, where the normal approximation says 16.
 */
static void runs_needed_t(void **state)
{
	static const double ds[] = { 2, 1.5, 1, 0.5 };
	static const double p[] = { -1.5, -0.5, 0.5, 1.5 };
	double a[4], b[4];
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	cmp_opts_default(&o);
	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		double exact = nct_runs(ds[i], 0.05, 0.8);

		shaped(p, 4, 600, 2, a);
		shaped(p, 4, 600 + 2 * ds[i], 2, b);
		assert_int_equal(cmp_compare(a, 4, b, 4, &o, &r), 0);
		print_message("d %.1f: runs %.0f, noncentral t %.0f, normal %.0f\n", ds[i],
			      r.runs_needed, exact, normal_runs(ds[i], 0.05, 0.8));
		assert_float_equal(r.runs_needed, exact, 0);
		assert_true(r.runs_needed >= normal_runs(ds[i], 0.05, 0.8));
		assert_true(t_power(ds[i], r.runs_needed, 0.05) >= 0.8);
		assert_true(t_power(ds[i], r.runs_needed - 1, 0.05) < 0.8);
	}
	assert_float_equal(nct_runs(1, 0.05, 0.8), 17, 0);
	assert_float_equal(normal_runs(1, 0.05, 0.8), 16, 0);
}

/*
 * The exact U distribution however unbalanced the sides: 2 against 2000 (the normal
 * approximation says 0.259 where the exact p is 0.291), counted here pair by pair; and
 * 12 against 31, past the old limit of 60 values in all, by the recursion
 * N(u; m, n) = N(u - n; m - 1, n) + N(u; m, n - 1), in counts of splits.
 */
static double count_u(int u, int m, int n, double *memo, int stride_m, int stride_n)
{
	double *c;

	if (u < 0)
		return 0;
	if (m == 0 || n == 0)
		return u == 0;
	c = &memo[(size_t)u * stride_m * stride_n + (size_t)m * stride_n + (size_t)n];
	if (*c < 0)
		*c = count_u(u - n, m - 1, n, memo, stride_m, stride_n) +
		     count_u(u, m, n - 1, memo, stride_m, stride_n);
	return *c;
}

static void mann_whitney_unbalanced(void **state)
{
	double a[2000], b[2], u, p, le = 0, ge = 0, total = 0, mu, sigma, z;
	double a12[12], b31[31];
	int exact;

	(void)state;
	for (int i = 0; i < 2000; i++)
		a[i] = i + 0.5;
	b[0] = 78;		/* above 78 of A's values */
	b[1] = 1000;		/* above 1000 */
	p = cmp_mannwhitney_p(a, 2000, b, 2, &u, &exact);
	assert_float_equal(u, 1078, 0);
	assert_true(exact);
	/* every pair of ranks the two values of B could hold among 2002 */
	for (int r1 = 1; r1 <= 2002; r1++)
		for (int r2 = r1 + 1; r2 <= 2002; r2++) {
			double uu = r1 + r2 - 3;

			total++;
			le += uu <= u;
			ge += uu >= u;
		}
	assert_near(p, fmin(1, 2 * fmin(le, ge) / total), 1e-12);
	mu = 2000;
	sigma = sqrt(2.0 * 2000 / 12 * 2003);
	z = (fabs(u - mu) - 0.5) / sigma;
	print_message("2 vs 2000: exact p %.4f, the normal approximation's %.4f\n", p,
		      2 * gsl_cdf_ugaussian_Q(z));
	assert_float_equal(round(p * 1000) / 1000, 0.291, 1e-12);
	assert_float_equal(round(2 * gsl_cdf_ugaussian_Q(z) * 1000) / 1000, 0.259, 1e-12);

	for (int i = 0; i < 12; i++)
		a12[i] = 3.0 * i + 1.1;
	for (int i = 0; i < 31; i++)
		b31[i] = 1.3 * i + 0.05 * (i % 7);
	p = cmp_mannwhitney_p(a12, 12, b31, 31, &u, &exact);
	assert_true(exact);
	{
		int top = 12 * 31, uo = (int)u, lo = uo < top - uo ? uo : top - uo;
		double *memo = malloc((size_t)(top + 1) * 13 * 32 * sizeof(double)), cum = 0, all;

		for (size_t i = 0; i < (size_t)(top + 1) * 13 * 32; i++)
			memo[i] = -1;
		for (int k = 0; k <= lo; k++)
			cum += count_u(k, 12, 31, memo, 13, 32);
		all = gsl_sf_choose(43, 12);
		assert_near(p, fmin(1, 2 * cum / all), 1e-12);
		free(memo);
	}
	/* 40 against 40, where the double sums cancel most: a tail and the middle */
	{
		double x[40], y[40], *memo = malloc((size_t)1601 * 41 * 41 * sizeof(double));

		for (size_t i = 0; i < (size_t)1601 * 41 * 41; i++)
			memo[i] = -1;
		for (int shift = 0; shift <= 12; shift += 12) {
			double cum = 0;
			int lo;

			for (int i = 0; i < 40; i++) {
				x[i] = 2.0 * i;
				y[i] = 2.0 * i + 1 + (i < shift ? 0 : 30);
			}
			p = cmp_mannwhitney_p(x, 40, y, 40, &u, &exact);
			assert_true(exact);
			lo = (int)fmin(u, 1600 - u);
			for (int k = 0; k <= lo; k++)
				cum += count_u(k, 40, 40, memo, 41, 41);
			print_message("40 vs 40, U %.0f: exact p %.6g\n", u, p);
			assert_near(p / fmin(1, 2 * cum / gsl_sf_choose(80, 40)), 1, 1e-9);
		}
		free(memo);
	}
	/* ties: the normal approximation with the tie correction, said so */
	b[1] = a[7];
	cmp_mannwhitney_p(a, 2000, b, 2, &u, &exact);
	assert_false(exact);
}

/*
 * The ratio of medians' interval against the bootstrap done by hand (draw n values a side,
 * sort, take the medians' ratio) with other random numbers: equal within what 10,000
 * resamples can tell apart, one position of the sorted values either way.
 */
static void bootstrap_like_by_hand(void **state)
{
	size_t na = 41, nb = 40, reps = 20000;
	double a[41], b[40], ra[41], rb[40], *ratios = malloc(reps * sizeof(double)), lo, hi, step;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cmp_opts o;
	struct cmp_result r;

	(void)state;
	gsl_rng_set(rng, 99);
	for (size_t i = 0; i < na; i++)
		a[i] = 590 + 8 * gsl_ran_lognormal(rng, 0, 0.6);
	for (size_t i = 0; i < nb; i++)
		b[i] = 596 + 8 * gsl_ran_lognormal(rng, 0, 0.6);
	for (size_t s = 0; s < reps; s++) {
		for (size_t i = 0; i < na; i++)
			ra[i] = a[gsl_rng_uniform_int(rng, na)];
		for (size_t i = 0; i < nb; i++)
			rb[i] = b[gsl_rng_uniform_int(rng, nb)];
		qsort(ra, na, sizeof(double), stats_cmp_double);
		qsort(rb, nb, sizeof(double), stats_cmp_double);
		ratios[s] = stats_percentile_sorted(rb, nb, 50) / stats_percentile_sorted(ra, na, 50);
	}
	qsort(ratios, reps, sizeof(double), stats_cmp_double);
	lo = stats_percentile_sorted(ratios, reps, 2.5);
	hi = stats_percentile_sorted(ratios, reps, 97.5);
	cmp_opts_default(&o);
	assert_int_equal(cmp_compare(a, na, b, nb, &o, &r), 0);
	/* the spacing of the sorted values near the medians, as a ratio */
	qsort(a, na, sizeof(double), stats_cmp_double);
	step = (a[na / 2 + 2] - a[na / 2 - 2]) / 4 / r.median_a;
	print_message("median ratio %.5f: [%.5f, %.5f], by hand [%.5f, %.5f] (a step %.5f)\n",
		      r.median_ratio, r.median_ratio_lo, r.median_ratio_hi, lo, hi, step);
	assert_true(fabs(r.median_ratio_lo - lo) < step && fabs(r.median_ratio_hi - hi) < step);
	assert_non_null(strstr(r.bootstrap_method, "exact distribution"));
	free(ratios);
	gsl_rng_free(rng);
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
		cmocka_unit_test(tiny_values),
		cmocka_unit_test(cohen_d_pooled),
		cmocka_unit_test(runs_needed_t),
		cmocka_unit_test(mann_whitney_unbalanced),
		cmocka_unit_test(bootstrap_like_by_hand),
	};
	return cmocka_run_group_tests_name("compare_stats", tests, NULL, NULL);
}
