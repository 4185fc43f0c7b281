/* SPDX-License-Identifier: MIT */
/*
 * Before/after statistics: did B change the cost against A, by how much, how sure, and how
 * many runs would settle it. The samples are per-run values (one a repetition, boot or
 * module load), never single exits. Larger is slower.
 */
#ifndef EB_COMPARE_STATS_H
#define EB_COMPARE_STATS_H

#include <stddef.h>

struct cmp_opts {
	double threshold_pct;		/* a change that matters, % of A (default 1) */
	double confidence;		/* of the intervals (default 0.95) */
	double power;			/* for runs needed and the detectable effect (0.80) */
	unsigned resamples;		/* bootstrap resamples (10000) */
	unsigned long seed;		/* bootstrap seed (1): the same interval every time */
	/* told each step of a comparison (may be NULL): what, and the share of it done or -1 */
	void (*progress)(void *arg, const char *step, double done);
	void *progress_arg;
};

enum cmp_verdict { CMP_NO_CHANGE, CMP_REGRESSION, CMP_IMPROVEMENT, CMP_INCONCLUSIVE };

struct cmp_result {
	size_t na, nb;
	double mean_a, mean_b, sd_a, sd_b, median_a, median_b;
	double diff, diff_lo, diff_hi;		/* mean_b - mean_a, Welch interval (not
						   ministat's pooled Student t: see README) */
	double change_pct, ci_pct_lo, ci_pct_hi; /* the same, % of mean_a */
	double t, df, p_welch;			/* Welch's t test, two-sided */
	double u, p_mannwhitney;		/* Mann-Whitney U of B, two-sided */
	int mw_exact;				/* p from the exact distribution (no ties, small) */
	double median_ratio, median_ratio_lo, median_ratio_hi; /* median(B)/median(A), bootstrap */
	double effect_d;			/* Cohen's d: over the pooled sd, weighted by n-1 */
	double mde_pct;				/* smallest change detectable at this n, % of A */
	double runs_needed;			/* a side, for `power` at the observed difference */
	double runs_needed_threshold;		/* a side, for `power` at the threshold */
	enum cmp_verdict verdict;
	const char *bootstrap_method;		/* how the median ratio's interval was drawn */
	const char *runs_needed_method;		/* how runs needed were worked out */
};

/* Defaults: threshold 1%, confidence 95%, power 80%, 10000 resamples, seed 1. */
void cmp_opts_default(struct cmp_opts *o);
/*
 * Compare a[na] (before) with b[nb] (after). -EINVAL: fewer than 2 values a side or a value
 * that is not finite; -EDOM: both sides without spread (each repeats one value); -ENOTSUP:
 * A's mean is 0 (a change as a percentage of it is undefined); -ERANGE: a mean, spread or
 * difference beyond the range of a double (values of any magnitude are fine: the moments are
 * taken on the values scaled by a power of 2); -ENOMEM. Each step costs O(na + nb) but a
 * radix sort of each side; the bootstrap O(resamples).
 */
int cmp_compare(const double *a, size_t na, const double *b, size_t nb, const struct cmp_opts *o,
		struct cmp_result *r);
/* What cmp_compare's error ret means, as a clause for a message line. */
const char *cmp_strerror(int ret);
/* "no-change", "regression", "improvement", "inconclusive" */
const char *cmp_verdict_name(enum cmp_verdict v);
/* 1 when r is a regression beyond the threshold (a proven slow-down of more than it). */
int cmp_regressed(const struct cmp_result *r, const struct cmp_opts *o);
/*
 * ministat's wording, Welch's interval: "No difference proven at 95.0% confidence" or
 * "Difference at 95.0% confidence: +7.8 +/- 14.2 (+1.37% +/- 2.49%)".
 */
int cmp_ministat_line(const struct cmp_result *r, const struct cmp_opts *o, char *buf, size_t len);
/*
 * Two-sided p of the Mann-Whitney U test for u of B (nb values) against A (na values):
 * *exact when from U's exact distribution (no ties, and m^2 n <= CMP_MW_EXACT_WORK for the
 * smaller side m and the larger n), else the normal approximation with the tie-corrected
 * variance and a continuity correction. O(n) after a sort of each side.
 */
#define CMP_MW_EXACT_WORK 1e7
double cmp_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact);

#endif
