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

static const char bootstrap_method[] =
	"percentile bootstrap; each resample's median drawn from its exact distribution over "
	"the sorted values (no histogram, no resolution limit)";
static const char runs_method[] =
	"Student's t, 2n-2 df: the smallest n with n >= 2 (t(1-alpha/2) + t(power))^2 s^2 / "
	"delta^2, s^2 the mean of the two variances";

void cmp_opts_default(struct cmp_opts *o)
{
	memset(o, 0, sizeof(*o));
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

const char *cmp_strerror(int ret)
{
	switch (ret) {
	case -EDOM:
		return "no spread: both sides have zero variance (identical values), so a "
		       "difference cannot be judged; are these really repeated runs?";
	case -ENOTSUP:
		return "the first side's mean is 0, and a change as a percentage of 0 is "
		       "undefined; shift or rescale the values (e.g. give times, not deviations)";
	case -ERANGE:
		return "a mean, spread or difference beyond the range of a double (about "
		       "1.8e308); check the units";
	case -ENOMEM:
		return "out of memory";
	default:
		return "fewer than 2 values on a side (a comparison needs repeated runs)";
	}
}

static void tell(const struct cmp_opts *o, const char *step, double done)
{
	if (o->progress)
		o->progress(o->progress_arg, step, done);
}

static int constant(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

/* mean and sd of v[n] * scale: a power of 2, exact, keeping the sums of squares in range */
static void mean_sd(const double *v, size_t n, double scale, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		s += v[i] * scale;
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] * scale - *mean) * (v[i] * scale - *mean);
	*sd = constant(v, n) ? 0 : sqrt(ss / (double)(n - 1));
}

/*
 * P(U <= top) for sizes m <= n, no ties: the coefficients of the Gaussian binomial
 * [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i) up to q^top, over C(m+n, m).
 * In doubles: dividing by (1 - q^i) first keeps every term positive; the subtraction that
 * follows leaves the coefficients of a Gaussian binomial, positive again. O(m top).
 */
static double u_lower_tail(size_t m, size_t n, size_t top)
{
	double *c = calloc(top + 1, sizeof(*c)), le = 0, total = 1;

	if (!c)
		return NAN;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		for (size_t u = i; u <= top; u++)
			c[u] += c[u - i];
		for (size_t u = top; u >= n + i && u <= top; u--)
			c[u] -= c[u - (n + i)];
		total = total * (double)(n + i) / (double)i;
	}
	for (size_t u = 0; u <= top; u++)
		le += c[u];
	free(c);
	return le / total;
}

/* Mann-Whitney on sorted sides: U of B by a merge with midranks; see cmp_mannwhitney_p */
static double mannwhitney_sorted(const double *a, size_t na, const double *b, size_t nb,
				 double *u, int *exact)
{
	double rank_b = 0, ties = 0, pos = 0, mu, sigma, z;
	size_t i = 0, j = 0, n = na + nb, m = na < nb ? na : nb, big = na < nb ? nb : na;

	while (i < na || j < nb) {
		double v = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j], t;
		size_t ca = 0, cb = 0;

		for (; i < na && a[i] == v; i++)
			ca++;
		for (; j < nb && b[j] == v; j++)
			cb++;
		t = (double)(ca + cb);
		if (t > 1)
			ties += t * t * t - t;
		rank_b += (double)cb * (pos + (t + 1) / 2);	/* midrank of ranks pos+1 .. pos+t */
		pos += t;
	}
	*u = rank_b - (double)nb * (double)(nb + 1) / 2;
	*exact = 0;
	if (ties == 0 && (double)m * (double)m * (double)big <= CMP_MW_EXACT_WORK) {
		/* U is symmetric about m n / 2: the lower tail of the nearer side, doubled */
		size_t uo = (size_t)llround(*u), top = uo < m * big - uo ? uo : m * big - uo;
		double p = 2 * u_lower_tail(m, big, top);

		if (!isnan(p)) {
			*exact = 1;
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

/* copies of a and b, each sorted; NULL (nothing to free) when memory is short */
static double *sorted_copy(const double *v, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (s) {
		memcpy(s, v, n * sizeof(*s));
		stats_sort(s, n);
	}
	return s;
}

double cmp_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact)
{
	double *sa = sorted_copy(a, na), *sb = sorted_copy(b, nb), p = NAN;

	*u = NAN;
	*exact = 0;
	if (sa && sb)
		p = mannwhitney_sorted(sa, na, sb, nb, u, exact);
	free(sa);
	free(sb);
	return p;
}

/*
 * Percentile bootstrap of median(B*)/median(A*), each side resampled on its own: a
 * resample's median is drawn from its exact distribution (stats_bootmed), the same in law as
 * drawing n values and taking their median, in O(1) instead of O(n) a resample.
 */
static int bootstrap_ratio(const double *sa, size_t na, const double *sb, size_t nb,
			   const struct cmp_opts *o, double *lo, double *hi)
{
	double *ratios = malloc(o->resamples * sizeof(*ratios));
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct stats_bootmed ba = { 0 }, bb = { 0 };
	unsigned tenth = o->resamples / 10 ? o->resamples / 10 : 1;
	size_t k = 0;
	int ret = -ENOMEM;

	if (!ratios || !rng || stats_bootmed_init(&ba, sa, na) || stats_bootmed_init(&bb, sb, nb))
		goto out;
	ret = 0;
	gsl_rng_set(rng, o->seed);
	for (unsigned s = 0; s < o->resamples; s++) {
		double ma = stats_bootmed_draw(&ba, rng), mb = stats_bootmed_draw(&bb, rng);

		if (ma != 0)
			ratios[k++] = mb / ma;
		if (s % tenth == 0)
			tell(o, "bootstrap of the ratio of medians", (double)s / o->resamples);
	}
	if (!k) {
		*lo = *hi = NAN;
		goto out;
	}
	*lo = stats_percentile(ratios, k, (1 - o->confidence) / 2 * 100);
	*hi = stats_percentile(ratios, k, (1 + o->confidence) / 2 * 100);
out:
	stats_bootmed_free(&ba);
	stats_bootmed_free(&bb);
	free(ratios);
	if (rng)
		gsl_rng_free(rng);
	return ret;
}

/* the power condition at n a side: n >= 2 (t_{1-a/2} + t_power)^2 c, Student's t, 2n-2 df */
static int enough(double n, double c, double alpha, double power)
{
	double df = 2 * n - 2, t = stats_t_Qinv(alpha / 2, df) + stats_t_Qinv(1 - power, df);

	return n >= 2 * t * t * c;
}

/*
 * Runs a side for a difference delta with variance s2 a side: the smallest n (at least 2)
 * meeting `enough`, the usual t-based iteration solved outright. The normal figure
 * 2 (z_{1-a/2} + z_power)^2 s2 / delta^2 is a lower bound; from there, doubling, then halving.
 */
static double runs_for(double delta, double s2, double alpha, double power)
{
	double c, z, lo, hi;

	if (delta == 0)
		return INFINITY;
	c = s2 / (delta * delta);
	z = gsl_cdf_ugaussian_Qinv(alpha / 2) + gsl_cdf_ugaussian_Qinv(1 - power);
	lo = fmax(2, ceil(2 * z * z * c));
	if (!isfinite(lo) || lo > 1e12 || enough(lo, c, alpha, power))
		return lo;
	for (hi = 2 * lo; !enough(hi, c, alpha, power); hi *= 2)
		lo = hi;
	while (hi - lo > 1) {
		double mid = floor((lo + hi) / 2);

		if (enough(mid, c, alpha, power))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static double abs_max(const double *v, size_t n, double m)
{
	for (size_t i = 0; i < n; i++)
		m = fmax(m, fabs(v[i]));
	return m;
}

/* the figures that carry the unit, scaled back by 2^e; -ERANGE when one is past a double */
static int unscale(struct cmp_result *r, int e)
{
	double *f[] = { &r->mean_a, &r->mean_b, &r->sd_a, &r->sd_b, &r->diff, &r->diff_lo,
			&r->diff_hi };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		*f[i] = ldexp(*f[i], e);
		if (!isfinite(*f[i]))
			return -ERANGE;
	}
	return 0;
}

static int check_input(const double *a, size_t na, const double *b, size_t nb)
{
	if (!a || !b || na < 2 || nb < 2)
		return -EINVAL;
	for (size_t i = 0; i < na; i++)
		if (!isfinite(a[i]))
			return -EINVAL;
	for (size_t i = 0; i < nb; i++)
		if (!isfinite(b[i]))
			return -EINVAL;
	return 0;
}

static void set_verdict(struct cmp_result *r, const struct cmp_opts *o)
{
	if (r->ci_pct_lo > 0)
		r->verdict = CMP_REGRESSION;
	else if (r->ci_pct_hi < 0)
		r->verdict = CMP_IMPROVEMENT;
	else if (r->ci_pct_lo >= -o->threshold_pct && r->ci_pct_hi <= o->threshold_pct)
		r->verdict = CMP_NO_CHANGE;
	else
		r->verdict = CMP_INCONCLUSIVE;
}

/* Welch's t on the scaled moments, and what follows from it: interval, %, power */
static void welch(struct cmp_result *r, const struct cmp_opts *o, double alpha)
{
	double va = r->sd_a * r->sd_a / (double)r->na, vb = r->sd_b * r->sd_b / (double)r->nb;
	double big = fmax(va, vb), ra = va / big, rb = vb / big, se = sqrt(va + vb), q, sp2;

	/* df from the variances over the larger: their squares neither overflow nor vanish */
	r->df = (ra + rb) * (ra + rb) / (ra * ra / (double)(r->na - 1) + rb * rb / (double)(r->nb - 1));
	r->diff = r->mean_b - r->mean_a;
	r->t = r->diff / se;
	r->p_welch = 2 * stats_t_Q(fabs(r->t), r->df);
	q = stats_t_Qinv(alpha / 2, r->df);
	r->diff_lo = r->diff - q * se;
	r->diff_hi = r->diff + q * se;
	r->change_pct = r->diff / fabs(r->mean_a) * 100;
	r->ci_pct_lo = r->diff_lo / fabs(r->mean_a) * 100;
	r->ci_pct_hi = r->diff_hi / fabs(r->mean_a) * 100;

	sp2 = ((double)(r->na - 1) * r->sd_a * r->sd_a + (double)(r->nb - 1) * r->sd_b * r->sd_b) /
	      (double)(r->na + r->nb - 2);
	r->effect_d = r->diff / sqrt(sp2);
	/* the change these runs detect with `power`, by the same t: (t_{1-a/2} + t_power) se */
	r->mde_pct = (q + stats_t_Qinv(1 - o->power, r->df)) * se / fabs(r->mean_a) * 100;
	sp2 = (r->sd_a * r->sd_a + r->sd_b * r->sd_b) / 2;
	r->runs_needed = runs_for(r->diff, sp2, alpha, o->power);
	r->runs_needed_threshold = runs_for(o->threshold_pct / 100 * fabs(r->mean_a), sp2, alpha,
					    o->power);
	r->runs_needed_method = runs_method;
	set_verdict(r, o);
}

int cmp_compare(const double *a, size_t na, const double *b, size_t nb, const struct cmp_opts *o,
		struct cmp_result *r)
{
	double alpha = 1 - o->confidence, *sa = NULL, *sb = NULL;
	int e, ret;

	if ((ret = check_input(a, na, b, nb)))
		return ret;
	memset(r, 0, sizeof(*r));
	r->na = na;
	r->nb = nb;
	/* moments of the values over 2^e, e the exponent of the largest: any magnitude fits */
	e = ilogb(abs_max(b, nb, abs_max(a, na, 0)));
	if (e == FP_ILOGB0)
		return -EDOM;		/* all zero */
	mean_sd(a, na, ldexp(1, -e), &r->mean_a, &r->sd_a);
	mean_sd(b, nb, ldexp(1, -e), &r->mean_b, &r->sd_b);
	if (r->sd_a == 0 && r->sd_b == 0)
		return -EDOM;
	if (r->mean_a == 0)
		return -ENOTSUP;
	welch(r, o, alpha);
	if ((ret = unscale(r, e)))
		return ret;

	tell(o, "sorting", -1);
	sa = sorted_copy(a, na);
	sb = sorted_copy(b, nb);
	ret = -ENOMEM;
	if (!sa || !sb)
		goto out;
	r->median_a = stats_percentile_sorted(sa, na, 50);
	r->median_b = stats_percentile_sorted(sb, nb, 50);
	tell(o, "Mann-Whitney U", -1);
	r->p_mannwhitney = mannwhitney_sorted(sa, na, sb, nb, &r->u, &r->mw_exact);

	r->median_ratio = r->median_a != 0 ? r->median_b / r->median_a : NAN;
	r->median_ratio_lo = r->median_ratio_hi = NAN;
	r->bootstrap_method = bootstrap_method;
	ret = 0;
	if (r->median_a != 0)
		ret = bootstrap_ratio(sa, na, sb, nb, o, &r->median_ratio_lo, &r->median_ratio_hi);
out:
	free(sa);
	free(sb);
	return ret;
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
