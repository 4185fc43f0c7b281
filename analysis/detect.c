// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "stats.h"

void detect_opts_default(struct detect_opts *o)
{
	*o = (struct detect_opts){ .exact = 0, .min_step = 0, .p_value = 0.001, .window = 50,
				   .min_segment = 3 };
}

void detect_opts_exact(struct detect_opts *o)
{
	detect_opts_default(o);
	o->exact = 1;
	o->min_step = 0.256;	/* half of one instruction's 0.512 ticks */
}

/* sum of |v[i] - v[j]| over i in [a0, a1), j in [b0, b1) */
static double cross_sum(const double *v, size_t a0, size_t a1, size_t b0, size_t b1)
{
	double s = 0;

	for (size_t i = a0; i < a1; i++)
		for (size_t j = b0; j < b1; j++)
			s += fabs(v[i] - v[j]);
	return s;
}

double detect_energy(const double *v, size_t s, size_t tau, size_t e)
{
	double m = (double)(tau - s), k = (double)(e - tau), q;

	q = 2 * cross_sum(v, s, tau, tau, e) / (m * k);
	/* the within sums count each pair twice: divide by 2 * C(n, 2) = n (n - 1) */
	if (m > 1)
		q -= cross_sum(v, s, tau, s, tau) / (m * (m - 1));
	if (k > 1)
		q -= cross_sum(v, tau, e, tau, e) / (k * (k - 1));
	return m * k / (m + k) * q;
}

/*
 * Q for every split of w[0, L): a distance matrix's 2-D prefix sums make each split O(1),
 * the window O(L^2). q[tau] for tau in [lo, hi], the rest untouched.
 */
static void energy_all(const double *w, size_t L, size_t lo, size_t hi, double *P, double *q)
{
	/* P[(i) * (L + 1) + j]: sum of |w[a] - w[b]| over a < i, b < j */
#define PS(i, j) P[(i) * (L + 1) + (j)]
	for (size_t j = 0; j <= L; j++)
		PS(0, j) = 0;
	for (size_t i = 1; i <= L; i++) {
		double row = 0;

		PS(i, 0) = 0;
		for (size_t j = 1; j <= L; j++) {
			row += fabs(w[i - 1] - w[j - 1]);
			PS(i, j) = PS(i - 1, j) + row;
		}
	}
	for (size_t tau = lo; tau <= hi; tau++) {
		double m = (double)tau, k = (double)(L - tau);
		double cross = PS(tau, L) - PS(tau, tau);
		double wa = PS(tau, tau);
		double wb = PS(L, L) - PS(tau, L) - PS(L, tau) + PS(tau, tau);
		double e = 2 * cross / (m * k);

		if (m > 1)
			e -= wa / (m * (m - 1));
		if (k > 1)
			e -= wb / (k * (k - 1));
		q[tau] = m * k / (m + k) * e;
	}
#undef PS
}

/*
 * Student's two-sided p for w[0, tau) against w[tau, L), pooled variance, as Hunter does:
 * against Welch's, the pooled estimate keeps a short segment that happens to be flat from
 * passing for a change (measured: 6% of 120-night series of noise alone had a false change
 * with Welch's, 16% with segments of 3).
 */
static double student_p(const double *w, size_t tau, size_t L)
{
	struct stats_summary a, b;
	double df, sp2, se, t;

	stats_summarize(w, tau, &a);
	stats_summarize(w + tau, L - tau, &b);
	df = (double)(a.n + b.n - 2);
	sp2 = ((double)(a.n - 1) * a.sd * a.sd + (double)(b.n - 1) * b.sd * b.sd) / df;
	se = sqrt(sp2 * (1.0 / (double)a.n + 1.0 / (double)b.n));
	if (se == 0)
		return a.mean == b.mean ? 1 : 0;	/* two constant segments */
	t = fabs(b.mean - a.mean) / se;
	return 2 * stats_t_Q(t, df);
}

struct found {
	size_t index;
	double p;
};

struct work {
	double *P, *q;			/* scratch for energy_all, sized for a window */
	struct found *f;
	size_t nf, cap;
};

static int add_found(struct work *w, size_t index, double p)
{
	for (size_t i = 0; i < w->nf; i++)
		if (w->f[i].index == index) {
			if (p < w->f[i].p)
				w->f[i].p = p;
			return 0;
		}
	if (w->nf == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		struct found *nf = realloc(w->f, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		w->f = nf;
		w->cap = cap;
	}
	w->f[w->nf++] = (struct found){ index, p };
	return 0;
}

/* binary segmentation of v[s, e) (within one window), change points into w */
static int segment(const double *v, size_t s, size_t e, const struct detect_opts *o,
		   struct work *w)
{
	size_t L = e - s, lo = o->min_segment, hi, best = 0;
	double bq = -INFINITY, p;
	int ret;

	if (L < 2 * o->min_segment)
		return 0;
	hi = L - o->min_segment;
	energy_all(v + s, L, lo, hi, w->P, w->q);
	for (size_t tau = lo; tau <= hi; tau++)
		if (w->q[tau] > bq) {
			bq = w->q[tau];
			best = tau;
		}
	p = student_p(v + s, best, L);
	if (!(p <= o->p_value))
		return 0;
	ret = add_found(w, s + best, p);
	if (!ret)
		ret = segment(v, s, s + best, o, w);
	if (!ret)
		ret = segment(v, s + best, e, o, w);
	return ret;
}

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* median of v[a, b) */
static double seg_median(const double *v, size_t a, size_t b, double *tmp)
{
	return stats_median(v + a, b - a, tmp);
}

int detect_changes(const double *v, size_t n, const struct detect_opts *o,
		   struct detect_point **out, size_t *nout)
{
	struct work w = { 0 };
	double *tmp = NULL;
	int ret = 0;

	*out = NULL;
	*nout = 0;
	if (o->exact ? !(o->min_step > 0) :
	    !(o->p_value > 0 && o->p_value < 1) || o->min_segment < 2 ||
	    o->window < 2 * o->min_segment)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return -EINVAL;
	if (n < 2)
		return 0;

	if (o->exact) {
		for (size_t i = 1; i < n && !ret; i++)
			if (fabs(v[i] - v[i - 1]) >= o->min_step)
				ret = add_found(&w, i, 0);
	} else {
		size_t W = o->window, step = W / 2;

		w.P = malloc((W + 1) * (W + 1) * sizeof(*w.P));
		w.q = malloc((W + 1) * sizeof(*w.q));
		if (!w.P || !w.q)
			ret = -ENOMEM;
		for (size_t start = 0; !ret; start += step) {
			size_t end = start + W < n ? start + W : n;

			ret = segment(v, start, end, o, &w);
			if (end == n)
				break;
		}
		/* one change seen from two windows a night or two apart: keep the surer */
		if (w.nf)
			qsort(w.f, w.nf, sizeof(*w.f), cmp_found);
		for (size_t i = 1; !ret && i < w.nf;) {
			if (w.f[i].index - w.f[i - 1].index < o->min_segment) {
				size_t drop = w.f[i].p < w.f[i - 1].p ? i - 1 : i;

				memmove(&w.f[drop], &w.f[drop + 1], (w.nf - drop - 1) * sizeof(*w.f));
				w.nf--;
			} else {
				i++;
			}
		}
	}
	if (!ret && w.nf) {
		qsort(w.f, w.nf, sizeof(*w.f), cmp_found);
		*out = calloc(w.nf, sizeof(**out));
		tmp = malloc(n * sizeof(*tmp));
		if (!*out || !tmp)
			ret = -ENOMEM;
	}
	for (size_t i = 0; !ret && i < w.nf; i++) {
		struct detect_point *d = &(*out)[i];
		size_t a = i ? w.f[i - 1].index : 0, c = w.f[i].index;
		size_t b = i + 1 < w.nf ? w.f[i + 1].index : n;

		d->index = c;
		d->p = w.f[i].p;
		d->before = seg_median(v, a, c, tmp);
		d->after = seg_median(v, c, b, tmp);
		d->change = d->after - d->before;
		d->change_pct = d->before != 0 ? 100 * d->change / d->before : NAN;
	}
	if (ret) {
		free(*out);
		*out = NULL;
	} else {
		*nout = w.nf;
	}
	free(tmp);
	free(w.P);
	free(w.q);
	free(w.f);
	return ret;
}
