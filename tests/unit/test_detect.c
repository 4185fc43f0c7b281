// SPDX-License-Identifier: MIT
/* Change points across nights: the exact method and E-Divisive with a t-test. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../analysis/detect.h"

/* a fixed normal sequence (LCG + Box-Muller): the same nights every run */
static uint64_t seed;
static double uniform(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((seed >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(double mean, double sd)
{
	return mean + sd * sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* Q by its definition (Matteson and James), term by term */
static double energy_by_definition(const double *v, size_t s, size_t tau, size_t e)
{
	double m = (double)(tau - s), k = (double)(e - tau), between = 0, wa = 0, wb = 0;

	for (size_t i = s; i < tau; i++)
		for (size_t j = tau; j < e; j++)
			between += fabs(v[i] - v[j]);
	for (size_t i = s; i < tau; i++)
		for (size_t j = i + 1; j < tau; j++)
			wa += fabs(v[i] - v[j]);
	for (size_t i = tau; i < e; i++)
		for (size_t j = i + 1; j < e; j++)
			wb += fabs(v[i] - v[j]);
	return m * k / (m + k) * (2 * between / (m * k) - (m > 1 ? wa / (m * (m - 1) / 2) : 0) -
				  (k > 1 ? wb / (k * (k - 1) / 2) : 0));
}

static void energy_matches_definition(void **state)
{
	double v[40];

	(void)state;
	seed = 7;
	for (size_t i = 0; i < 40; i++)
		v[i] = normal(i < 25 ? 10 : 12, 1);
	for (size_t tau = 1; tau < 40; tau++)
		assert_true(fabs(detect_energy(v, 0, tau, 40) - energy_by_definition(v, 0, tau, 40)) <
			    1e-9);
	assert_true(fabs(detect_energy(v, 5, 17, 33) - energy_by_definition(v, 5, 17, 33)) < 1e-9);
	/* the split at the true change diverges most */
	for (size_t tau = 3; tau < 37; tau++)
		if (tau != 25)
			assert_true(detect_energy(v, 0, 25, 40) >= detect_energy(v, 0, tau, 40) - 1e-9 ||
				    abs((int)tau - 25) <= 1);
}

static void one_step_in_noise(void **state)
{
	struct detect_opts o;
	struct detect_point *p;
	double v[50];
	size_t n;

	(void)state;
	seed = 1;
	for (size_t i = 0; i < 50; i++)
		v[i] = normal(i < 30 ? 100 : 105, 1);
	detect_opts_default(&o);
	assert_int_equal(detect_changes(v, 50, &o, &p, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].index, 30);
	assert_true(fabs(p[0].change - 5) < 1);
	assert_true(fabs(p[0].change_pct - 5) < 1);
	assert_true(p[0].p <= 0.001);
	free(p);
}

/*
 * Noise alone: the false-change rate the header states (1.4% of 30-night series) with room
 * to spare; a method that tested at 5%, or did not test at all, fails it many times over
 */
static void noise_alone_is_rarely_a_change(void **state)
{
	struct detect_opts o;
	struct detect_point *p;
	double v[30];
	size_t n, series_with_change = 0;

	(void)state;
	detect_opts_default(&o);
	for (uint64_t s = 1; s <= 500; s++) {
		seed = s;
		for (size_t i = 0; i < 30; i++)
			v[i] = normal(590, 6);
		assert_int_equal(detect_changes(v, 30, &o, &p, &n), 0);
		series_with_change += n > 0;
		free(p);
	}
	assert_true(series_with_change <= 15);	/* 3% */
}

static void two_steps_and_a_long_series(void **state)
{
	struct detect_opts o;
	struct detect_point *p;
	double v[365];
	size_t n;

	(void)state;
	seed = 3;
	for (size_t i = 0; i < 60; i++)
		v[i] = normal(i < 20 ? 100 : i < 40 ? 103 : 99, 0.5);
	detect_opts_default(&o);
	assert_int_equal(detect_changes(v, 60, &o, &p, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].index, 20);
	assert_int_equal(p[1].index, 40);
	assert_true(p[0].change > 2 && p[1].change < -3);
	free(p);

	/* a year of nights, one step deep inside it and one at a window's edge (49) */
	for (size_t i = 0; i < 365; i++)
		v[i] = normal(i < 49 ? 600 : i < 200 ? 606 : 612, 1);
	assert_int_equal(detect_changes(v, 365, &o, &p, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].index, 49);
	assert_int_equal(p[1].index, 200);
	free(p);
}

/* instruction-count mode: one instruction between two nights is a change, jitter is not */
static void exact_steps(void **state)
{
	const double v[] = { 590.30, 590.30, 590.31, 590.30, 594.40, 594.40, 594.39, 590.30, 590.81 };
	struct detect_opts o;
	struct detect_point *p;
	size_t n;

	(void)state;
	detect_opts_exact(&o);
	assert_int_equal(detect_changes(v, 9, &o, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].index, 4);
	assert_true(fabs(p[0].change - 4.10) < 1e-9);	/* medians 594.40 - 590.30 */
	assert_int_equal(p[1].index, 7);
	assert_int_equal(p[2].index, 8);	/* +0.51: one instruction */
	assert_true(fabs(p[2].change - 0.51) < 1e-9);
	free(p);
}

static void bad_input(void **state)
{
	double v[] = { 1, 2, NAN, 4 };
	struct detect_opts o;
	struct detect_point *p;
	size_t n;

	(void)state;
	detect_opts_default(&o);
	assert_int_equal(detect_changes(v, 4, &o, &p, &n), -EINVAL);
	detect_opts_exact(&o);
	o.min_step = 0;
	assert_int_equal(detect_changes(v, 2, &o, &p, &n), -EINVAL);
	detect_opts_default(&o);
	o.window = 4;	/* smaller than two segments */
	assert_int_equal(detect_changes(v, 2, &o, &p, &n), -EINVAL);
	detect_opts_default(&o);
	assert_int_equal(detect_changes(v, 1, &o, &p, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(energy_matches_definition),
		cmocka_unit_test(one_step_in_noise),
		cmocka_unit_test(noise_alone_is_rarely_a_change),
		cmocka_unit_test(two_steps_and_a_long_series),
		cmocka_unit_test(exact_steps),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
