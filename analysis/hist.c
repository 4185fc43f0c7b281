// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

static int bucket_index(const struct hist *h, int64_t v)
{
	/* the power of two at or above v (at least the first bucket's top) */
	int pow2ceiling = 64 - __builtin_clzll((uint64_t)(v | h->sub_bucket_mask));

	return pow2ceiling - h->unit_magnitude - (h->sub_bucket_half_count_magnitude + 1);
}

static int32_t sub_bucket_index(const struct hist *h, int64_t v, int bi)
{
	return (int32_t)(v >> (bi + h->unit_magnitude));
}

static int32_t counts_index(const struct hist *h, int bi, int32_t sbi)
{
	/* bucket 0 stores all its sub-buckets; each later one only its upper half */
	return ((bi + 1) << h->sub_bucket_half_count_magnitude) + (sbi - h->sub_bucket_half_count);
}

static int32_t counts_index_for(const struct hist *h, int64_t v)
{
	int bi = bucket_index(h, v);

	return counts_index(h, bi, sub_bucket_index(h, v, bi));
}

static int64_t value_at_index(const struct hist *h, int32_t idx)
{
	int bi = (idx >> h->sub_bucket_half_count_magnitude) - 1;
	int32_t sbi = (idx & (h->sub_bucket_half_count - 1)) + h->sub_bucket_half_count;

	if (bi < 0) {
		sbi -= h->sub_bucket_half_count;
		bi = 0;
	}
	return (int64_t)sbi << (bi + h->unit_magnitude);
}

static int64_t equivalent_range(const struct hist *h, int64_t v)
{
	int bi = bucket_index(h, v);
	int32_t sbi = sub_bucket_index(h, v, bi);

	return (int64_t)1 << (h->unit_magnitude + (sbi >= h->sub_bucket_count ? bi + 1 : bi));
}

int64_t hist_lowest_equivalent(const struct hist *h, int64_t v)
{
	int bi = bucket_index(h, v);

	return (int64_t)sub_bucket_index(h, v, bi) << (bi + h->unit_magnitude);
}

int64_t hist_highest_equivalent(const struct hist *h, int64_t v)
{
	return hist_lowest_equivalent(h, v) + equivalent_range(h, v) - 1;
}

int hist_equivalent(const struct hist *h, int64_t a, int64_t b)
{
	return hist_lowest_equivalent(h, a) == hist_lowest_equivalent(h, b);
}

int hist_init(int64_t lowest, int64_t highest, int sigfigs, struct hist **out)
{
	int64_t largest_single_unit, smallest_untrackable;
	struct hist *h;
	int32_t buckets;

	if (lowest < 1 || sigfigs < 1 || sigfigs > 5 || highest / 2 < lowest)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->lowest = lowest;
	h->highest = highest;
	h->sigfigs = sigfigs;
	largest_single_unit = 2 * (int64_t)pow(10, sigfigs);
	h->sub_bucket_half_count_magnitude = (int)ceil(log2((double)largest_single_unit)) - 1;
	h->sub_bucket_count = (int32_t)1 << (h->sub_bucket_half_count_magnitude + 1);
	h->sub_bucket_half_count = h->sub_bucket_count / 2;
	h->unit_magnitude = 63 - __builtin_clzll((uint64_t)lowest);
	/* the largest value a sub-bucket holds must fit: checked before any shift by it */
	if (h->unit_magnitude + h->sub_bucket_half_count_magnitude + 1 > 62) {
		free(h);
		return -EINVAL;
	}
	h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1) << h->unit_magnitude;
	smallest_untrackable = (int64_t)h->sub_bucket_count << h->unit_magnitude;
	buckets = 1;
	while (smallest_untrackable <= highest) {
		if (smallest_untrackable > INT64_MAX / 2) {
			buckets++;
			break;
		}
		smallest_untrackable <<= 1;
		buckets++;
	}
	h->bucket_count = buckets;
	h->counts_len = (buckets + 1) * h->sub_bucket_half_count;
	h->counts = calloc(h->counts_len, sizeof(*h->counts));
	if (!h->counts) {
		free(h);
		return -ENOMEM;
	}
	hist_reset(h);
	*out = h;
	return 0;
}

void hist_free(struct hist *h)
{
	if (!h)
		return;
	free(h->counts);
	free(h);
}

int hist_dup(const struct hist *h, struct hist **out)
{
	int ret = hist_init(h->lowest, h->highest, h->sigfigs, out);

	if (ret)
		return ret;
	hist_merge(*out, h);	/* same layout: every value fits */
	/* merging keeps the lower (higher) of two extremes: the sub-bucket's edge here */
	(*out)->min = h->min;
	(*out)->max = h->max;
	return 0;
}

void hist_reset(struct hist *h)
{
	memset(h->counts, 0, h->counts_len * sizeof(*h->counts));
	h->total = h->out_of_range = 0;
	h->min = INT64_MAX;
	h->max = 0;
}

size_t hist_memory_size(const struct hist *h)
{
	return sizeof(*h) + (size_t)h->counts_len * sizeof(*h->counts);
}

/* the counts index of v, or -1 when v is outside what the histogram holds */
static int32_t index_of(const struct hist *h, int64_t v)
{
	int32_t idx;

	if (v < 0 || v > h->highest)
		return -1;
	idx = counts_index_for(h, v);
	return idx >= 0 && idx < h->counts_len ? idx : -1;
}

int hist_record_n(struct hist *h, int64_t v, int64_t n)
{
	int32_t idx = index_of(h, v);

	if (n <= 0)
		return n == 0 ? 0 : -EINVAL;
	if (idx < 0) {
		h->out_of_range += n;
		return -ERANGE;
	}
	h->counts[idx] += n;
	h->total += n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	return 0;
}

int hist_record(struct hist *h, int64_t v)
{
	return hist_record_n(h, v, 1);
}

int hist_record_atomic(struct hist *h, int64_t v)
{
	int32_t idx = index_of(h, v);
	int64_t cur;

	if (idx < 0) {
		__atomic_fetch_add(&h->out_of_range, 1, __ATOMIC_RELAXED);
		return -ERANGE;
	}
	__atomic_fetch_add(&h->counts[idx], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->total, 1, __ATOMIC_RELAXED);
	cur = __atomic_load_n(&h->min, __ATOMIC_RELAXED);
	while (v < cur && !__atomic_compare_exchange_n(&h->min, &cur, v, true, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
	cur = __atomic_load_n(&h->max, __ATOMIC_RELAXED);
	while (v > cur && !__atomic_compare_exchange_n(&h->max, &cur, v, true, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
	return 0;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	struct hist_iter it;
	int ret = 0;

	hist_iter_init(&it, src);
	while (hist_iter_next(&it)) {
		/* the sub-bucket's lowest value: exact when both have the same layout */
		if (hist_record_n(dst, it.from, it.count))
			ret = -ERANGE;
	}
	if (src->total) {
		/* keep the exact extremes where dst could take them */
		if (index_of(dst, src->min) >= 0 && src->min < dst->min)
			dst->min = src->min;
		if (index_of(dst, src->max) >= 0 && src->max > dst->max)
			dst->max = src->max;
	}
	dst->out_of_range += src->out_of_range;
	return ret;
}

int64_t hist_total_count(const struct hist *h)
{
	return h->total;
}

int64_t hist_out_of_range(const struct hist *h)
{
	return h->out_of_range;
}

int64_t hist_min(const struct hist *h)
{
	return h->total ? h->min : 0;
}

int64_t hist_max(const struct hist *h)
{
	return h->total ? h->max : 0;
}

static double midpoint(const struct hist *h, int64_t v)
{
	return (double)hist_lowest_equivalent(h, v) + (double)(equivalent_range(h, v) - 1) / 2;
}

double hist_mean(const struct hist *h)
{
	struct hist_iter it;
	double sum = 0;

	if (!h->total)
		return NAN;
	hist_iter_init(&it, h);
	while (hist_iter_next(&it))
		sum += midpoint(h, it.from) * (double)it.count;
	return sum / (double)h->total;
}

double hist_stddev(const struct hist *h)
{
	struct hist_iter it;
	double mean = hist_mean(h), ss = 0;

	if (!h->total)
		return NAN;
	hist_iter_init(&it, h);
	while (hist_iter_next(&it)) {
		double d = midpoint(h, it.from) - mean;

		ss += d * d * (double)it.count;
	}
	return sqrt(ss / (double)h->total);
}

int64_t hist_value_at_percentile(const struct hist *h, double p)
{
	int64_t want, cum = 0;

	if (!h->total)
		return 0;
	if (p > 100)
		p = 100;
	if (!(p > 0))
		p = 0;
	want = (int64_t)(p / 100 * (double)h->total + 0.5);
	if (want < 1)
		want = 1;
	for (int32_t i = 0; i < h->counts_len; i++) {
		cum += h->counts[i];
		if (cum >= want) {
			int64_t v = hist_highest_equivalent(h, value_at_index(h, i));

			return v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	return h->max;
}

void hist_iter_init(struct hist_iter *it, const struct hist *h)
{
	memset(it, 0, sizeof(*it));
	it->h = h;
	it->idx = -1;
}

bool hist_iter_next(struct hist_iter *it)
{
	const struct hist *h = it->h;

	while (++it->idx < h->counts_len) {
		if (!h->counts[it->idx])
			continue;
		it->from = value_at_index(h, it->idx);
		it->to = hist_highest_equivalent(h, it->from);
		it->count = h->counts[it->idx];
		it->cumulative += it->count;
		return true;
	}
	return false;
}

int hist_set_extremes(struct hist *h, int64_t min, int64_t max)
{
	if (!h->total || min < 0 || min > h->highest || max < min || max > h->highest ||
	    !hist_equivalent(h, min, h->min) ||
	    !hist_equivalent(h, max, value_at_index(h, index_of(h, h->max))))
		return -EINVAL;
	h->min = min;
	h->max = max;
	return 0;
}
