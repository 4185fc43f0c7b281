/* SPDX-License-Identifier: MIT */
/*
 * The sequential comparison: A and B measured round after round, looked at after every
 * round, stopped once the change is decided against a band of +/-until percent (proven
 * change, or proven within the band). Its intervals keep their confidence whenever one
 * stops: a confidence sequence, valid uniformly over all rounds (docs/design.md,
 * "compare.json"; README.md, "Comparing until the answer is known").
 *
 * The sample of round r is d_r = 100 (B_r - A_r) / A_r, the change in percent of the
 * round's A: paired by round (A and B ran back to back), free of the unit. The d_r are
 * taken as independent draws from a normal law of unknown mean and unknown sd (a round's
 * figure is a mean over thousands of iterations); the sequence is for the mean.
 *
 * The boundary: the Bayes factor of "mean mu0 + delta sd" against "mean mu0", mixed over
 * delta ~ N(0, g) and over the sd with the right-Haar measure dsd/sd, is
 *	BF_t = (1 + g t)^(-1/2) (1 - g/(1 + g t) S^2/Q)^(-t/2),
 * S and Q the sum and the sum of squares of d_r - mu0. It depends on the data only through
 * their direction, so it is a nonnegative martingale starting at 1 under mu0 whatever the
 * sd (a test martingale in the scale-invariant filtration: Wang and Ramdas 2023, after Lai
 * 1976), and by Ville's inequality it ever reaches 1/alpha with probability at most alpha.
 * The set of mu0 where it has not is, in closed form, mean +/- sqrt(A_t SS / (t (t - A_t))),
 * A_t = (1 - (alpha^2 / (1 + g t))^(1/t)) (1 + g t) / g, SS the sum of squared deviations:
 * a t interval with a wider critical value, c_t = sqrt(A_t (t-1) / (t - A_t)) on
 * |mean| sqrt(t) / sd, and no interval at all (infinite) while A_t >= t.
 */
#ifndef EB_COMPARE_SEQ_H
#define EB_COMPARE_SEQ_H

#include <stddef.h>

#include "compare_stats.h"

/*
 * g, the variance of the standardized effect the boundary is mixed over. 10 lets a series
 * without spread (instruction-count mode's exact rounds) decide at its third round, the
 * earliest any alpha = 5% t-type sequence can (the second would need g > 199.5 and cost a
 * third more width); against g = 2 it costs 4-8% of width at 10 to 50 rounds.
 */
#define CSEQ_MIXTURE 10.0

/* The method, named for the reader (compare.json's sequential.method). */
extern const char cseq_method[];
/*
 * --robust: the sequence for the median per-round change, free of the law's shape (a host
 * whose noise strikes whole rounds: heavy tails, which the normal law's sequence pays for
 * with its sd). For the median m, the signs 1{d_r <= m} - 1/2 are bounded by 1/2, so their
 * sum S_t is sub-Gaussian with variance t/4 (Hoeffding), and the normal mixture of the
 * martingales exp(l S_t - l^2 t/8), l ~ N(0, 1/rho), ever exceeds 1/alpha with probability
 * at most alpha (Ville): |S_t| <= u_t = sqrt(2 (t/4 + rho) log(sqrt((t/4 + rho)/rho)/alpha))
 * at every t (Howard, Ramdas, McAuliffe and Sekhon 2021, the normal mixture boundary; as a
 * sequence for a quantile: Howard and Ramdas 2022). The m it keeps run from the order
 * statistic d_(ceil(t/2 - u_t)) to d_(floor(t/2 + u_t) + 1); none before u_t < t/2
 * (11 rounds at alpha = 5%). rho sets where it is tightest: CSEQ_SIGN_RHO, near 50 rounds.
 */
extern const char cseq_method_robust[];
#define CSEQ_SIGN_RHO 1.31

struct cseq_opts {
	double confidence;		/* of the sequence, uniformly over all rounds (0.95) */
	double until_pct;		/* the band of no change, +/- % of A (1) */
	double mixture;			/* g (CSEQ_MIXTURE) */
	int robust;			/* the sequence for the median, of the signs (above) */
	double floor_pct;		/* a change is proven only beyond +/-floor (0): in
					   instruction-count mode, half an instruction an exit, the
					   least a change of code moves (less is where a module was
					   loaded, or a round's share of interrupted exits) */
};

struct cseq_result {
	size_t rounds;			/* rounds looked at (the look it is taken at) */
	size_t decided_at;		/* the first look at which the rule decided (0: none) */
	double mean_a, mean_b;		/* of the rounds' figures, in their unit */
	double change_pct, sd_pct;	/* mean (robust: median) and sd of the per-round
					   changes d_r, % */
	double lo_pct, hi_pct;		/* the sequence's interval at this look: the running
					   intersection of every look's (infinite before the
					   boundary is finite) */
	double change, lo, hi;		/* the same in A's unit: % x mean_a / 100 */
	double fixed_lo_pct, fixed_hi_pct;	/* Student's t interval of the same rounds, as if
					   their number had been fixed in advance (the price);
					   robust: the sign test's interval of the median */
	double width_ratio;		/* the sequence's critical value over Student's at this n */
	double floor_pct;		/* the floor it was judged with (cseq_opts) */
	enum cmp_verdict verdict;	/* regression, improvement (the interval excludes 0, or
					   +/-floor), no-change (it lies within +/-until, or
					   +/-floor), inconclusive */
	int beyond;			/* a change: 1 its interval lies beyond +/-until, 0 within,
					   -1 not known yet (it reaches across) */
};

/* The method of these options: cseq_method, or cseq_method_robust. */
const char *cseq_method_of(const struct cseq_opts *o);
/* Defaults: confidence 95%, until 1%, g = CSEQ_MIXTURE, no floor, not robust. */
void cseq_opts_default(struct cseq_opts *o);
/*
 * The critical value c_t at look t (the bound on |mean| sqrt(t) / sd): INFINITY while the
 * sequence can say nothing yet (t small). alpha = 1 - confidence.
 */
double cseq_boundary(size_t t, double alpha, double mixture);
/* u_t of the robust sequence at look t (above); alpha = 1 - confidence. */
double cseq_sign_boundary(size_t t, double alpha, double rho);
/* c_t over Student's t(1 - alpha/2, t-1): what looking after every round costs in width. */
double cseq_width_ratio(size_t t, double alpha, double mixture);
/*
 * Judge the per-round changes d[n] (% of A), looking after every round: the result at look
 * n, with the first look that decided. -EINVAL: n = 0 or a value not finite.
 */
int cseq_run_changes(const double *d, size_t n, const struct cseq_opts *o, struct cseq_result *r);
/*
 * The same from the rounds' figures a[n], b[n] (paired: a[i] and b[i] ran in one round):
 * d_r = 100 (b - a) / a. -EINVAL as above; -EDOM: an a[i] of 0 (no percentage of it).
 */
int cseq_run(const double *a, const double *b, size_t n, const struct cseq_opts *o,
	     struct cseq_result *r);
/*
 * Where a set of k series judged together stops: the last of their first decisions when
 * every one decided (their decided_at), 0 when one has not. Each is then taken at that look.
 */
size_t cseq_stop_look(const struct cseq_result *r, size_t k);
/*
 * Probability that the sequence's interval at look n alone excludes 0 when the true mean
 * change is effect_sd per-round sds (the noncentral t, integrated numerically). The rule
 * decides "change" by round n at least this often: it looks at every round and keeps the
 * running intersection.
 */
double cseq_power(double effect_sd, size_t n, double alpha, double mixture);
/* The smallest n at which cseq_power reaches power (INFINITY beyond 1e6 rounds). */
double cseq_rounds_needed(double effect_sd, double power, double alpha, double mixture);
/* 1 when the rule decided at this look (change or no-change) */
int cseq_decided(const struct cseq_result *r);
/* 1 when r is a proven slow-down whose estimate exceeds the band (as cmp_regressed) */
int cseq_regressed(const struct cseq_result *r, const struct cseq_opts *o);
/* What a decided or undecided r says against the band, as a clause for the reader. */
const char *cseq_verdict_note(const struct cseq_result *r);

/* Why the rounds of an undecided comparison ended (the caller knows; the data do not). */
enum cseq_end { CSEQ_END_ROUNDS, CSEQ_END_BUDGET, CSEQ_END_FAILURE };

/* A sequential comparison as a whole: its settings and where it stopped. */
struct cseq_summary {
	struct cseq_opts opts;
	size_t rounds;			/* rounds taken: the most any benchmark had */
	size_t look;			/* the look it stopped at, every benchmark decided (0: none) */
	enum cseq_end ended;		/* undecided: what ended the rounds */
	double budget_s, elapsed_s;	/* the time budget and the time taken (NaN: not given) */
};
/* "rounds" (the rounds given ran out), "budget" (the time budget ended), "failure" */
const char *cseq_end_name(enum cseq_end e);
/* 0 and *e, or -EINVAL for a name that is none of cseq_end_name's */
int cseq_end_parse(const char *name, enum cseq_end *e);
/* Why s stopped, one clause for the reader: "every benchmark decided at round 3 of 4 taken" */
void cseq_stop_line(const struct cseq_summary *s, char *buf, size_t len);

struct res_bench;
/*
 * The paired per-round figures of two benchmarks' runs (results.h): the rounds both sides
 * have, in round order, each the mean of its runs (per-run medians of the batches when
 * median is set, as res_samples); runs without rounds are paired by position. *a and *b
 * malloc'ed. -EINVAL: medians asked of runs without batch values; -ENOMEM.
 */
int cseq_pair(const struct res_bench *ra, const struct res_bench *rb, int median, double **a,
	      double **b, size_t *n);

/*
 * The floor of a figure in timebase ticks an iteration under -icount shift=0: half an
 * instruction (0.5 ns of virtual time) an exit, or an iteration for a benchmark without
 * exits (its loop is code too). tb_hz: the timebase's frequency; 0 when not known.
 */
double cseq_icount_floor(double tb_hz, unsigned exits_per_iteration);
/*
 * Judge benchmark rb (B) against ra (A) by the sequence: their rounds paired (cseq_pair),
 * floor (in their unit, 0: none) taken as a percentage of A's mean, at look (0: their
 * last round). -EINVAL: medians asked of runs without batch values; -ERANGE: no round both
 * sides ran; -EDOM: a round of A's is 0; -ENOMEM.
 */
int cseq_bench(const struct res_bench *ra, const struct res_bench *rb, int median, double floor,
	       size_t look, const struct cseq_opts *o, struct cseq_result *r);
/* What cseq_bench's error ret means, as a clause for a message line. */
const char *cseq_strerror(int ret);

#endif
