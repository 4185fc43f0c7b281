// SPDX-License-Identifier: MIT
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "stats.h"

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_percentile_sorted(const double *sorted, size_t n, double p)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double stats_median(const double *v, size_t n, double *tmp)
{
	memcpy(tmp, v, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), stats_cmp_double);
	return stats_percentile_sorted(tmp, n, 50);
}

/*
 * Student's t beyond a million degrees of freedom is the normal to six digits, and GSL's
 * t routines are not safe there: Qinv returns garbage from about 1e16 and Q aborts on
 * overflow in lnbeta. NaN for df that is not positive.
 */
#define STATS_T_NORMAL_DF 1e6

double stats_t_Qinv(double p, double df)
{
	if (!(df > 0) || !(p > 0 && p < 1))
		return NAN;
	return df > STATS_T_NORMAL_DF ? gsl_cdf_ugaussian_Qinv(p) : gsl_cdf_tdist_Qinv(p, df);
}

double stats_t_Q(double t, double df)
{
	if (!(df > 0) || isnan(t))
		return NAN;
	return df > STATS_T_NORMAL_DF ? gsl_cdf_ugaussian_Q(t) : gsl_cdf_tdist_Q(t, df);
}

double stats_t95_halfwidth(double se, double df)
{
	if (!isfinite(se))
		return NAN;
	return stats_t_Qinv(0.025, df) * se;
}

void stats_summarize(const double *v, size_t n, struct stats_summary *s)
{
	double *sorted, sum = 0, ss = 0;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->mean = s->sd = s->min = s->max = s->ci_lo = s->ci_hi = NAN;
	s->median = s->p1 = s->p5 = s->p50 = s->p95 = s->p99 = NAN;
	if (n == 0)
		return;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return;
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), stats_cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->median = s->p50 = stats_percentile_sorted(sorted, n, 50);
	s->p1 = stats_percentile_sorted(sorted, n, 1);
	s->p5 = stats_percentile_sorted(sorted, n, 5);
	s->p95 = stats_percentile_sorted(sorted, n, 95);
	s->p99 = stats_percentile_sorted(sorted, n, 99);
	if (n >= 2) {
		double hw;

		s->sd = sqrt(ss / (double)(n - 1));
		hw = stats_t95_halfwidth(s->sd / sqrt((double)n), (double)(n - 1));
		s->ci_lo = s->mean - hw;
		s->ci_hi = s->mean + hw;
	}
	free(sorted);
}

int stats_welch_diff(const struct stats_summary *a, const struct stats_summary *b,
		     double *diff, double *lo, double *hi)
{
	double va, vb, se, df, hw;

	if (a->n < 2 || b->n < 2)
		return -1;
	va = a->sd * a->sd / (double)a->n;
	vb = b->sd * b->sd / (double)b->n;
	se = sqrt(va + vb);
	*diff = a->mean - b->mean;
	if (se == 0) {
		*lo = *hi = *diff;	/* no spread on either side: the difference is exact */
		return 0;
	}
	df = (va + vb) * (va + vb) /
	     (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	hw = stats_t95_halfwidth(se, df);
	*lo = *diff - hw;
	*hi = *diff + hw;
	return 0;
}
