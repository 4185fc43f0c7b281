// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>

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

/*
 * Radix sort: a double's bits, the sign bit flipped for positives and every bit for
 * negatives, sort as unsigned integers in the doubles' order. Eleven bits a pass, six
 * passes, a pass skipped when every key has the same digit there (the exponent of values
 * of one magnitude); the keys go back and forth between a buffer and v itself.
 */
#define SORT_BITS 11
#define SORT_PASSES 6
#define SORT_RADIX_MIN 512	/* below this, qsort is as fast */

static inline uint64_t sort_key(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u >> 63 ? ~u : u | (1ull << 63);
}

static inline double sort_value(uint64_t k)
{
	uint64_t u = k >> 63 ? k & ~(1ull << 63) : ~k;
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* the i-th key of a buffer of keys (v's own storage holds keys between passes) */
static inline uint64_t key_at(const void *buf, size_t i)
{
	uint64_t k;

	memcpy(&k, (const char *)buf + i * sizeof(k), sizeof(k));
	return k;
}

static inline void key_put(void *buf, size_t i, uint64_t k)
{
	memcpy((char *)buf + i * sizeof(k), &k, sizeof(k));
}

void stats_sort(double *v, size_t n)
{
	uint32_t (*count)[1 << SORT_BITS];	/* (a sort of 2^32 values or more takes qsort) */
	uint64_t *keys;
	void *src, *dst, *t;

	if (n < SORT_RADIX_MIN || n >= UINT32_MAX)
		goto fallback;
	keys = malloc(n * sizeof(*keys));
	count = calloc(SORT_PASSES, sizeof(*count));
	if (!keys || !count) {
		free(keys);
		free(count);
		goto fallback;
	}
	for (size_t i = 0; i < n; i++) {
		keys[i] = sort_key(v[i]);
		for (int p = 0; p < SORT_PASSES; p++)
			count[p][keys[i] >> (p * SORT_BITS) & ((1 << SORT_BITS) - 1)]++;
	}
	src = keys;
	dst = v;
	for (int p = 0; p < SORT_PASSES; p++) {
		int shift = p * SORT_BITS;
		uint32_t sum = 0;

		if (count[p][keys[0] >> shift & ((1 << SORT_BITS) - 1)] == n)
			continue;	/* one digit for all: nothing to move */
		for (size_t d = 0; d < 1 << SORT_BITS; d++) {
			uint32_t c = count[p][d];

			count[p][d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k = key_at(src, i);

			key_put(dst, count[p][k >> shift & ((1 << SORT_BITS) - 1)]++, k);
		}
		t = src;
		src = dst;
		dst = t;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = sort_value(key_at(src, i));
	free(keys);
	free(count);
	return;
fallback:
	qsort(v, n, sizeof(*v), stats_cmp_double);
}

static void insertion_sort(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static inline void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/*
 * Quickselect (Hoare's partition about the median of three), O(n) on the average; after
 * 2 log2(n) + 16 rounds, the rest of the range is sorted, which bounds the worst case.
 */
double stats_select(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, rounds = 16;

	for (size_t m = n; m; m >>= 1)
		rounds += 2;
	while (hi > lo) {
		size_t i, j, mid = lo + (hi - lo) / 2;
		double pivot;

		if (hi - lo < 16 || !rounds--) {
			if (hi - lo < 16)
				insertion_sort(v + lo, hi - lo + 1);
			else
				stats_sort(v + lo, hi - lo + 1);
			break;
		}
		if (v[mid] < v[lo])
			swap_d(&v[mid], &v[lo]);
		if (v[hi] < v[lo])
			swap_d(&v[hi], &v[lo]);
		if (v[hi] < v[mid])
			swap_d(&v[hi], &v[mid]);
		pivot = v[mid];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				swap_d(&v[i], &v[j]);
				i++;
				j--;
			}
		}
		/* v[lo..j] <= pivot <= v[i..hi], and what lies between equals the pivot */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

double stats_percentile(double *v, size_t n, double p)
{
	double h, frac, at, above;
	size_t lo;

	if (n == 0)
		return NAN;
	if (p <= 0)
		return stats_select(v, n, 0);
	if (p >= 100)
		return stats_select(v, n, n - 1);
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return stats_select(v, n, n - 1);
	at = stats_select(v, n, lo);
	/* the next order statistic: the smallest of what selection left above */
	above = v[lo + 1];
	for (size_t i = lo + 2; i < n; i++)
		if (v[i] < above)
			above = v[i];
	return at + frac * (above - at);
}

double stats_median(const double *v, size_t n, double *tmp)
{
	memcpy(tmp, v, n * sizeof(*tmp));
	return stats_percentile(tmp, n, 50);
}

/* ---- the median of a bootstrap resample ---- */

#define BOOTMED_SD 9		/* the positions kept: the Beta's mean +/- this many sd */

/*
 * Gauss-Legendre points a position. A position is 1/n wide and the density's scale
 * 1/(2 sqrt(n)); the m-point rule's relative error is about (2/sqrt(n))^(2m) times 6e-8
 * (m = 4) or 7e-4 (m = 2): below 1e-10 with these, and 8 points are exact for n <= 16,
 * where the density is a polynomial of degree n-1 <= 15.
 */
static size_t bootmed_nodes(size_t n)
{
	return n <= 64 ? 8 : n <= 16384 ? 4 : 2;
}

/*
 * The Beta(k, n-k+1) density at x over its value at mu: the scale cancels, for the
 * distribution is normalised and the next-position odds are a ratio of two such values.
 */
static double beta_rel(double x, double mu, size_t n, size_t k)
{
	return exp((double)(k - 1) * log1p((x - mu) / mu) +
		   (double)(n - k) * log1p((mu - x) / (1 - mu)));
}

/* Gauss-Legendre's points and weights on [-1, 1]: -ENOMEM when GSL cannot set them up */
static int gauss_points(size_t nodes, double *xi, double *wi)
{
	gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(nodes);

	if (!gl)
		return -ENOMEM;
	for (size_t i = 0; i < nodes; i++)
		gsl_integration_glfixed_point(-1, 1, i, &xi[i], &wi[i], gl);
	gsl_integration_glfixed_table_free(gl);
	return 0;
}

/*
 * Position j's tables, for an even n: P(N(j) = k, a draw at j) over P(the k-th at j), where
 * P(N(j) = k) is the binomial pmf, (j/n)/k times the Beta density at j/n; then the chance
 * that the next draw up lands right above j, 1 - (1 - 1/(n-j))^(n-k).
 */
static void bootmed_next(struct stats_bootmed *b, size_t i, double mass, double mu)
{
	size_t n = b->n, k = b->k, j = b->lo + 1 + i;
	double at = (double)j / ((double)n * (double)k) * beta_rel((double)j / (double)n, mu, n, k) *
		    -expm1((double)k * log1p(-1 / (double)j));

	b->next[i] = mass > 0 ? fmin(1, at / mass) : 0;
	b->one[i] = j < n ? -expm1((double)(n - k) * log1p(-1 / (double)(n - j))) : 1;
}

int stats_bootmed_init(struct stats_bootmed *b, const double *sorted, size_t n)
{
	size_t first, last, g = 0, nodes = bootmed_nodes(n);
	double xi[8], wi[8], mu, sd, h = 1 / (double)n, sum = 0;
	int even = n % 2 == 0;

	memset(b, 0, sizeof(*b));
	b->x = sorted;
	b->n = n;
	b->k = even ? n / 2 : (n + 1) / 2;
	mu = (double)b->k / (double)(n + 1);		/* the Beta's mean and sd */
	sd = sqrt(mu * (1 - mu) / (double)(n + 2));
	first = (size_t)fmax(1, floor((mu - BOOTMED_SD * sd) * (double)n));
	last = (size_t)fmin((double)n, ceil((mu + BOOTMED_SD * sd) * (double)n) + 1);
	b->lo = first - 1;
	b->w = last - first + 1;
	b->cdf = malloc(b->w * sizeof(*b->cdf));
	b->guide = malloc(b->w * sizeof(*b->guide));
	b->next = even ? malloc(b->w * sizeof(*b->next)) : NULL;
	b->one = even ? malloc(b->w * sizeof(*b->one)) : NULL;
	if (!b->cdf || !b->guide || (even && (!b->next || !b->one)) || gauss_points(nodes, xi, wi)) {
		stats_bootmed_free(b);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->w; i++) {
		double mid = ((double)(first + i) - 0.5) * h, mass = 0;

		for (size_t q = 0; q < nodes; q++)
			mass += wi[q] * beta_rel(mid + h / 2 * xi[q], mu, n, b->k);
		mass *= h / 2;
		sum += mass;
		b->cdf[i] = sum;
		if (even)
			bootmed_next(b, i, mass, mu);
	}
	for (size_t i = 0; i < b->w; i++)
		b->cdf[i] /= sum;
	b->cdf[b->w - 1] = 1;
	for (size_t i = 0; i < b->w; i++) {
		while (b->cdf[g] <= (double)i / (double)b->w)
			g++;
		b->guide[i] = g;
	}
	return 0;
}

double stats_bootmed_draw(const struct stats_bootmed *b, gsl_rng *rng)
{
	double u = gsl_rng_uniform(rng), at, above, below;
	size_t i = b->guide[(size_t)(u * (double)b->w)], j, rest, t;

	while (b->cdf[i] <= u)
		i++;
	j = b->lo + 1 + i;			/* the k-th order statistic's position, from 1 */
	at = b->x[j - 1];
	if (!b->next)
		return at;
	/* where u fell within position i's share: a uniform of its own, for the next step */
	below = i ? b->cdf[i - 1] : 0;
	u = (u - below) / (b->cdf[i] - below);
	if (u >= b->next[i])
		return at;
	/*
	 * The lowest of n-k draws uniform over j+1 .. n, j+t: P(t > s) = (1 - s/rest)^(n-k).
	 * t = 1 most of the time, without a logarithm; else by inversion, from a uniform on
	 * (0, P(t > 1)).
	 */
	rest = b->n - j;
	if (u < b->next[i] * b->one[i]) {
		t = 1;
	} else {
		double v = gsl_rng_uniform_pos(rng) * (1 - b->one[i]);

		t = (size_t)ceil((double)rest * -expm1(log(v) / (double)(b->n - b->k)));
		t = t < 2 ? 2 : t > rest ? rest : t;
	}
	above = b->x[j - 1 + t];
	return at + 0.5 * (above - at);
}

void stats_bootmed_free(struct stats_bootmed *b)
{
	free(b->cdf);
	free(b->next);
	free(b->one);
	free(b->guide);
	b->cdf = b->next = b->one = NULL;
	b->guide = NULL;
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
