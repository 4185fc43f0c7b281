/* SPDX-License-Identifier: MIT */
/*
 * Change points in a series of nights: one figure a night (a benchmark's median, its p99,
 * a phase's median), in night order. Two methods, one per kind of figure:
 *
 * - exact (instruction-count mode, where a figure repeats to a fraction of an instruction
 *   from boot to boot): a step between two consecutive nights of at least min_step is a
 *   change, whatever came before;
 * - E-Divisive means with a t-test (plain emulation and real hardware, where figures are
 *   noisy), as Apache Otava (formerly DataStax Hunter) does after Matteson and James
 *   (arXiv:1306.4933) and Fleming et al. (arXiv:2301.03034): in each window of `window`
 *   nights, the split that maximizes the energy divergence Q(X, Y; alpha = 1) between the
 *   nights before and after it is a candidate; it is a change point when Student's t-test
 *   between the two segments gives p <= p_value (each segment at least min_segment
 *   nights); segmentation recurses on both sides. Windows overlap by half, so a change
 *   near a window's edge is found in the next one. Choosing the best split before testing
 *   it makes the test less strict than p_value says: measured on normal noise with the
 *   defaults, 1.4% of 30-night series and 6% of 120-night series show a change that is
 *   not there (tests/unit/test_detect.c); a change of 2 standard deviations is found 80%
 *   of the time mid-series, a third of the time when only 3 nights follow it. Hence a
 *   change is confirmed by an A/B comparison before it raises an alert.
 *
 * The change at a point is the median of the segment after it minus the median of the
 * segment before it (segments bounded by the neighbouring change points), so an outlier
 * night does not make the figure. Pure computation: no I/O, no allocation but the result.
 */
#ifndef EB_DETECT_H
#define EB_DETECT_H

#include <stddef.h>

struct detect_opts {
	int exact;		/* 1: the exact method, 0: E-Divisive with a t-test */
	double min_step;	/* exact: the smallest step that is a change (in the figure's unit) */
	double p_value;		/* E-Divisive: significance threshold of the t-test (0.001) */
	size_t window;		/* E-Divisive: nights a window holds (50) */
	size_t min_segment;	/* E-Divisive: nights each side of a split at least (3) */
};

struct detect_point {
	size_t index;		/* the first night after the change (index into the series) */
	double before, after;	/* the medians of the segments each side */
	double change;		/* after - before */
	double change_pct;	/* of before (NaN when before is 0) */
	double p;		/* E-Divisive: the t-test's p; exact: 0 */
};

/* Defaults of the E-Divisive method (p 0.001, windows of 50, segments of at least 3). */
void detect_opts_default(struct detect_opts *o);
/* The exact method's defaults for instruction-count mode: half an instruction, 0.256 ticks. */
void detect_opts_exact(struct detect_opts *o);
/*
 * The change points of v[n] (finite values, in night order), ascending by index, into *out
 * (malloc'ed; NULL when none) and *nout. -EINVAL for a value that is not finite or bad
 * options, -ENOMEM.
 */
int detect_changes(const double *v, size_t n, const struct detect_opts *o,
		   struct detect_point **out, size_t *nout);
/*
 * E-Divisive's statistic Q for the split of v[s, e) at tau (s < tau < e), alpha = 1: the
 * scaled energy distance between v[s, tau) and v[tau, e). For the tests.
 */
double detect_energy(const double *v, size_t s, size_t tau, size_t e);

#endif
