/* SPDX-License-Identifier: MIT */
/*
 * A streaming log-linear latency histogram, after HdrHistogram (its API shape; the code is
 * exitbench's): fixed memory chosen at init from the range and the significant digits,
 * counts that merge by addition, percentiles within 10^-sigfigs relative error.
 *
 * Layout: values are split into buckets that double in width; each bucket has
 * sub_bucket_count linear sub-buckets (2^ceil(log2(2*10^sigfigs))), of which the lower half
 * overlaps the previous bucket and is not stored, so a value v lands in a sub-bucket no
 * wider than v / 10^sigfigs.
 */
#ifndef EB_HIST_H
#define EB_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hist {
	int64_t lowest;			/* lowest discernible value (>= 1) */
	int64_t highest;		/* highest trackable value asked for */
	int sigfigs;
	int unit_magnitude;		/* floor(log2(lowest)) */
	int sub_bucket_half_count_magnitude;
	int32_t sub_bucket_count, sub_bucket_half_count;
	int64_t sub_bucket_mask;
	int32_t bucket_count;
	int32_t counts_len;
	int64_t total, out_of_range, min, max;
	int64_t *counts;
};

/* lowest >= 1, highest >= 2 * lowest, sigfigs 1..5; -EINVAL or -ENOMEM. */
int hist_init(int64_t lowest, int64_t highest, int sigfigs, struct hist **out);
void hist_free(struct hist *h);
/* A copy of h (same layout, counts, extremes); -ENOMEM. */
int hist_dup(const struct hist *h, struct hist **out);
/*
 * The exact smallest and largest values of what h holds (a histogram read back, whose
 * sub-buckets only say where they lie): each within the sub-bucket of the one recorded.
 * -EINVAL when h is empty or they are not.
 */
int hist_set_extremes(struct hist *h, int64_t min, int64_t max);
/* Forget every value (the memory stays). */
void hist_reset(struct hist *h);
/* Record v (n times); -ERANGE (counted as out of range) when v < 0 or beyond the range. */
int hist_record(struct hist *h, int64_t v);
int hist_record_n(struct hist *h, int64_t v, int64_t n);
/* hist_record, safe from many threads at once (atomic counts, total, min and max). */
int hist_record_atomic(struct hist *h, int64_t v);
/* Add src's counts to dst; -ERANGE when some of src's values do not fit dst (counted). */
int hist_merge(struct hist *dst, const struct hist *src);
int64_t hist_total_count(const struct hist *h);
int64_t hist_out_of_range(const struct hist *h);
/* Exact smallest and largest value recorded (0 when empty). */
int64_t hist_min(const struct hist *h);
int64_t hist_max(const struct hist *h);
/* Mean and standard deviation from the sub-buckets' midpoints (NaN when empty). */
double hist_mean(const struct hist *h);
double hist_stddev(const struct hist *h);
/*
 * Value at percentile p (0..100): the highest value equivalent to the first sub-bucket
 * whose cumulative count reaches max(1, round(p/100 * total)), clamped to [min, max];
 * 0 when empty.
 */
int64_t hist_value_at_percentile(const struct hist *h, double p);
/* The range of values sharing v's sub-bucket. */
int64_t hist_lowest_equivalent(const struct hist *h, int64_t v);
int64_t hist_highest_equivalent(const struct hist *h, int64_t v);
/* 1 when a and b share a sub-bucket. */
int hist_equivalent(const struct hist *h, int64_t a, int64_t b);
/* Bytes the histogram holds (fixed at init). */
size_t hist_memory_size(const struct hist *h);

/* Iteration over the non-empty sub-buckets, in value order. */
struct hist_iter {
	const struct hist *h;
	int32_t idx;
	int64_t from, to, count, cumulative;
};
void hist_iter_init(struct hist_iter *it, const struct hist *h);
bool hist_iter_next(struct hist_iter *it);

#endif
