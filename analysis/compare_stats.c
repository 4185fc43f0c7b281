// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "compare_stats.h"
#include "stats.h"

/* exact Mann-Whitney distribution up to this many values in all (counts fit in int64) */
#define MW_EXACT_MAX 60

void cmp_opts_default(struct cmp_opts *o)
{
	o->threshold_pct = 1.0;
	o->confidence = 0.95;
	o->power = 0.80;
	o->resamples = 10000;
	o->seed = 1;
}

static const char *const verdict_names[] = { "no-change", "regression", "improvement",
					     "inconclusive" };

const char *cmp_verdict_name(enum cmp_verdict v)
{
	return verdict_names[v];
}

int cmp_regressed(const struct cmp_result *r, const struct cmp_opts *o)
{
	return r->verdict == CMP_REGRESSION && r->change_pct > o->threshold_pct;
}

static void mean_sd(const double *v, size_t n, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*sd = sqrt(ss / (double)(n - 1));
}

/*
 * Number of arrangements giving each U for sizes m, n: the coefficients of the Gaussian
 * binomial [m+n choose m]_q, built as prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i).
 */
static int64_t *u_distribution(size_t m, size_t n)
{
	size_t top = m * n;
	int64_t *c = calloc(top + 1, sizeof(*c));

	if (!c)
		return NULL;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		for (size_t u = top; u >= n + i && u <= top; u--)
			c[u] -= c[u - (n + i)];
		for (size_t u = i; u <= top; u++)
			c[u] += c[u - i];
	}
	return c;
}

double cmp_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact)
{
	size_t n = na + nb, i, j;
	struct item { double v; int from_b; } *all = malloc(n * sizeof(*all));
	double rank_b = 0, ties = 0, mu, sigma, z, p;
	int any_tie = 0;

	if (!all)
		return NAN;
	for (i = 0; i < na; i++)
		all[i] = (struct item){ a[i], 0 };
	for (i = 0; i < nb; i++)
		all[na + i] = (struct item){ b[i], 1 };
	qsort(all, n, sizeof(*all), stats_cmp_double);	/* v is the first member */
	for (i = 0; i < n; i = j) {
		double midrank, t;

		for (j = i; j < n && all[j].v == all[i].v; j++)
			;
		midrank = (double)(i + 1 + j) / 2;	/* ranks i+1 .. j */
		t = (double)(j - i);
		if (t > 1) {
			any_tie = 1;
			ties += t * t * t - t;
		}
		for (size_t k = i; k < j; k++)
			if (all[k].from_b)
				rank_b += midrank;
	}
	free(all);
	*u = rank_b - (double)nb * (double)(nb + 1) / 2;
	*exact = 0;
	if (!any_tie && n <= MW_EXACT_MAX) {
		int64_t *c = u_distribution(na, nb);
		double total = 0, le = 0, ge = 0;
		size_t uo = (size_t)llround(*u);

		if (c) {
			for (size_t k = 0; k <= na * nb; k++) {
				total += (double)c[k];
				if (k <= uo)
					le += (double)c[k];
				if (k >= uo)
					ge += (double)c[k];
			}
			free(c);
			*exact = 1;
			p = 2 * fmin(le, ge) / total;
			return p > 1 ? 1 : p;
		}
	}
	/* normal approximation, tie-corrected variance, continuity correction */
	mu = (double)na * (double)nb / 2;
	sigma = sqrt((double)na * (double)nb / 12 *
		     ((double)(n + 1) - ties / ((double)n * (double)(n - 1))));
	if (!(sigma > 0))
		return 1;
	z = (fabs(*u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return 2 * gsl_cdf_ugaussian_Q(z);
}

/* percentile bootstrap of median(B*)/median(A*), each side resampled on its own */
static int bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb,
			   const struct cmp_opts *o, double *lo, double *hi)
{
	double *ra = malloc(na * sizeof(*ra)), *rb = malloc(nb * sizeof(*rb));
	double *tmp = malloc((na > nb ? na : nb) * sizeof(*tmp));
	double *ratios = malloc(o->resamples * sizeof(*ratios));
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t k = 0;
	int ret = 0;

	if (!ra || !rb || !tmp || !ratios || !rng) {
		ret = -ENOMEM;
		goto out;
	}
	gsl_rng_set(rng, o->seed);
	for (unsigned s = 0; s < o->resamples; s++) {
		double ma, mb;

		for (size_t i = 0; i < na; i++)
			ra[i] = a[gsl_rng_uniform_int(rng, na)];
		for (size_t i = 0; i < nb; i++)
			rb[i] = b[gsl_rng_uniform_int(rng, nb)];
		ma = stats_median(ra, na, tmp);
		mb = stats_median(rb, nb, tmp);
		if (ma != 0)
			ratios[k++] = mb / ma;
	}
	if (!k) {
		*lo = *hi = NAN;
		goto out;
	}
	qsort(ratios, k, sizeof(*ratios), stats_cmp_double);
	*lo = stats_percentile_sorted(ratios, k, (1 - o->confidence) / 2 * 100);
	*hi = stats_percentile_sorted(ratios, k, (1 + o->confidence) / 2 * 100);
out:
	free(ra);
	free(rb);
	free(tmp);
	free(ratios);
	if (rng)
		gsl_rng_free(rng);
	return ret;
}

/* runs a side for a difference delta: 2 (z_{1-a/2} + z_power)^2 s^2 / delta^2, at least 2 */
static double runs_for(double delta, double z, double sp2)
{
	if (delta == 0)
		return INFINITY;
	return fmax(2, ceil(2 * z * z * sp2 / (delta * delta)));
}

int cmp_compare(const double *a, size_t na, const double *b, size_t nb, const struct cmp_opts *o,
		struct cmp_result *r)
{
	double va, vb, se, q, za, zb, sp2, *tmp;
	int ret;

	if (!a || !b || na < 2 || nb < 2)
		return -EINVAL;
	for (size_t i = 0; i < na; i++)
		if (!isfinite(a[i]))
			return -EINVAL;
	for (size_t i = 0; i < nb; i++)
		if (!isfinite(b[i]))
			return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->na = na;
	r->nb = nb;
	mean_sd(a, na, &r->mean_a, &r->sd_a);
	mean_sd(b, nb, &r->mean_b, &r->sd_b);
	if ((r->sd_a == 0 && r->sd_b == 0) || r->mean_a == 0)
		return -EDOM;
	/* sums of squares past DBL_MAX: no statistic means anything there */
	if (!isfinite(r->mean_a) || !isfinite(r->mean_b) || !isfinite(r->sd_a) ||
	    !isfinite(r->sd_b))
		return -ERANGE;
	tmp = malloc((na > nb ? na : nb) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	r->median_a = stats_median(a, na, tmp);
	r->median_b = stats_median(b, nb, tmp);
	free(tmp);

	/* Welch: the interval ministat prints, without assuming equal variances */
	va = r->sd_a * r->sd_a / (double)na;
	vb = r->sd_b * r->sd_b / (double)nb;
	se = sqrt(va + vb);
	r->df = (va + vb) * (va + vb) / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	if (!(se > 0) || !isfinite(se) || !(r->df > 0) || !isfinite(r->df))
		return -ERANGE;
	r->diff = r->mean_b - r->mean_a;
	r->t = r->diff / se;
	r->p_welch = 2 * stats_t_Q(fabs(r->t), r->df);
	q = stats_t_Qinv((1 - o->confidence) / 2, r->df);
	r->diff_lo = r->diff - q * se;
	r->diff_hi = r->diff + q * se;
	r->change_pct = r->diff / fabs(r->mean_a) * 100;
	r->ci_pct_lo = r->diff_lo / fabs(r->mean_a) * 100;
	r->ci_pct_hi = r->diff_hi / fabs(r->mean_a) * 100;

	r->p_mannwhitney = cmp_mannwhitney_p(a, na, b, nb, &r->u, &r->mw_exact);

	r->median_ratio = r->median_a != 0 ? r->median_b / r->median_a : NAN;
	r->median_ratio_lo = r->median_ratio_hi = NAN;
	if (r->median_a != 0 && (ret = bootstrap_ratio(a, na, b, nb, o, &r->median_ratio_lo,
						       &r->median_ratio_hi)))
		return ret;

	/* power: normal approximation, n = 2 (z_{1-a/2} + z_power)^2 s^2 / delta^2 a side */
	za = gsl_cdf_ugaussian_Pinv(1 - (1 - o->confidence) / 2);
	zb = gsl_cdf_ugaussian_Pinv(o->power);
	sp2 = (r->sd_a * r->sd_a + r->sd_b * r->sd_b) / 2;
	r->effect_d = r->diff / sqrt(sp2);
	r->mde_pct = (za + zb) * se / fabs(r->mean_a) * 100;
	r->runs_needed = runs_for(r->diff, za + zb, sp2);
	r->runs_needed_threshold = runs_for(o->threshold_pct / 100 * fabs(r->mean_a), za + zb, sp2);

	if (r->ci_pct_lo > 0)
		r->verdict = CMP_REGRESSION;
	else if (r->ci_pct_hi < 0)
		r->verdict = CMP_IMPROVEMENT;
	else if (r->ci_pct_lo >= -o->threshold_pct && r->ci_pct_hi <= o->threshold_pct)
		r->verdict = CMP_NO_CHANGE;
	else
		r->verdict = CMP_INCONCLUSIVE;
	return 0;
}

int cmp_ministat_line(const struct cmp_result *r, const struct cmp_opts *o, char *buf, size_t len)
{
	double hw = (r->diff_hi - r->diff_lo) / 2, hwp = (r->ci_pct_hi - r->ci_pct_lo) / 2;

	if (r->ci_pct_lo <= 0 && r->ci_pct_hi >= 0)
		return snprintf(buf, len, "No difference proven at %.1f%% confidence "
				"(%+.4g +/- %.4g, %+.3f%% +/- %.3f%%)", o->confidence * 100, r->diff, hw,
				r->change_pct, hwp);
	return snprintf(buf, len, "Difference at %.1f%% confidence: %+.4g +/- %.4g (%+.3f%% +/- %.3f%%)",
			o->confidence * 100, r->diff, hw, r->change_pct, hwp);
}
