/* SPDX-License-Identifier: MIT */
/* Summary statistics of benchmark samples (GSL for the distributions). */
#ifndef EB_STATS_H
#define EB_STATS_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

struct stats_summary {
	size_t n;
	double mean, sd, min, max;
	double ci_lo, ci_hi;		/* 95% t interval of the mean (n >= 2, else NaN) */
	double median;
	double p1, p5, p50, p95, p99;
};

/*
 * Percentile p (0..100) of sorted[n], linearly interpolated between closest ranks
 * (Hyndman & Fan type 7, as R's default and numpy's): the figure a reader can recompute.
 */
double stats_percentile_sorted(const double *sorted, size_t n, double p);
/* qsort comparator of doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);
/* Sort v[n] ascending: a radix sort in O(n) for large n (qsort when memory is short). */
void stats_sort(double *v, size_t n);
/* The k-th smallest of v[n] (k from 0), by selection in O(n); v is reordered around it. */
double stats_select(double *v, size_t n, size_t k);
/* stats_percentile_sorted's figure from unsorted v[n], by selection; v is reordered. */
double stats_percentile(double *v, size_t n, double p);
/* Median of v[n] (n >= 1), by selection in a copy in tmp[n]; v is not modified. */
double stats_median(const double *v, size_t n, double *tmp);
/* Summary of v[n] (v is not modified); n == 0 gives all NaN. */
void stats_summarize(const double *v, size_t n, struct stats_summary *s);
/* Two-sided 95% half-width of a t interval with standard error se and df degrees. */
double stats_t95_halfwidth(double se, double df);
/* upper tail of Student's t and its inverse; the normal beyond 1e6 df; NaN for df <= 0 */
double stats_t_Q(double t, double df);
double stats_t_Qinv(double p, double df);
/*
 * Difference of means a - b with a Welch 95% interval: *diff, *lo, *hi.
 * Returns -1 when either side has fewer than 2 values.
 */
int stats_welch_diff(const struct stats_summary *a, const struct stats_summary *b,
		     double *diff, double *lo, double *hi);

/*
 * The median of a bootstrap resample (n draws with replacement) of sorted[n], drawn from its
 * exact distribution instead of by drawing and sorting n values: the resample's k-th order
 * statistic falls on sorted[j-1] with probability P(N(j) >= k) - P(N(j-1) >= k), where N(j),
 * the draws at or below position j, is binomial(n, j/n); that is the integral of the
 * Beta(k, n-k+1) density over ((j-1)/n, j/n]. For an even n the (k+1)-th follows: the same
 * position unless exactly k draws fell at or below it, and then the lowest of the other n-k
 * draws, uniform over the positions above. O(sqrt(n)) to set up, O(1) a draw.
 */
struct stats_bootmed {
	const double *x;		/* sorted[n], not owned */
	size_t n, k;			/* the median is the k-th (and for even n the k+1-th) */
	size_t lo, w;			/* positions lo+1 .. lo+w: all but tails past 9 sd */
	double *cdf;			/* [w]: P(the k-th at or below position lo+1+i) */
	double *next;			/* [w], even n: P(the k+1-th above | k-th there) */
	double *one;			/* [w], even n: P(it is right above | above) */
	size_t *guide;			/* [w]: first i with cdf[i] > g/w: O(1) draws */
};

/* Set b up for sorted[n] (n >= 1; kept, not copied): 0 or -ENOMEM. */
int stats_bootmed_init(struct stats_bootmed *b, const double *sorted, size_t n);
/* One resample's median (type 7, as stats_percentile_sorted's p50), drawn with rng. */
double stats_bootmed_draw(const struct stats_bootmed *b, gsl_rng *rng);
/* Free what init allocated. */
void stats_bootmed_free(struct stats_bootmed *b);

#endif
