// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "text.h"
#include "hist.h"
#include "plot.h"
#include "sample.h"

static const char *env_str(const struct results *r, const char *key)
{
	return res_env_str(r, key, "");
}

/* how the results were taken, as far as their environment says */
enum cmp_mode { MODE_UNKNOWN, MODE_ICOUNT, MODE_PLAIN, MODE_NATIVE };

static enum cmp_mode mode_of(const struct results *r)
{
	int ic = res_env_bool(r, "instruction_count_mode");

	if (!strcmp(env_str(r, "mode"), "native"))
		return MODE_NATIVE;
	return ic == 1 ? MODE_ICOUNT : ic == 0 ? MODE_PLAIN : MODE_UNKNOWN;
}

/* the mode's name for the reader ("" when unknown) */
static const char *mode_name(enum cmp_mode m)
{
	static const char *const names[] = {
		[MODE_UNKNOWN] = "", [MODE_ICOUNT] = "instruction-count",
		[MODE_PLAIN] = "plain emulation", [MODE_NATIVE] = "native",
	};

	return names[m];
}

static void label_of(char *buf, size_t len, const char *path, const struct results *r)
{
	const char *slash;

	if (r && r->variant[0]) {
		snprintf(buf, len, "%s", r->variant);
		return;
	}
	slash = strrchr(path, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : path);
}

static struct res_cmp_row *add_row(struct compare *c, const char *name)
{
	struct res_cmp_row *nr = realloc(c->rows, (c->n + 1) * sizeof(*nr));

	if (!nr)
		return NULL;
	c->rows = nr;
	nr = &c->rows[c->n++];
	memset(nr, 0, sizeof(*nr));
	snprintf(nr->name, sizeof(nr->name), "%s", name);
	nr->p50_a = nr->p50_b = nr->p99_a = nr->p99_b = NAN;
	return nr;
}

/*
 * Instruction-count mode is deterministic: runs that agree to the last digit are expected
 * there, and the difference between two constant sides is exact, not a statistic.
 */
static int exact_row(struct res_cmp_row *row, const double *a, size_t na, const double *b,
		     size_t nb)
{
	struct cmp_result *r = &row->r;
	double d;

	for (size_t i = 1; i < na; i++)
		if (a[i] != a[0])
			return -1;
	for (size_t i = 1; i < nb; i++)
		if (b[i] != b[0])
			return -1;
	if (a[0] == 0)
		return -1;
	memset(r, 0, sizeof(*r));
	r->na = na;
	r->nb = nb;
	r->mean_a = r->median_a = a[0];
	r->mean_b = r->median_b = b[0];
	d = b[0] - a[0];
	r->diff = r->diff_lo = r->diff_hi = d;
	r->change_pct = r->ci_pct_lo = r->ci_pct_hi = d / fabs(a[0]) * 100;
	r->t = r->df = r->effect_d = NAN;
	r->p_welch = d == 0 ? 1 : 0;
	r->p_mannwhitney = cmp_mannwhitney_p(a, na, b, nb, &r->u, &r->mw_exact);
	r->median_ratio = r->median_ratio_lo = r->median_ratio_hi = b[0] / a[0];
	r->mde_pct = 0;
	r->runs_needed = d != 0 ? 2 : INFINITY;
	r->runs_needed_threshold = 2;
	r->verdict = d > 0 ? CMP_REGRESSION : d < 0 ? CMP_IMPROVEMENT : CMP_NO_CHANGE;
	row->state = RES_CMP_DONE;
	snprintf(row->note, sizeof(row->note), "exact: every run of both sides gave the same figure");
	return 0;
}

/* a row from two samples; -ENOMEM only */
static int compare_samples(struct compare *c, struct res_cmp_row *row, const double *a,
			   size_t na, const double *b, size_t nb, int deterministic)
{
	int ret = cmp_compare(a, na, b, nb, &c->opts, &row->r);

	if (ret == -ENOMEM)
		return ret;
	if (ret == -EDOM && deterministic && exact_row(row, a, na, b, nb) == 0)
		return 0;
	if (ret) {
		row->state = RES_CMP_BAD_SAMPLES;
		snprintf(row->note, sizeof(row->note), "%s", cmp_strerror(ret));
		c->uncomparable++;
		return 0;
	}
	row->state = RES_CMP_DONE;
	return 0;
}

static double pct_of(const struct res_bench *b, double p)
{
	return b->hist && hist_total_count(b->hist)
		       ? hist_value_at_percentile(b->hist, p) / (double)RES_HIST_SCALE : NAN;
}

static int compare_results(struct compare *c, char *err, size_t errlen)
{
	enum cmp_mode ma = mode_of(&c->ra), mb = mode_of(&c->rb);
	size_t shared = 0;

	if (ma != MODE_UNKNOWN && mb != MODE_UNKNOWN && ma != mb) {
		snprintf(err, errlen, "%s is %s, %s is %s: compare results of the same mode", c->file_a,
			 mode_name(ma), c->file_b, mode_name(mb));
		return -EINVAL;
	}
	snprintf(c->unit, sizeof(c->unit), "timebase ticks per iteration");
	/*
	 * auto: in instruction-count mode a run's median batch is exact and the mean carries the
	 * host timer interrupts that land in a few batches; elsewhere the mean (the total cost)
	 */
	if (c->median < 0)
		c->median = ma == MODE_ICOUNT;
	for (size_t i = 0; i < c->ra.n; i++) {
		const struct res_bench *a = &c->ra.b[i], *b = res_find(&c->rb, a->name);
		struct res_cmp_row *row;
		double *va = NULL, *vb = NULL;
		size_t na = 0, nb = 0;
		int ret;

		if (!b)
			continue;
		shared++;
		if (!(row = add_row(c, a->name)))
			return -ENOMEM;
		if (a->status != RES_OK || b->status != RES_OK) {
			row->state = RES_CMP_NOT_MEASURED;
			row->failed_b = a->status == RES_OK;
			text_fmt(row->note, sizeof(row->note), "not compared: %s %s%s%s",
				 a->status != RES_OK ? c->label_a : c->label_b,
				 res_status_name(a->status != RES_OK ? a->status : b->status),
				 *(a->status != RES_OK ? a->reason : b->reason) ? ": " : "",
				 a->status != RES_OK ? a->reason : b->reason);
			continue;
		}
		if (a->claimed_exits_per_iteration != b->claimed_exits_per_iteration ||
		    strcmp(a->exit_kind, b->exit_kind)) {
			snprintf(err, errlen, "benchmark '%s' is not the same benchmark in %s and %s "
				 "(exit kind %s vs %s)", a->name, c->file_a, c->file_b, a->exit_kind,
				 b->exit_kind);
			return -EINVAL;
		}
		ret = res_samples(a, c->median, &va, &na);
		if (!ret)
			ret = res_samples(b, c->median, &vb, &nb);
		if (ret == -EINVAL) {
			row->state = RES_CMP_NO_BATCHES;
			snprintf(row->note, sizeof(row->note), "per-run medians need per-batch values, which "
				 "this results.json lacks");
			c->uncomparable++;
			ret = 0;
		} else if (!ret) {
			ret = compare_samples(c, row, va, na, vb, nb, ma == MODE_ICOUNT);
		}
		free(va);
		free(vb);
		if (ret)
			return ret;
		row->p50_a = pct_of(a, 50);
		row->p50_b = pct_of(b, 50);
		row->p99_a = pct_of(a, 99);
		row->p99_b = pct_of(b, 99);
	}
	if (!shared) {
		snprintf(err, errlen, "%s and %s have no benchmark in common", c->file_a, c->file_b);
		return -EINVAL;
	}
	for (size_t i = 0; i < c->ra.n; i++) {
		const struct res_bench *a = &c->ra.b[i];
		int rounds = res_rounds(a) > 1;

		if (a->status == RES_OK) {
			snprintf(c->samples, sizeof(c->samples), "%s %s", rounds ? "per-round" : "per-run",
				 c->median ? "medians of batches" : "means");
			break;
		}
	}
	return 0;
}

static int read_sample(const struct compare *c, const char *path, double **v, size_t *n,
		       char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -EINVAL;
	}
	ret = sample_read_progress(f, path, v, n, err, errlen, c->opts.progress,
				   c->opts.progress_arg);
	fclose(f);
	return ret;
}

int compare_run(struct compare *c, const char *a, const char *b, char *err, size_t errlen)
{
	int ja = res_looks_like(a), jb = res_looks_like(b), ret;

	res_init(&c->ra);
	res_init(&c->rb);
	c->n = 0;
	c->rows = NULL;
	c->uncomparable = 0;
	snprintf(c->file_a, sizeof(c->file_a), "%s", a);
	snprintf(c->file_b, sizeof(c->file_b), "%s", b);
	if (ja < 0 || jb < 0) {
		snprintf(err, errlen, "%s: %s", ja < 0 ? a : b, strerror(-(ja < 0 ? ja : jb)));
		return -EINVAL;
	}
	if (ja != jb) {
		snprintf(err, errlen, "%s is %s and %s is %s: give two results.json or two plain samples",
			 a, ja ? "a results.json" : "a plain sample", b, jb ? "a results.json" : "a plain sample");
		return -EINVAL;
	}
	c->from_results = ja;
	if (ja) {
		res_free(&c->ra);
		res_free(&c->rb);
		if ((ret = res_read(a, &c->ra, err, errlen))) {
			res_init(&c->ra);
			res_init(&c->rb);
			return ret;
		}
		if ((ret = res_read(b, &c->rb, err, errlen))) {
			res_init(&c->rb);
			return ret;
		}
		label_of(c->label_a, sizeof(c->label_a), a, &c->ra);
		label_of(c->label_b, sizeof(c->label_b), b, &c->rb);
		if (!strcmp(c->label_a, c->label_b)) {
			snprintf(c->label_a, sizeof(c->label_a), "A");
			snprintf(c->label_b, sizeof(c->label_b), "B");
		}
		return compare_results(c, err, errlen);
	} else {
		double *va = NULL, *vb = NULL;
		size_t na, nb;
		struct res_cmp_row *row;

		if ((ret = read_sample(c, a, &va, &na, err, errlen)))
			return ret;
		if ((ret = read_sample(c, b, &vb, &nb, err, errlen))) {
			free(va);
			return ret;
		}
		label_of(c->label_a, sizeof(c->label_a), a, NULL);
		label_of(c->label_b, sizeof(c->label_b), b, NULL);
		snprintf(c->unit, sizeof(c->unit), "as given");
		snprintf(c->samples, sizeof(c->samples), "the values as given, one a line");
		ret = -ENOMEM;
		if ((row = add_row(c, "sample")))
			ret = compare_samples(c, row, va, na, vb, nb, 0);
		free(va);
		free(vb);
		if (!ret && row->state != RES_CMP_DONE) {
			snprintf(err, errlen, "%s vs %s: %s", a, b, row->note);
			return -EINVAL;
		}
		return ret;
	}
}

void compare_free(struct compare *c)
{
	res_free(&c->ra);
	res_free(&c->rb);
	free(c->rows);
	c->rows = NULL;
	c->n = 0;
}

int compare_status(const struct compare *c)
{
	int st = 0;

	if (c->uncomparable)
		return 2;
	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].failed_b ||
		    (c->rows[i].state == RES_CMP_DONE && cmp_regressed(&c->rows[i].r, &c->opts)))
			st = 1;
	return st;
}

/* ---- text ---- */

static void fmt_p(char *buf, size_t len, double p)
{
	if (!isfinite(p))
		snprintf(buf, len, "-");
	else if (p < 1e-4)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", p);
}

static void fmt_runs(char *buf, size_t len, double n)
{
	if (!isfinite(n))
		snprintf(buf, len, "-");
	else if (n > 1e6)
		snprintf(buf, len, ">1e6");
	else
		snprintf(buf, len, "%.0f", n);
}

static const char *verdict_note(const struct compare *c, const struct res_cmp_row *row)
{
	const struct cmp_result *r = &row->r;

	switch (r->verdict) {
	case CMP_REGRESSION:
		return cmp_regressed(r, &c->opts) ? "beyond the threshold" : "proven, below the threshold";
	case CMP_IMPROVEMENT:
		return "proven";
	case CMP_NO_CHANGE:
		return "the interval lies inside the threshold";
	default:
		return "the interval reaches beyond the threshold: more runs needed";
	}
}

void compare_print(FILE *f, const struct compare *c)
{
	char pw[16], pm[16], rn[16], line[512];

	fprintf(f, "%s: %s\n%s: %s\n", c->label_a, c->file_a, c->label_b, c->file_b);
	fprintf(f, "unit: %s; samples: %s; %.4g%% confidence; threshold +/-%.4g%%\n\n", c->unit,
		c->samples, c->opts.confidence * 100, c->opts.threshold_pct);
	fprintf(f, "%-12s %4s %14s %14s %9s %22s %8s %8s %-13s %6s\n", "benchmark", "n",
		c->label_a, c->label_b, "change", "95% interval", "p-welch", "p-mw", "verdict",
		"runs");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cmp_result *r = &row->r;
		char iv[64];

		if (row->state != RES_CMP_DONE) {
			fprintf(f, "%-12s %s\n", row->name, row->note);
			continue;
		}
		fmt_p(pw, sizeof(pw), r->p_welch);
		fmt_p(pm, sizeof(pm), r->p_mannwhitney);
		fmt_runs(rn, sizeof(rn), r->runs_needed);
		snprintf(iv, sizeof(iv), "[%+.3f%%, %+.3f%%]", r->ci_pct_lo, r->ci_pct_hi);
		fprintf(f, "%-12s %2zu/%-2zu %14.6g %14.6g %+8.3f%% %22s %8s %8s %-13s %6s\n", row->name,
			r->na, r->nb, r->mean_a, r->mean_b, r->change_pct, iv, pw, pm,
			cmp_verdict_name(r->verdict), rn);
	}
	fputc('\n', f);
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];

		if (row->state != RES_CMP_DONE)
			continue;
		cmp_ministat_line(&row->r, &c->opts, line, sizeof(line));
		fprintf(f, "%s: %s: %s (%s)\n", row->name, line, cmp_verdict_name(row->r.verdict),
			verdict_note(c, row));
	}
	fprintf(f, "\n'runs' is the runs a side needed for %.0f%% power at the observed difference "
		"(Student's t with 2n-2 df, not the normal approximation).\n", c->opts.power * 100);
}

/* ---- JSON: results.c writes it ---- */

int compare_write_json(const struct compare *c, const char *path)
{
	struct res_cmp doc = { .opts = c->opts, .n = c->n, .rows = c->rows,
			       .exit_status = compare_status(c) };

	snprintf(doc.label_a, sizeof(doc.label_a), "%s", c->label_a);
	snprintf(doc.label_b, sizeof(doc.label_b), "%s", c->label_b);
	snprintf(doc.file_a, sizeof(doc.file_a), "%s", c->file_a);
	snprintf(doc.file_b, sizeof(doc.file_b), "%s", c->file_b);
	snprintf(doc.unit, sizeof(doc.unit), "%s", c->unit);
	snprintf(doc.samples, sizeof(doc.samples), "%s", c->samples);
	return res_write_compare(&doc, path);
}

/* ---- markdown and plots ---- */

static void env_line(FILE *f, const char *label, const struct results *r)
{
	const struct res_val *cmp = res_env(r, "comparison");
	const char *p = env_str(r, "host_kernel_patches");
	double rounds = 0;

	fprintf(f, "- **%s**: kernel %s %s%s%s, %s, run `%s`", label, env_str(r, "host_kernel_release"),
		env_str(r, "host_kernel_source"), *p ? " + " : "", p,
		mode_of(r) != MODE_UNKNOWN ? mode_name(mode_of(r)) : "mode unknown",
		r->run_id);
	/* the comparison scripts/compare.sh ran: {side, spec, mode, rounds} */
	res_val_num(res_val_get(cmp, "rounds"), &rounds);
	if (cmp)
		fprintf(f, "; %s, %lld rounds",
			!strcmp(res_val_str(res_val_get(cmp, "mode"), ""), "modules")
				? "modules swapped in one boot" : "boots alternated", (long long)rounds);
	fputc('\n', f);
}

int compare_markdown(const struct compare *c, const char *path, int plots)
{
	FILE *f = fopen(path, "w");
	char line[512], pw[16], pm[16], rn[16], rt[16];

	if (!f)
		return -errno;
	fprintf(f, "# exitbench compare: %s vs %s\n\n", c->label_a, c->label_b);
	if (c->from_results) {
		enum cmp_mode m = mode_of(&c->ra);

		if (m == MODE_ICOUNT)
			fprintf(f, "> **Emulated, instruction-count mode** (`-icount shift=0`): a timebase tick "
				"is 1.953 instructions of the emulated POWER8; the figures count instructions, "
				"not POWER hardware time.\n\n");
		else if (m == MODE_PLAIN)
			fprintf(f, "> **Plain emulation**: times follow QEMU's wall clock on %s, not POWER "
				"hardware; they are noisy.\n\n", env_str(&c->ra, "build_host"));
		env_line(f, c->label_a, &c->ra);
		env_line(f, c->label_b, &c->rb);
		fputc('\n', f);
	}
	fprintf(f, "Unit: %s. One sample: %s (the unit of replication, never a single exit). "
		"Change = mean of %s minus mean of %s, as %% of %s's, with Welch's %.4g%% interval; "
		"p-values of Welch's t test and the Mann-Whitney U test; verdict against a threshold of "
		"+/-%.4g%%; runs = runs a side needed for %.0f%% power at the observed difference "
		"(at the threshold in the last column), by Student's t with 2n-2 df.\n\n",
		c->unit, c->samples, c->label_b, c->label_a, c->label_a, c->opts.confidence * 100,
		c->opts.threshold_pct, c->opts.power * 100);
	fprintf(f, "| benchmark | n | %s | %s | change | 95%% interval | p (Welch) | p (M-W) | "
		"median ratio [bootstrap 95%%] | verdict | runs | runs at threshold |\n"
		"|---|---|---|---|---|---|---|---|---|---|---|---|\n", c->label_a, c->label_b);
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cmp_result *r = &row->r;

		if (row->state != RES_CMP_DONE) {
			fprintf(f, "| %s | | | | | | | | | %s | | |\n", row->name, row->note);
			continue;
		}
		fmt_p(pw, sizeof(pw), r->p_welch);
		fmt_p(pm, sizeof(pm), r->p_mannwhitney);
		fmt_runs(rn, sizeof(rn), r->runs_needed);
		fmt_runs(rt, sizeof(rt), r->runs_needed_threshold);
		fprintf(f, "| %s | %zu/%zu | %.6g ± %.3g | %.6g ± %.3g | %+.3f%% | [%+.3f%%, %+.3f%%] | "
			"%s | %s | %.5f [%.5f, %.5f] | **%s** | %s | %s |\n",
			row->name, r->na, r->nb, r->mean_a, r->sd_a, r->mean_b, r->sd_b, r->change_pct,
			r->ci_pct_lo, r->ci_pct_hi, pw, pm, r->median_ratio, r->median_ratio_lo,
			r->median_ratio_hi, cmp_verdict_name(r->verdict), rn, rt);
	}
	fprintf(f, "\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];

		if (row->state != RES_CMP_DONE)
			continue;
		cmp_ministat_line(&row->r, &c->opts, line, sizeof(line));
		fprintf(f, "- **%s**: %s: **%s** (%s); smallest change these runs could detect: "
			"%.3f%%\n", row->name, line, cmp_verdict_name(row->r.verdict),
			verdict_note(c, row), row->r.mde_pct);
	}
	if (c->from_results) {
		fprintf(f, "\nPer-batch percentiles (ticks per iteration, from the histograms):\n\n"
			"| benchmark | p50 %s | p50 %s | p99 %s | p99 %s |\n|---|---|---|---|---|\n",
			c->label_a, c->label_b, c->label_a, c->label_b);
		for (size_t i = 0; i < c->n; i++)
			if (c->rows[i].state == RES_CMP_DONE)
				fprintf(f, "| %s | %.3f | %.3f | %.3f | %.3f |\n", c->rows[i].name,
					c->rows[i].p50_a, c->rows[i].p50_b, c->rows[i].p99_a,
					c->rows[i].p99_b);
	}
	if (plots) {
		fprintf(f, "\n## Distributions (per batch)\n\n");
		for (size_t i = 0; i < c->n; i++)
			if (c->rows[i].state == RES_CMP_DONE)
				fprintf(f, "![%s](compare-%s.png)\n\n", c->rows[i].name, c->rows[i].name);
	}
	return fclose(f) ? -errno : 0;
}

/* a distribution of batches, drawn: its density outline and its cumulative share */
struct dist {
	size_t nd, nc;
	double *dx, *dy;		/* share of batches per tick, dropping to 0 between
					   sub-buckets that are not adjacent */
	double *cx, *cy;		/* share at or below each sub-bucket's top */
};

static void dist_free(struct dist *d)
{
	free(d->dx);
	free(d->dy);
	free(d->cx);
	free(d->cy);
}

static void dist_point(double *x, double *y, size_t *n, double px, double py)
{
	x[*n] = px;
	y[(*n)++] = py;
}

static int dist_of(const struct res_bench *b, struct dist *d)
{
	size_t buckets = 0, cap;
	struct hist_iter it;
	double total = (double)hist_total_count(b->hist), prev_to = -1;

	memset(d, 0, sizeof(*d));
	hist_iter_init(&it, b->hist);
	while (hist_iter_next(&it))
		buckets++;
	/* at most: a gap (2), the bucket (2) and the closing 0, each bucket */
	cap = 4 * buckets + 2;
	d->dx = malloc(cap * sizeof(double));
	d->dy = malloc(cap * sizeof(double));
	d->cx = malloc((buckets + 1) * sizeof(double));
	d->cy = malloc((buckets + 1) * sizeof(double));
	if (!d->dx || !d->dy || !d->cx || !d->cy) {
		dist_free(d);
		return -ENOMEM;
	}
	hist_iter_init(&it, b->hist);
	while (hist_iter_next(&it)) {
		double from = it.from / (double)RES_HIST_SCALE, to = (it.to + 1) / (double)RES_HIST_SCALE;
		double dens = it.count / total / (to - from);

		if (prev_to >= 0 && from > prev_to) {
			dist_point(d->dx, d->dy, &d->nd, prev_to, 0);
			dist_point(d->dx, d->dy, &d->nd, from, 0);
		} else if (prev_to < 0) {
			dist_point(d->dx, d->dy, &d->nd, from, 0);
		}
		dist_point(d->dx, d->dy, &d->nd, from, dens);
		dist_point(d->dx, d->dy, &d->nd, to, dens);
		dist_point(d->cx, d->cy, &d->nc, to, it.cumulative / total);
		prev_to = to;
	}
	if (prev_to >= 0)
		dist_point(d->dx, d->dy, &d->nd, prev_to, 0);
	return 0;
}

/* dir/compare-<name>.png: A's and B's batches, density and cumulative share side by side */
static int compare_plot(const struct compare *c, const struct res_cmp_row *row,
			const struct res_bench *a, const struct res_bench *b, const char *dir)
{
	static const char *const colour[2] = { "#3060a0", "#c04020" };
	const char *label[2] = { c->label_a, c->label_b };
	char name[80], title[256];
	struct dist d[2];
	struct plot *p;
	int ret;

	/* the body of both distributions, p1 to p99: a few far batches would hide it */
	double lo = fmin(hist_value_at_percentile(a->hist, 1), hist_value_at_percentile(b->hist, 1));
	double hi = fmax(hist_value_at_percentile(a->hist, 99), hist_value_at_percentile(b->hist, 99));
	double pad = (hi - lo) * 0.05 + RES_HIST_SCALE * 0.01;
	struct plot_axis x = { .label = "timebase ticks per iteration (batch mean; p1 to p99 shown)",
			       .fixed = PLOT_MIN | PLOT_MAX, .min = (lo - pad) / RES_HIST_SCALE,
			       .max = (hi + pad) / RES_HIST_SCALE, .rotate = -30 };

	if (dist_of(a, &d[0]))
		return -ENOMEM;
	if (dist_of(b, &d[1])) {
		dist_free(&d[0]);
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "compare-%s", row->name);
	snprintf(title, sizeof(title), "%s: %s vs %s, per batch (%+.3f%%, verdict %s)", row->name,
		 c->label_a, c->label_b, row->r.change_pct, cmp_verdict_name(row->r.verdict));
	ret = plot_new(&(struct plot_figure){ .dir = dir, .name = name, .width = 1000, .height = 420,
					      .title = title, .rows = 1, .cols = 2 }, &p);
	if (!ret) {
		plot_panel(p, &(struct plot_panel){ .x = x, .y = { .label = "share of batches per tick" } });
		for (int k = 0; k < 2; k++)
			plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = label[k],
				 .colour = colour[k], .line_width = 2, .n = d[k].nd, .x = d[k].dx,
				 .y = d[k].dy });
		plot_panel(p, &(struct plot_panel){ .x = x,
			.y = { .label = "share of batches at or below", .fixed = PLOT_MIN | PLOT_MAX,
			       .min = 0, .max = 1 }, .key = PLOT_KEY_BOTTOM_RIGHT });
		for (int k = 0; k < 2; k++)
			plot_add(p, &(struct plot_series){ .kind = PLOT_STEPS, .title = label[k],
				 .colour = colour[k], .line_width = 2, .n = d[k].nc, .x = d[k].cx,
				 .y = d[k].cy });
		ret = plot_draw(p);
		plot_free(p);
	} else {
		ret = -EBADF;	/* the plot's files, not gnuplot */
	}
	dist_free(&d[0]);
	dist_free(&d[1]);
	return ret;
}

const char *compare_plots(const struct compare *c, const char *dir)
{
	if (!c->from_results)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct res_bench *a = res_find((struct results *)&c->ra, row->name);
		const struct res_bench *b = res_find((struct results *)&c->rb, row->name);
		int ret;

		if (row->state != RES_CMP_DONE || !a->hist || !b->hist || !hist_total_count(a->hist) ||
		    !hist_total_count(b->hist))
			continue;
		ret = compare_plot(c, row, a, b, dir);
		if (ret == -EBADF || ret == -ENOMEM)
			return "cannot write the plot data";
		if (ret)
			return plot_strerror(ret);
	}
	return NULL;
}
