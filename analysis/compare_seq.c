// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "compare_seq.h"
#include "results.h"

const char cseq_method_robust[] =
	"confidence sequence for the median per-round change (B - A) / A, free of the law's "
	"shape: the signs of the rounds' changes about it, a normal mixture boundary by Ville's "
	"inequality (Howard, Ramdas, McAuliffe and Sekhon 2021; Howard and Ramdas 2022), running "
	"intersection";
const char cseq_method[] =
	"confidence sequence for the mean per-round change (B - A) / A: the Bayes factor mixed "
	"over the effect in sds, N(0, g), and over the sd, right-Haar dsd/sd, bounded by Ville's "
	"inequality (Lai 1976; Wang and Ramdas 2023), running intersection";

const char *cseq_method_of(const struct cseq_opts *o)
{
	return o->robust ? cseq_method_robust : cseq_method;
}

void cseq_opts_default(struct cseq_opts *o)
{
	o->confidence = 0.95;
	o->until_pct = 1.0;
	o->mixture = CSEQ_MIXTURE;
	o->floor_pct = 0;
	o->robust = 0;
}

/* A_t: the bound on S^2 / Q (S, Q of d - mu0) below which BF_t(mu0) < 1/alpha */
static double bound_a(size_t t, double alpha, double g)
{
	double gt = g * (double)t;

	/* 1 - (alpha^2 / (1 + g t))^(1/t), without cancelling when t is large */
	return -expm1((2 * log(alpha) - log1p(gt)) / (double)t) * (1 + gt) / g;
}

double cseq_boundary(size_t t, double alpha, double mixture)
{
	double a;

	if (t < 2 || !(alpha > 0 && alpha < 1) || !(mixture > 0))
		return INFINITY;
	a = bound_a(t, alpha, mixture);
	if (!(a < (double)t))
		return INFINITY;
	return sqrt(a * (double)(t - 1) / ((double)t - a));
}

double cseq_width_ratio(size_t t, double alpha, double mixture)
{
	double c = cseq_boundary(t, alpha, mixture);

	return isfinite(c) ? c / gsl_cdf_tdist_Qinv(alpha / 2, (double)(t - 1)) : INFINITY;
}

int cseq_decided(const struct cseq_result *r)
{
	return r->verdict != CMP_INCONCLUSIVE;
}

int cseq_regressed(const struct cseq_result *r, const struct cseq_opts *o)
{
	return r->rounds && r->verdict == CMP_REGRESSION && r->change_pct > o->until_pct;
}

const char *cseq_verdict_note(const struct cseq_result *r)
{
	switch (r->verdict) {
	case CMP_REGRESSION:
	case CMP_IMPROVEMENT:
		return r->beyond > 0 ? "proven, beyond the band" : !r->beyond ? "proven, within the band"
			: "proven; beyond the band or not is not known yet";
	case CMP_NO_CHANGE:
		return "within the band";
	default:
		return "not decided: the interval holds 0 and reaches beyond the band";
	}
}

static const char *const end_names[] = { "rounds", "budget", "failure" };

const char *cseq_end_name(enum cseq_end e)
{
	return end_names[e];
}

int cseq_end_parse(const char *name, enum cseq_end *e)
{
	for (size_t i = 0; i < sizeof(end_names) / sizeof(end_names[0]); i++)
		if (!strcmp(name, end_names[i])) {
			*e = (enum cseq_end)i;
			return 0;
		}
	return -EINVAL;
}

void cseq_stop_line(const struct cseq_summary *s, char *buf, size_t len)
{
	char took[64] = "";

	if (isfinite(s->elapsed_s))
		snprintf(took, sizeof(took), ", %.0f s of rounds", s->elapsed_s);
	if (s->look)
		snprintf(buf, len, "stopped: every benchmark decided at round %zu (%zu taken%s)", s->look,
			 s->rounds, took);
	else if (s->ended == CSEQ_END_BUDGET && isfinite(s->budget_s))
		snprintf(buf, len, "not decided after %zu rounds: the time budget of %.0f s ended%s",
			 s->rounds, s->budget_s, took);
	else if (s->ended == CSEQ_END_BUDGET)
		snprintf(buf, len, "not decided after %zu rounds: the time budget ended%s", s->rounds, took);
	else if (s->ended == CSEQ_END_FAILURE)
		snprintf(buf, len, "not decided after %zu rounds: the runs failed%s", s->rounds, took);
	else
		snprintf(buf, len, "not decided after %zu rounds: no more rounds were given%s", s->rounds,
			 took);
}

/* the rule at one look, on the interval so far */
static void judge(struct cseq_result *r, const struct cseq_opts *o)
{
	double lo = r->lo_pct, hi = r->hi_pct, until = o->until_pct, floor = o->floor_pct;
	double band = fmax(until, floor);

	if (lo > floor || hi < -floor) {
		r->verdict = lo > 0 ? CMP_REGRESSION : CMP_IMPROVEMENT;
		r->beyond = lo > until || hi < -until ? 1 : lo > -until && hi < until ? 0 : -1;
	} else if (lo > -band && hi < band) {
		r->verdict = CMP_NO_CHANGE;
		r->beyond = 0;
	} else {
		r->verdict = CMP_INCONCLUSIVE;
		r->beyond = -1;
	}
}

double cseq_sign_boundary(size_t t, double alpha, double rho)
{
	double v = (double)t / 4 + rho;

	return sqrt(2 * v * log(sqrt(v / rho) / alpha));
}

/* the sign test's fixed-n interval of the median of s[n] (sorted): [s_(k), s_(n-k+1)] */
static void sign_fixed(const double *s, size_t n, double alpha, double *lo, double *hi)
{
	size_t k = 0;

	/* the largest k with P(Bin(n, 1/2) <= k - 1) <= alpha/2 */
	while (k < n / 2 && gsl_cdf_binomial_P((unsigned)k, 0.5, (unsigned)n) <= alpha / 2)
		k++;
	*lo = k ? s[k - 1] : -INFINITY;
	*hi = k ? s[n - k] : INFINITY;
}

/* the robust sequence at look t over s[t] (sorted): its interval, or infinite ends */
static void sign_look(const double *s, size_t t, double alpha, double *lo, double *hi)
{
	double u = cseq_sign_boundary(t, alpha, CSEQ_SIGN_RHO);
	double l = ceil((double)t / 2 - u), h = floor((double)t / 2 + u) + 1;

	*lo = l >= 1 ? s[(size_t)l - 1] : -INFINITY;
	*hi = h <= (double)t ? s[(size_t)h - 1] : INFINITY;
}

/* insert x into s[t] sorted: s[t + 1] sorted */
static void sorted_insert(double *s, size_t t, double x)
{
	size_t i = t;

	while (i > 0 && s[i - 1] > x) {
		s[i] = s[i - 1];
		i--;
	}
	s[i] = x;
}

int cseq_run_changes(const double *d, size_t n, const struct cseq_opts *o, struct cseq_result *r)
{
	double alpha = 1 - o->confidence, mean = 0, ss = 0, *s = NULL, sl = NAN, sh = NAN;

	if (!n || !(alpha > 0 && alpha < 1) || !(o->mixture > 0) || !(o->until_pct >= 0) ||
	    !(o->floor_pct >= 0))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(d[i]))
			return -EINVAL;
	if (o->robust && !(s = malloc(n * sizeof(*s))))
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	r->lo_pct = -INFINITY;
	r->hi_pct = INFINITY;
	r->verdict = CMP_INCONCLUSIVE;
	r->beyond = -1;
	for (size_t t = 1; t <= n; t++) {
		/* Welford: the deviations' sum of squares without cancelling */
		double x = d[t - 1], delta = x - mean, c, hw, lo, hi;

		mean += delta / (double)t;
		ss += delta * (x - mean);
		if (s) {
			sorted_insert(s, t - 1, x);
			sign_look(s, t, alpha, &sl, &sh);
			lo = fmax(r->lo_pct, sl);
			hi = fmin(r->hi_pct, sh);
			if (lo > hi) {
				lo = sl;
				hi = sh;
			}
			r->lo_pct = lo;
			r->hi_pct = hi;
		} else if (isfinite(c = cseq_boundary(t, alpha, o->mixture))) {
			hw = c * sqrt(ss / (double)(t - 1) / (double)t);
			lo = fmax(r->lo_pct, mean - hw);
			hi = fmin(r->hi_pct, mean + hw);
			/* empty only when the sequence missed (probability <= alpha): this look's own */
			if (lo > hi) {
				lo = mean - hw;
				hi = mean + hw;
			}
			r->lo_pct = lo;
			r->hi_pct = hi;
		}
		judge(r, o);
		if (!r->decided_at && cseq_decided(r))
			r->decided_at = t;
	}
	r->rounds = n;
	r->change_pct = mean;
	r->sd_pct = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
	if (n > 1) {
		double hw = gsl_cdf_tdist_Qinv(alpha / 2, (double)(n - 1)) * r->sd_pct / sqrt((double)n);

		r->fixed_lo_pct = mean - hw;
		r->fixed_hi_pct = mean + hw;
	} else {
		r->fixed_lo_pct = -INFINITY;
		r->fixed_hi_pct = INFINITY;
	}
	r->width_ratio = cseq_width_ratio(n, alpha, o->mixture);
	if (s) {
		/* the median, the sign test's interval, and the widths' ratio at this look */
		double fl, fh;

		r->change_pct = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		sign_fixed(s, n, alpha, &fl, &fh);
		r->fixed_lo_pct = fl;
		r->fixed_hi_pct = fh;
		r->width_ratio = isfinite(fh - fl) && fh > fl ? (sh - sl) / (fh - fl) : NAN;
		free(s);
	}
	r->floor_pct = o->floor_pct;
	r->mean_a = r->mean_b = NAN;
	r->change = r->lo = r->hi = NAN;
	return 0;
}

int cseq_run(const double *a, const double *b, size_t n, const struct cseq_opts *o,
	     struct cseq_result *r)
{
	double *d, sa = 0, sb = 0;
	int ret;

	if (!n)
		return -EINVAL;
	if (!(d = malloc(n * sizeof(*d))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == 0) {
			free(d);
			return -EDOM;
		}
		d[i] = 100 * (b[i] - a[i]) / a[i];
		sa += a[i];
		sb += b[i];
	}
	ret = cseq_run_changes(d, n, o, r);
	free(d);
	if (ret)
		return ret;
	r->mean_a = sa / (double)n;
	r->mean_b = sb / (double)n;
	/* in A's unit: the percentages of A's mean (its own error is the d_r's over sqrt(n)) */
	r->change = r->change_pct * fabs(r->mean_a) / 100;
	r->lo = r->lo_pct * fabs(r->mean_a) / 100;
	r->hi = r->hi_pct * fabs(r->mean_a) / 100;
	return 0;
}

size_t cseq_stop_look(const struct cseq_result *r, size_t k)
{
	size_t look = 0;

	for (size_t i = 0; i < k; i++) {
		if (!r[i].decided_at)
			return 0;
		if (r[i].decided_at > look)
			look = r[i].decided_at;
	}
	return look;
}

/* ---- power: the noncentral t, P(|Z + ncp| > c sqrt(V / df)), V chi-square(df) ---- */

struct nct {
	double df, ncp, c;
};

/* the integrand over w = sqrt(V) (finite at 0 for every df, unlike V's density at df = 1) */
static double nct_at(double w, const struct nct *p)
{
	double s = p->c * w / sqrt(p->df);

	return 2 * w * gsl_ran_chisq_pdf(w * w, p->df) *
	       (gsl_cdf_ugaussian_Q(s - p->ncp) + gsl_cdf_ugaussian_P(-s - p->ncp));
}

double cseq_power(double effect_sd, size_t n, double alpha, double mixture)
{
	enum { PANELS = 16, NODES = 64 };
	struct nct p = { .df = (double)n - 1, .ncp = effect_sd * sqrt((double)n),
			 .c = cseq_boundary(n, alpha, mixture) };
	gsl_integration_glfixed_table *gl;
	double w0, w1, sum = 0;

	if (!isfinite(p.c) || !isfinite(effect_sd))
		return 0;
	/* V's mass outside [w0^2, w1^2] is below 1e-14 */
	w0 = sqrt(gsl_cdf_chisq_Pinv(1e-15, p.df));
	w1 = sqrt(gsl_cdf_chisq_Qinv(1e-15, p.df));
	if (!(gl = gsl_integration_glfixed_table_alloc(NODES)))
		return NAN;
	for (int k = 0; k < PANELS; k++) {
		double a = w0 + (w1 - w0) * k / PANELS, b = w0 + (w1 - w0) * (k + 1) / PANELS;

		for (int i = 0; i < NODES; i++) {
			double x, wt;

			gsl_integration_glfixed_point(a, b, (size_t)i, &x, &wt, gl);
			sum += wt * nct_at(x, &p);
		}
	}
	gsl_integration_glfixed_table_free(gl);
	return fmin(1, fmax(0, sum));
}

double cseq_rounds_needed(double effect_sd, double power, double alpha, double mixture)
{
	size_t lo = 2, hi = 3;

	if (!(effect_sd != 0) || !isfinite(effect_sd) || !(power > 0 && power < 1))
		return INFINITY;
	/* the power grows with n past the first finite boundary: double, then bisect */
	while (cseq_power(effect_sd, hi, alpha, mixture) < power) {
		lo = hi;
		if (hi > 1000000)
			return INFINITY;
		hi *= 2;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (cseq_power(effect_sd, mid, alpha, mixture) < power)
			lo = mid;
		else
			hi = mid;
	}
	return (double)hi;
}

/* ---- the rounds of two results' benchmarks, paired ---- */

/* a round's figure, and which round it is */
struct round_fig {
	uint32_t round;
	double v;
};

static int by_round(const void *x, const void *y)
{
	const struct round_fig *a = x, *b = y;

	return a->round < b->round ? -1 : a->round > b->round;
}

/* 1 when b's runs carry the comparison's rounds */
static int has_rounds(const struct res_bench *b)
{
	for (size_t i = 0; i < b->nruns; i++)
		if (b->run_rounds && b->run_rounds[i])
			return 1;
	return 0;
}

/*
 * b's figures a round, with their rounds, sorted by round (rounds are numbered as they
 * ran): res_samples' (in order of each round's first run), or with a single round, which
 * res_samples gives run by run, their mean. *n of them into *out.
 */
static int round_figures(const struct res_bench *b, int median, struct round_fig **out, size_t *n)
{
	struct round_fig *f;
	double *v = NULL, sum = 0;
	size_t nv = 0, k = 0;
	int ret;

	if ((ret = res_samples(b, median, &v, &nv)))
		return ret;
	if (!(f = calloc(nv ? nv : 1, sizeof(*f)))) {
		free(v);
		return -ENOMEM;
	}
	if (res_rounds(b) <= 1) {
		for (size_t i = 0; i < nv; i++)
			sum += v[i];
		f[0].round = b->run_rounds[0];
		f[0].v = sum / (double)nv;
		free(v);
		*out = f;
		*n = nv ? 1 : 0;
		return 0;
	}
	for (size_t i = 0; i < b->nruns && k < nv; i++) {
		size_t j = 0;

		while (j < k && f[j].round != b->run_rounds[i])
			j++;
		if (j == k)
			f[k++].round = b->run_rounds[i];
	}
	for (size_t i = 0; i < nv; i++)
		f[i].v = v[i];
	free(v);
	qsort(f, nv, sizeof(*f), by_round);
	*out = f;
	*n = nv;
	return 0;
}

int cseq_pair(const struct res_bench *ra, const struct res_bench *rb, int median, double **a,
	      double **b, size_t *n)
{
	double *va = NULL, *vb = NULL, *pa, *pb;
	struct round_fig *fa = NULL, *fb = NULL;
	size_t na = 0, nb = 0, k = 0;
	int ret, rounds = has_rounds(ra) && has_rounds(rb);

	if (rounds) {
		ret = round_figures(ra, median, &fa, &na);
		if (!ret)
			ret = round_figures(rb, median, &fb, &nb);
	} else {
		ret = res_samples(ra, median, &va, &na);
		if (!ret)
			ret = res_samples(rb, median, &vb, &nb);
	}
	pa = malloc((na ? na : 1) * sizeof(*pa));
	pb = malloc((na ? na : 1) * sizeof(*pb));
	if (!ret && (!pa || !pb))
		ret = -ENOMEM;
	for (size_t i = 0, j = 0; !ret && i < na; i++) {
		if (!rounds) {
			/* runs without rounds: paired by position */
			if (i >= nb)
				break;
			pa[k] = va[i];
			pb[k++] = vb[i];
			continue;
		}
		/* the rounds both sides have */
		while (j < nb && fb[j].round < fa[i].round)
			j++;
		if (j < nb && fb[j].round == fa[i].round) {
			pa[k] = fa[i].v;
			pb[k++] = fb[j].v;
		}
	}
	free(va);
	free(vb);
	free(fa);
	free(fb);
	if (ret) {
		free(pa);
		free(pb);
		return ret;
	}
	*a = pa;
	*b = pb;
	*n = k;
	return 0;
}

double cseq_icount_floor(double tb_hz, unsigned exits_per_iteration)
{
	return tb_hz > 0 ? 0.5e-9 * tb_hz * (exits_per_iteration > 1 ? exits_per_iteration : 1) : 0;
}

int cseq_bench(const struct res_bench *ra, const struct res_bench *rb, int median, double floor,
	       size_t look, const struct cseq_opts *o, struct cseq_result *r)
{
	struct cseq_opts oo = *o;
	double *a = NULL, *b = NULL, mean = 0;
	size_t n = 0;
	int ret;

	if ((ret = cseq_pair(ra, rb, median, &a, &b, &n)))
		return ret;
	for (size_t i = 0; i < n; i++)
		mean += a[i] / (double)n;
	oo.floor_pct = floor > 0 && mean != 0 ? 100 * floor / fabs(mean) : 0;
	ret = n ? cseq_run(a, b, look && look < n ? look : n, &oo, r) : -ERANGE;
	free(a);
	free(b);
	return ret;
}

const char *cseq_strerror(int ret)
{
	switch (ret) {
	case -EINVAL:
		return "per-run medians or fastest batches need per-batch values, which this results.json lacks";
	case -ERANGE:
		return "no round that both sides ran";
	case -EDOM:
		return "a round's figure on A is 0: no change in percent of it";
	case -ENOMEM:
		return "out of memory";
	default:
		return "a round's figure is not a number";
	}
}
