// SPDX-License-Identifier: MIT
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>

#include "sweep.h"

static const char *file_of(const struct res_bench *b)
{
	return b->file[0] ? b->file : b->name;
}

static int by_value(const void *a, const void *b)
{
	const struct sweep_point *x = a, *y = b;

	return (x->value > y->value) - (x->value < y->value);
}

/* the fit of s's fitted points; the slope's interval from the residuals (Student's t) */
static void fit(struct sweep *s)
{
	double x[SWEEP_MAX_POINTS], y[SWEEP_MAX_POINTS], c0, c1, cov00, cov01, cov11, sumsq, t;
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].fitted) {
			x[n] = s->p[i].value;
			y[n++] = s->p[i].figure;
		}
	s->nfit = n;
	s->intercept = s->slope = s->slope_lo = s->slope_hi = NAN;
	if (n < 2 || gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq))
		return;
	s->intercept = c0;
	s->slope = c1;
	if (n < 3)
		return;
	t = gsl_cdf_tdist_Pinv(0.975, n - 2);
	s->slope_lo = c1 - t * sqrt(cov11);
	s->slope_hi = c1 + t * sqrt(cov11);
}

/* the benchmark named w's file without its "-mmu", what it measures in real mode, and its figure */
static void reference_of(const struct results *r, struct sweep *w)
{
	size_t len = strlen(w->file);
	char name[EB_NAME_LEN];
	struct stats_summary sum;

	w->reference = NULL;
	if (len <= 4 || strcmp(w->file + len - 4, "-mmu"))
		return;
	memcpy(name, w->file, len - 4);
	name[len - 4] = '\0';
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->b[i].name, name) && r->b[i].status == RES_OK &&
		    !res_figure(r, &r->b[i], &sum, NULL, NULL)) {
			w->reference = &r->b[i];
			w->reference_figure = sum.median;
			return;
		}
}

size_t sweep_find(const struct results *r, struct sweep *s, size_t max)
{
	size_t ns = 0;

	for (size_t i = 0; i < r->n && ns < max; i++) {
		const struct res_bench *b = &r->b[i];
		struct sweep *w = &s[ns];
		size_t top = 0, k;

		if (b->status != RES_OK || b->nparams != 1)
			continue;
		/* a file's sweep is found at its first line: skip it later */
		for (k = 0; k < ns; k++)
			if (!strcmp(s[k].file, file_of(b)) && !strcmp(s[k].param, b->param_names[0]))
				break;
		if (k < ns)
			continue;
		memset(w, 0, sizeof(*w));
		snprintf(w->file, sizeof(w->file), "%s", file_of(b));
		snprintf(w->param, sizeof(w->param), "%s", b->param_names[0]);
		for (size_t j = i; j < r->n && w->n < SWEEP_MAX_POINTS; j++) {
			const struct res_bench *c = &r->b[j];
			struct stats_summary sum;
			int dup = 0;

			if (c->status != RES_OK || c->nparams != 1 || strcmp(file_of(c), w->file) ||
			    strcmp(c->param_names[0], w->param) || res_figure(r, c, &sum, NULL, NULL))
				continue;
			for (size_t q = 0; q < w->n; q++)
				dup |= w->p[q].value == (double)c->param_values[0];
			if (dup)
				continue;
			w->p[w->n++] = (struct sweep_point){ .b = c, .value = c->param_values[0],
							     .figure = sum.median, .lo = sum.min,
							     .hi = sum.max, .fitted = 1 };
		}
		if (w->n < 3)
			continue;
		qsort(w->p, w->n, sizeof(w->p[0]), by_value);
		for (size_t q = 1; q < w->n; q++)
			if (w->p[q].figure > w->p[top].figure)
				top = q;
		for (size_t q = top + 1; q < w->n; q++)
			if (w->p[q].figure < w->p[top].figure * (1 - SWEEP_DROP) &&
			    w->p[q].hi < w->p[top].lo)
				w->p[q].fitted = 0;
		fit(w);
		reference_of(r, w);
		ns++;
	}
	return ns;
}
