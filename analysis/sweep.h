/* SPDX-License-Identifier: MIT */
/*
 * Sweeps: the lines of one suite that run the same benchmark file with one parameter at
 * several values (pvr-mmu:segments=0, 1, 2, 4 ...), and the straight line through their
 * figures: what one more unit of the parameter costs (report.md's "by PARAM" sections).
 */
#ifndef EB_SWEEP_H
#define EB_SWEEP_H

#include <stddef.h>

#include "results.h"

#define SWEEP_MAX_POINTS 64

struct sweep_point {
	const struct res_bench *b;
	double value;			/* the parameter's */
	double figure;			/* res_figure's median: ticks an iteration */
	double lo, hi;			/* the least and the most of its runs' figures */
	int fitted;			/* on the line; 0: after the top, well below it */
};

struct sweep {
	char file[EB_NAME_LEN];		/* the benchmark's file */
	char param[EB_PARAM_NAME_LEN];
	size_t n, nfit;
	struct sweep_point p[SWEEP_MAX_POINTS];	/* by value */
	/* figure = intercept + slope x value, least squares over the fitted points */
	double intercept, slope, slope_lo, slope_hi;	/* slope's 95% interval (t, n - 2) */
	const struct res_bench *reference;	/* the real-mode counterpart (file minus "-mmu") */
	double reference_figure;		/* its figure, as the points' */
};

/*
 * The sweeps of r, at most max into s: each benchmark file measured (status ok) at three
 * values or more of one parameter, its only one. A point after the sweep's top whose figure
 * lies more than SWEEP_DROP below the top, and whose every run lies below every run of the
 * top (a drop, not noise), is not fitted: a sweep that ran past a limit of the host, as
 * pvr-mmu past the shadow SLB's 32 entries. Returns how many.
 */
#define SWEEP_DROP 0.01
size_t sweep_find(const struct results *r, struct sweep *s, size_t max);

#endif
