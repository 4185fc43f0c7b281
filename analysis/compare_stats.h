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
};

enum cmp_verdict { CMP_NO_CHANGE, CMP_REGRESSION, CMP_IMPROVEMENT, CMP_INCONCLUSIVE };

struct cmp_result {
	size_t na, nb;
	double mean_a, mean_b, sd_a, sd_b, median_a, median_b;
	double diff, diff_lo, diff_hi;		/* mean_b - mean_a, Welch interval */
	double change_pct, ci_pct_lo, ci_pct_hi; /* the same, % of mean_a */
	double t, df, p_welch;			/* Welch's t test, two-sided */
	double u, p_mannwhitney;		/* Mann-Whitney U of B, two-sided */
	int mw_exact;				/* p from the exact distribution (no ties, small) */
	double median_ratio, median_ratio_lo, median_ratio_hi; /* median(B)/median(A), bootstrap */
	double effect_d;			/* Cohen's d, pooled sd */
	double mde_pct;				/* smallest change detectable at this n, % of A */
	double runs_needed;			/* a side, for `power` at the observed difference */
	double runs_needed_threshold;		/* a side, for `power` at the threshold */
	enum cmp_verdict verdict;
};

/* Defaults: threshold 1%, confidence 95%, power 80%, 10000 resamples, seed 1. */
void cmp_opts_default(struct cmp_opts *o);
/*
 * Compare a[na] (before) with b[nb] (after). -EINVAL: fewer than 2 values a side or a value
 * that is not finite; -EDOM: both sides without spread, or mean_a 0; -ERANGE: moments or
 * degrees of freedom overflow double; -ENOMEM.
 */
int cmp_compare(const double *a, size_t na, const double *b, size_t nb, const struct cmp_opts *o,
		struct cmp_result *r);
/* "no-change", "regression", "improvement", "inconclusive" */
const char *cmp_verdict_name(enum cmp_verdict v);
/* 1 when r is a regression beyond the threshold (a proven slow-down of more than it). */
int cmp_regressed(const struct cmp_result *r, const struct cmp_opts *o);
/*
 * ministat's verdict line: "No difference proven at 95.0% confidence" or
 * "Difference at 95.0% confidence: +7.8 +/- 14.2 (+1.37% +/- 2.49%)".
 */
int cmp_ministat_line(const struct cmp_result *r, const struct cmp_opts *o, char *buf, size_t len);
/* Two-sided p of the Mann-Whitney U test for u of B (nb values) against A (na values). */
double cmp_mannwhitney_p(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact);

#endif
