// SPDX-License-Identifier: MIT
/*
 * The sequential comparison's boundary: its error rates by simulation (fixed seeds), its
 * power against the noncentral t, its closed form against the Bayes factor it inverts, and
 * the decision rules.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../../analysis/compare_seq.h"
#include "../../analysis/results.h"

#define ALPHA 0.05
#define SEQUENCES 2000
#define LOOKS 50

#define assert_near(a, b, tol) near_((a), (b), (tol), #a, __FILE__, __LINE__)

static void near_(double a, double b, double tol, const char *what, const char *file, int line)
{
	if (!(fabs(a - b) <= tol))
		fail_msg("%s:%d: %s = %.17g, want %.17g +/- %g", file, line, what, a, b, tol);
}

static struct cseq_opts opts(double until)
{
	struct cseq_opts o;

	cseq_opts_default(&o);
	o.until_pct = until;
	return o;
}

/* n per-round changes: mean + sd x N(0, 1) */
static void draw(gsl_rng *rng, double mean, double sd, double *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = mean + gsl_ran_gaussian(rng, sd);
}

/*
 * A host's noise as seen in plain emulation (docs: README, "What a noisy host can detect"):
 * most rounds near the change, one in ten struck as a whole, 5 to 45% off either way (the
 * side that was struck), so heavy tailed and symmetric about the change.
 */
static void draw_struck(gsl_rng *rng, double change, double *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		d[i] = change + gsl_ran_gaussian(rng, 0.8);
		if (gsl_rng_uniform(rng) < 0.1)
			d[i] += (gsl_rng_uniform(rng) < 0.5 ? -1 : 1) * (5 + 40 * gsl_rng_uniform(rng));
	}
}

/*
 * The share of SEQUENCES A/A sequences of n looks (true change 0; per-round sd 0.8, or
 * struck as draw_struck) whose interval ever excludes 0, under o
 */
static double a_a_share(gsl_rng *rng, const struct cseq_opts *o, int struck, double *d, size_t n)
{
	struct cseq_result r;
	int wrong = 0;

	for (int s = 0; s < SEQUENCES; s++) {
		if (struck)
			draw_struck(rng, 0, d, n);
		else
			draw(rng, 0, 0.8, d, n);
		assert_int_equal(cseq_run_changes(d, n, o, &r), 0);
		wrong += r.decided_at != 0;
	}
	return (double)wrong / SEQUENCES;
}

/* log BF_t(mu0) of d[n], straight from its definition (the closed form's source) */
static double log_bf(const double *d, size_t n, double mu0, double g)
{
	double s = 0, q = 0, t = (double)n;

	for (size_t i = 0; i < n; i++) {
		s += d[i] - mu0;
		q += (d[i] - mu0) * (d[i] - mu0);
	}
	return -0.5 * log1p(g * t) - t / 2 * log1p(-g / (1 + g * t) * s * s / q);
}

/* the interval's ends are where the Bayes factor reaches 1/alpha */
static void closed_form_is_the_bayes_factor(void **state)
{
	struct cseq_opts o = opts(0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cseq_result r;
	double d[40];

	(void)state;
	gsl_rng_set(rng, 7);
	for (size_t n = 3; n <= 40; n += 37 / 4) {
		double c, hw;

		draw(rng, 0.3, 1, d, n);
		assert_int_equal(cseq_run_changes(d, n, &o, &r), 0);
		c = cseq_boundary(n, ALPHA, CSEQ_MIXTURE);
		assert_true(isfinite(c));
		hw = c * r.sd_pct / sqrt((double)n);
		assert_near(log_bf(d, n, r.change_pct + hw, CSEQ_MIXTURE), log(1 / ALPHA), 1e-9);
		assert_near(log_bf(d, n, r.change_pct - hw, CSEQ_MIXTURE), log(1 / ALPHA), 1e-9);
		assert_true(log_bf(d, n, r.change_pct + 0.9 * hw, CSEQ_MIXTURE) < log(1 / ALPHA));
		assert_true(log_bf(d, n, r.change_pct + 1.1 * hw, CSEQ_MIXTURE) > log(1 / ALPHA));
	}
	gsl_rng_free(rng);
}

/* nothing before the third round with g = 10; then wider than Student's, by less than 2.5 */
static void boundary_shape(void **state)
{
	(void)state;
	assert_true(isinf(cseq_boundary(1, ALPHA, CSEQ_MIXTURE)));
	assert_true(isinf(cseq_boundary(2, ALPHA, CSEQ_MIXTURE)));
	assert_true(isfinite(cseq_boundary(3, ALPHA, CSEQ_MIXTURE)));
	/* the second look needs g > (1/alpha^2 - 1) / 2 = 199.5 */
	assert_true(isinf(cseq_boundary(2, ALPHA, 199)));
	assert_true(isfinite(cseq_boundary(2, ALPHA, 200)));
	for (size_t n = 4; n <= 1000; n++) {
		double w = cseq_width_ratio(n, ALPHA, CSEQ_MIXTURE);

		assert_true(w > 1);
		assert_true(w < 2.5);
	}
	/* a stricter confidence, a wider sequence */
	assert_true(cseq_boundary(20, 0.01, CSEQ_MIXTURE) > cseq_boundary(20, ALPHA, CSEQ_MIXTURE));
}

/*
 * Type I error: A/A sequences (true change 0), looked at after every round for 50 rounds;
 * how often the interval ever excludes 0 (until = 0: the rule never stops on no-change).
 */
static void type_one_error(void **state)
{
	struct cseq_opts o = opts(0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double d[LOOKS], wrong;

	(void)state;
	gsl_rng_set(rng, 1);
	wrong = a_a_share(rng, &o, 0, d, LOOKS);
	gsl_rng_free(rng);
	print_message("type I error over %d A/A sequences of %d looks: %.4f (nominal %.2f)\n",
		      SEQUENCES, LOOKS, wrong, ALPHA);
	assert_true(wrong <= ALPHA);
}

/*
 * The other error: a true change of exactly +until, judged "no change within +/-until"
 * (its first decision) at most alpha of the time.
 */
static void no_change_error(void **state)
{
	struct cseq_opts o = opts(0.5);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cseq_result r;
	double d[LOOKS];
	int wrong = 0;

	(void)state;
	gsl_rng_set(rng, 2);
	for (int s = 0; s < SEQUENCES; s++) {
		draw(rng, 0.5, 0.3, d, LOOKS);
		assert_int_equal(cseq_run_changes(d, LOOKS, &o, &r), 0);
		if (!r.decided_at)
			continue;
		assert_int_equal(cseq_run_changes(d, r.decided_at, &o, &r), 0);
		wrong += r.verdict == CMP_NO_CHANGE;
	}
	gsl_rng_free(rng);
	print_message("no-change decided of a change at the band's edge: %.4f (nominal %.2f)\n",
		      (double)wrong / SEQUENCES, ALPHA);
	assert_true((double)wrong / SEQUENCES <= ALPHA);
}

/*
 * Power at a known effect: 1 sd of the per-round change, 20 rounds. The share of sequences
 * whose look-20 interval alone excludes 0 is cseq_power's figure (within 3 standard
 * errors of 2000 draws); the rule, looking at every round, decides "change" by round 20 at
 * least as often.
 */
static void power_as_computed(void **state)
{
	struct cseq_opts o = opts(0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cseq_result r;
	double d[20], p = cseq_power(1, 20, ALPHA, CSEQ_MIXTURE), c = cseq_boundary(20, ALPHA, CSEQ_MIXTURE);
	double se = sqrt(p * (1 - p) / SEQUENCES);
	int last = 0, by = 0;

	(void)state;
	assert_true(p > 0.3 && p < 0.95);	/* a case where the figure says something */
	gsl_rng_set(rng, 3);
	for (int s = 0; s < SEQUENCES; s++) {
		draw(rng, 0.4, 0.4, d, 20);
		assert_int_equal(cseq_run_changes(d, 20, &o, &r), 0);
		last += fabs(r.change_pct) * sqrt(20.0) / r.sd_pct > c;
		by += r.decided_at != 0 && r.verdict == CMP_REGRESSION;
	}
	gsl_rng_free(rng);
	print_message("power at 1 sd, 20 rounds: computed %.4f, simulated at look 20 %.4f, the rule "
		      "by round 20 %.4f\n", p, (double)last / SEQUENCES, (double)by / SEQUENCES);
	assert_near((double)last / SEQUENCES, p, 3 * se);
	assert_true((double)by / SEQUENCES >= p - 3 * se);
	/* the rounds needed for 80% are where the computed power first reaches it */
	{
		double n = cseq_rounds_needed(1, 0.8, ALPHA, CSEQ_MIXTURE);

		assert_true(isfinite(n));
		assert_true(cseq_power(1, (size_t)n, ALPHA, CSEQ_MIXTURE) >= 0.8);
		assert_true(cseq_power(1, (size_t)n - 1, ALPHA, CSEQ_MIXTURE) < 0.8);
		assert_true(cseq_rounds_needed(0.5, 0.8, ALPHA, CSEQ_MIXTURE) > n);
	}
	/* no effect: the power is the type I error at one look, below alpha */
	assert_true(cseq_power(0, 20, ALPHA, CSEQ_MIXTURE) < ALPHA);
	assert_true(cseq_power(1, 2, ALPHA, CSEQ_MIXTURE) == 0);
}

/*
 * --robust, the sequence for the median: over 2000 A/A sequences of 150 looks, normal and
 * struck, a change is ever found at most alpha of the time; it says nothing before round
 * 11 (u_t < t/2 first there).
 */
static void robust_type_one_error(void **state)
{
	struct cseq_opts o = opts(0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cseq_result r;
	double d[150], wrong[2];

	(void)state;
	o.robust = 1;
	gsl_rng_set(rng, 11);
	for (int k = 0; k < 2; k++)
		wrong[k] = a_a_share(rng, &o, k, d, 150);
	print_message("robust: type I error over %d A/A sequences of 150 looks: normal %.4f, struck "
		      "%.4f (nominal %.2f)\n", SEQUENCES, wrong[0], wrong[1], ALPHA);
	assert_true(wrong[0] <= ALPHA);
	assert_true(wrong[1] <= ALPHA);
	assert_true(cseq_sign_boundary(10, ALPHA, CSEQ_SIGN_RHO) >= 10 / 2.0);
	assert_true(cseq_sign_boundary(11, ALPHA, CSEQ_SIGN_RHO) < 11 / 2.0);
	draw(rng, 0, 0.8, d, 10);
	gsl_rng_free(rng);
	assert_int_equal(cseq_run_changes(d, 10, &o, &r), 0);
	assert_true(isinf(r.lo_pct) && isinf(r.hi_pct));
}

/*
 * Why --robust: with rounds struck as above and a change of 1% (1.25 sds of the rounds not
 * struck), the sequence for the median finds it by round 150 far more often than the
 * normal law's, whose sd the struck rounds inflate; on clean rounds it gives up little.
 */
static void robust_power_struck(void **state)
{
	struct cseq_opts o = opts(0), ro = opts(0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct cseq_result r;
	double d[150];
	int found[2][2] = { { 0, 0 }, { 0, 0 } };	/* [clean, struck][normal, robust] */

	(void)state;
	ro.robust = 1;
	gsl_rng_set(rng, 12);
	for (int s = 0; s < 500; s++)
		for (int k = 0; k < 2; k++) {
			if (k)
				draw_struck(rng, 1, d, 150);
			else
				draw(rng, 1, 0.8, d, 150);
			assert_int_equal(cseq_run_changes(d, 150, &o, &r), 0);
			found[k][0] += r.verdict == CMP_REGRESSION;
			assert_int_equal(cseq_run_changes(d, 150, &ro, &r), 0);
			found[k][1] += r.verdict == CMP_REGRESSION;
			/* the median is the estimate, and the sign test's interval holds it */
			assert_true(r.fixed_lo_pct <= r.change_pct && r.change_pct <= r.fixed_hi_pct);
		}
	gsl_rng_free(rng);
	print_message("a change of 1%% by round 150, of 500: clean rounds: normal %d, robust %d; "
		      "struck rounds: normal %d, robust %d\n", found[0][0], found[0][1], found[1][0],
		      found[1][1]);
	assert_true(found[1][1] >= 2 * found[1][0]);
	assert_true(found[1][1] >= 400);
	assert_true(found[0][1] >= 400);
}

/* the rules on series without spread (instruction-count mode's exact rounds) and others */
static void decision_rules(void **state)
{
	struct cseq_opts o = opts(0.5);
	struct cseq_result r;
	double k8[] = { 0.694, 0.694, 0.694, 0.694 }, zero[] = { 0, 0, 0, 0 };
	double faster[] = { -2, -2.1, -1.9, -2, -2.05 };
	double a[] = { 590, 590, 590 }, b[] = { 594.096, 594.096, 594.096 }, a0[] = { 590, 0, 590 };

	(void)state;
	/* two rounds: nothing can be said yet */
	assert_int_equal(cseq_run_changes(k8, 2, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_INCONCLUSIVE);
	assert_int_equal(r.decided_at, 0);
	assert_true(isinf(r.lo_pct) && isinf(r.hi_pct));
	/* the third: a change beyond the band, at the point where every round is */
	assert_int_equal(cseq_run_changes(k8, 4, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_REGRESSION);
	assert_int_equal(r.decided_at, 3);
	assert_int_equal(r.beyond, 1);
	assert_near(r.lo_pct, 0.694, 1e-9);
	assert_near(r.hi_pct, 0.694, 1e-9);
	/* A/A without spread: no change, at the third round */
	assert_int_equal(cseq_run_changes(zero, 4, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_NO_CHANGE);
	assert_int_equal(r.decided_at, 3);
	/* an improvement beyond the band */
	assert_int_equal(cseq_run_changes(faster, 5, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_IMPROVEMENT);
	assert_int_equal(r.beyond, 1);
	assert_true(r.hi_pct < -0.5);
	/* wider than Student's interval of the same rounds, around the same mean */
	assert_true(r.lo_pct < r.fixed_lo_pct && r.hi_pct > r.fixed_hi_pct);
	assert_near((r.hi_pct - r.lo_pct) / (r.fixed_hi_pct - r.fixed_lo_pct), r.width_ratio, 1e-9);
	/* a proven change whose size against the band is not known yet, and one within it */
	o.until_pct = 2;
	assert_int_equal(cseq_run_changes(faster, 5, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_IMPROVEMENT);
	assert_int_equal(r.beyond, -1);
	o.until_pct = 5;
	assert_int_equal(cseq_run_changes(faster, 5, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_IMPROVEMENT);
	assert_int_equal(r.beyond, 0);
	/* a difference proven but smaller than the floor (instruction-count mode: half an
	 * instruction an exit) is no change; beyond it, a change */
	{
		double tiny[] = { -0.0005, -0.0006, -0.0005, -0.0006, -0.0005 };

		assert_int_equal(cseq_run_changes(tiny, 5, &o, &r), 0);
		assert_int_equal(r.verdict, CMP_IMPROVEMENT);
		o.floor_pct = 0.043;
		assert_int_equal(cseq_run_changes(tiny, 5, &o, &r), 0);
		assert_int_equal(r.verdict, CMP_NO_CHANGE);
		assert_int_equal(r.decided_at, 3);
		assert_int_equal(cseq_run_changes(k8, 4, &o, &r), 0);
		assert_int_equal(r.verdict, CMP_REGRESSION);
		/* a band narrower than the floor: within the floor is no change all the same */
		o.until_pct = 0.01;
		assert_int_equal(cseq_run_changes(tiny, 5, &o, &r), 0);
		assert_int_equal(r.verdict, CMP_NO_CHANGE);
		o.floor_pct = 0;
	}
	/* from the rounds' figures: +4.096 ticks on 590 */
	o.until_pct = 0.5;
	assert_int_equal(cseq_run(a, b, 3, &o, &r), 0);
	assert_int_equal(r.verdict, CMP_REGRESSION);
	assert_near(r.change, 4.096, 1e-9);
	assert_near(r.lo, 4.096, 1e-9);
	assert_near(r.change_pct, 100 * 4.096 / 590, 1e-9);
	/* bad input */
	assert_int_equal(cseq_run(a0, b, 3, &o, &r), -EDOM);
	assert_int_equal(cseq_run_changes(k8, 0, &o, &r), -EINVAL);
	k8[1] = NAN;
	assert_int_equal(cseq_run_changes(k8, 4, &o, &r), -EINVAL);
}

/* a set of series stops at the last of their first decisions, or not at all */
static void stop_look(void **state)
{
	struct cseq_result r[3] = { { .decided_at = 3 }, { .decided_at = 7 }, { .decided_at = 4 } };

	(void)state;
	assert_int_equal(cseq_stop_look(r, 3), 7);
	r[2].decided_at = 0;
	assert_int_equal(cseq_stop_look(r, 3), 0);
	assert_int_equal(cseq_stop_look(r, 0), 0);
}

/* rounds paired by their number, whatever the order; a round one side lacks is dropped */
static void pair_rounds(void **state)
{
	struct results ra, rb;
	struct res_bench *a, *b;
	double *va, *vb;
	size_t n;

	(void)state;
	res_init(&ra);
	res_init(&rb);
	a = res_add(&ra, "pvr");
	b = res_add(&rb, "pvr");
	/* A: rounds 1, 2, 3 (two runs each); B: rounds 2, 1 and not 3 (a cut-off round) */
	assert_int_equal(res_push_run_round(a, 10, 1), 0);
	assert_int_equal(res_push_run_round(a, 12, 1), 0);
	assert_int_equal(res_push_run_round(a, 20, 2), 0);
	assert_int_equal(res_push_run_round(a, 22, 2), 0);
	assert_int_equal(res_push_run_round(a, 30, 3), 0);
	assert_int_equal(res_push_run_round(b, 25, 2), 0);
	assert_int_equal(res_push_run_round(b, 15, 1), 0);
	assert_int_equal(res_push_run_round(b, 17, 1), 0);
	assert_int_equal(cseq_pair(a, b, 0, &va, &vb, &n), 0);
	assert_int_equal(n, 2);
	assert_near(va[0], 11, 0);
	assert_near(vb[0], 16, 0);
	assert_near(va[1], 21, 0);
	assert_near(vb[1], 25, 0);
	free(va);
	free(vb);
	/* a single round (the first look): one pair, the mean of its runs, not a pair a run */
	res_free(&ra);
	res_free(&rb);
	res_init(&ra);
	res_init(&rb);
	a = res_add(&ra, "pvr");
	b = res_add(&rb, "pvr");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(res_push_run_round(a, 100 + i, 1), 0);
		assert_int_equal(res_push_run_round(b, 200 + i, 1), 0);
	}
	assert_int_equal(cseq_pair(a, b, 0, &va, &vb, &n), 0);
	assert_int_equal(n, 1);
	assert_near(va[0], 101.5, 0);
	assert_near(vb[0], 201.5, 0);
	free(va);
	free(vb);
	/* runs without rounds: by position, as many as the shorter side has */
	res_free(&ra);
	res_free(&rb);
	res_init(&ra);
	res_init(&rb);
	a = res_add(&ra, "pvr");
	b = res_add(&rb, "pvr");
	for (int i = 0; i < 4; i++)
		assert_int_equal(res_push_run(a, 100 + i), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res_push_run(b, 200 + i), 0);
	assert_int_equal(cseq_pair(a, b, 0, &va, &vb, &n), 0);
	assert_int_equal(n, 3);
	assert_near(va[2], 102, 0);
	assert_near(vb[2], 202, 0);
	free(va);
	free(vb);
	res_free(&ra);
	res_free(&rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(closed_form_is_the_bayes_factor),
		cmocka_unit_test(boundary_shape),
		cmocka_unit_test(type_one_error),
		cmocka_unit_test(no_change_error),
		cmocka_unit_test(power_as_computed),
		cmocka_unit_test(robust_type_one_error),
		cmocka_unit_test(robust_power_struck),
		cmocka_unit_test(decision_rules),
		cmocka_unit_test(stop_look),
		cmocka_unit_test(pair_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
