// SPDX-License-Identifier: MIT
/* The log-linear histogram against exact percentiles of known data. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../analysis/hist.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* nearest-rank percentile of sorted[n]: the value at rank max(1, round(p/100 n)) */
static int64_t nearest_rank(const int64_t *sorted, size_t n, double p)
{
	int64_t rank = (int64_t)(p / 100 * (double)n + 0.5);

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static const double ps[] = { 0, 1, 5, 25, 50, 75, 90, 95, 99, 99.9, 100 };

/* 1..1000 with 3 digits: every value has a sub-bucket of its own, so percentiles are exact */
static void exact_on_small_values(void **state)
{
	int64_t v[1000];
	struct hist *h;

	(void)state;
	assert_int_equal(hist_init(1, 1000000, 3, &h), 0);
	for (int i = 0; i < 1000; i++) {
		v[i] = 1000 - i;
		assert_int_equal(hist_record(h, v[i]), 0);
	}
	qsort(v, 1000, sizeof(v[0]), cmp_i64);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		assert_int_equal(hist_value_at_percentile(h, ps[i]), nearest_rank(v, 1000, ps[i]));
	assert_int_equal(hist_min(h), 1);
	assert_int_equal(hist_max(h), 1000);
	assert_int_equal(hist_total_count(h), 1000);
	assert_float_equal(hist_mean(h), 500.5, 1e-9);
	hist_free(h);
}

/* a deterministic skewed (log-uniform) set: every percentile within 10^-sigfigs */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static void within_relative_error_on_skewed_data(void **state)
{
	enum { N = 100000 };
	int64_t *v = malloc(N * sizeof(*v));
	uint64_t seed = 42;
	double sum = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		double u = (double)lcg(&seed) / (double)(1ULL << 53);

		v[i] = (int64_t)exp(u * log(1e9)) + 1;	/* 1 .. 1e9, most of them small */
		sum += (double)v[i];
	}
	for (int sig = 2; sig <= 3; sig++) {
		double tol = pow(10, -sig);
		struct hist *h;
		int64_t *sorted = malloc(N * sizeof(*sorted));
		size_t mem;

		assert_int_equal(hist_init(1, 2000000000, sig, &h), 0);
		mem = hist_memory_size(h);
		for (int i = 0; i < N; i++)
			assert_int_equal(hist_record(h, v[i]), 0);
		memcpy(sorted, v, N * sizeof(*v));
		qsort(sorted, N, sizeof(*sorted), cmp_i64);
		for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
			int64_t exact = nearest_rank(sorted, N, ps[i]);
			int64_t got = hist_value_at_percentile(h, ps[i]);

			if (fabs((double)(got - exact)) > tol * (double)exact)
				fail_msg("sigfigs %d p%g: %lld vs exact %lld", sig, ps[i], (long long)got,
					 (long long)exact);
		}
		assert_int_equal(hist_min(h), sorted[0]);
		assert_int_equal(hist_max(h), sorted[N - 1]);
		assert_true(fabs(hist_mean(h) - sum / N) <= tol * sum / N);
		/* fixed memory: a million more values take no more room */
		for (int i = 0; i < 1000000; i++)
			hist_record(h, 1 + i % 100000);
		assert_int_equal(hist_memory_size(h), mem);
		hist_free(h);
		free(sorted);
	}
	free(v);
}

static void equivalence_ranges(void **state)
{
	struct hist *h;

	(void)state;
	assert_int_equal(hist_init(1, INT64_C(1) << 40, 3, &h), 0);
	for (int64_t v = 1; v < (INT64_C(1) << 40); v = v * 3 + 7) {
		int64_t lo = hist_lowest_equivalent(h, v), hi = hist_highest_equivalent(h, v);

		assert_true(lo <= v && v <= hi);
		assert_true((double)(hi - lo + 1) <= 1e-3 * (double)v || hi == lo);
		assert_true(hist_equivalent(h, lo, hi));
		assert_false(hist_equivalent(h, lo, hi + 1));
	}
	hist_free(h);
}

static void record_n_merge_and_range(void **state)
{
	struct hist *a, *b, *whole, *small, *n;
	struct hist_iter ia, iw;

	(void)state;
	assert_int_equal(hist_init(1, 10000000, 3, &a), 0);
	assert_int_equal(hist_init(1, 10000000, 3, &b), 0);
	assert_int_equal(hist_init(1, 10000000, 3, &whole), 0);
	assert_int_equal(hist_init(1, 10000000, 3, &n), 0);
	assert_int_equal(hist_init(1, 1000, 3, &small), 0);
	for (int i = 0; i < 20000; i++) {
		int64_t v = 1 + (int64_t)i * i % 9999991;

		assert_int_equal(hist_record(i % 2 ? a : b, v), 0);
		hist_record(whole, v);
	}
	for (int i = 0; i < 7; i++)
		hist_record(n, 123456);
	assert_int_equal(hist_record_n(a, 123456, 7), 0);
	assert_int_equal(hist_record_n(whole, 123456, 7), 0);
	/* clamped to the exact max, though its sub-bucket is wider */
	assert_int_equal(hist_value_at_percentile(n, 50), 123456);
	assert_true(hist_highest_equivalent(n, 123456) > 123456);
	hist_free(n);
	assert_int_equal(hist_merge(a, b), 0);
	hist_iter_init(&ia, a);
	hist_iter_init(&iw, whole);
	while (hist_iter_next(&iw)) {
		assert_true(hist_iter_next(&ia));
		assert_int_equal(ia.from, iw.from);
		assert_int_equal(ia.count, iw.count);
	}
	assert_false(hist_iter_next(&ia));
	assert_int_equal(hist_min(a), hist_min(whole));
	assert_int_equal(hist_max(a), hist_max(whole));
	/* a smaller range: what does not fit is counted out of range, nothing else breaks */
	assert_int_equal(hist_merge(small, whole), -ERANGE);
	assert_true(hist_out_of_range(small) > 0);
	assert_int_equal(hist_total_count(small) + hist_out_of_range(small), hist_total_count(whole));
	assert_true(hist_max(small) <= 1000);
	/* out of range and negative values */
	assert_int_equal(hist_record(small, -1), -ERANGE);
	assert_int_equal(hist_record(small, 1001), -ERANGE);
	assert_int_equal(hist_record(small, INT64_MAX), -ERANGE);
	assert_true(hist_max(small) <= 1000);
	assert_int_equal(hist_init(0, 100, 3, &n), -EINVAL);
	assert_int_equal(hist_init(1, 100, 6, &n), -EINVAL);
	assert_int_equal(hist_init(10, 15, 3, &n), -EINVAL);
	/* a lowest so large its sub-buckets cannot be held (the mask's shift overflowed: libFuzzer) */
	assert_int_equal(hist_init(INT64_C(1000000000000000000), INT64_C(9000000000000000000), 4, &n),
			 -EINVAL);
	hist_free(a);
	hist_free(b);
	hist_free(whole);
	hist_free(small);
}

static struct hist *shared;

static void *recorder(void *arg)
{
	for (int i = 0; i < 250000; i++)
		hist_record_atomic(shared, 1 + (i * 31 + (intptr_t)arg) % 100000);
	return NULL;
}

static void atomic_from_threads(void **state)
{
	pthread_t t[4];
	struct hist *single;
	struct hist_iter a, b;

	(void)state;
	assert_int_equal(hist_init(1, 1000000, 3, &shared), 0);
	assert_int_equal(hist_init(1, 1000000, 3, &single), 0);
	for (intptr_t k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, recorder, (void *)k);
	for (int k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	for (intptr_t k = 0; k < 4; k++)
		for (int i = 0; i < 250000; i++)
			hist_record(single, 1 + (i * 31 + k) % 100000);
	assert_int_equal(hist_total_count(shared), 1000000);
	hist_iter_init(&a, shared);
	hist_iter_init(&b, single);
	while (hist_iter_next(&b)) {
		assert_true(hist_iter_next(&a));
		assert_int_equal(a.count, b.count);
	}
	assert_int_equal(hist_min(shared), hist_min(single));
	assert_int_equal(hist_max(shared), hist_max(single));
	hist_free(shared);
	hist_free(single);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_on_small_values),
		cmocka_unit_test(within_relative_error_on_skewed_data),
		cmocka_unit_test(equivalence_ranges),
		cmocka_unit_test(record_n_merge_and_range),
		cmocka_unit_test(atomic_from_threads),
	};
	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
