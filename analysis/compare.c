// SPDX-License-Identifier: MIT
#include <ctype.h>
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
 * there, and the difference between two constant sides is exact, not a statistic. -1 when
 * a side is not constant.
 */
static int exact_result(struct cmp_result *r, const double *a, size_t na, const double *b,
			size_t nb)
{
	double d;

	for (size_t i = 1; i < na; i++)
		if (a[i] != a[0])
			return -1;
	for (size_t i = 1; i < nb; i++)
		if (b[i] != b[0])
			return -1;
	memset(r, 0, sizeof(*r));
	r->na = na;
	r->nb = nb;
	r->mean_a = r->median_a = a[0];
	r->mean_b = r->median_b = b[0];
	d = b[0] - a[0];
	r->diff = r->diff_lo = r->diff_hi = d;
	r->change_pct = r->ci_pct_lo = r->ci_pct_hi = a[0] != 0 ? d / fabs(a[0]) * 100 : d == 0 ? 0 : NAN;
	r->t = r->df = r->effect_d = NAN;
	r->p_welch = d == 0 ? 1 : 0;
	r->p_mannwhitney = cmp_mannwhitney_p(a, na, b, nb, &r->u, &r->mw_exact);
	r->median_ratio = r->median_ratio_lo = r->median_ratio_hi = a[0] != 0 ? b[0] / a[0] : NAN;
	r->mde_pct = 0;
	r->runs_needed = d != 0 ? 2 : INFINITY;
	r->runs_needed_threshold = 2;
	r->verdict = d > 0 ? CMP_REGRESSION : d < 0 ? CMP_IMPROVEMENT : CMP_NO_CHANGE;
	return 0;
}

static int exact_row(struct res_cmp_row *row, const double *a, size_t na, const double *b,
		     size_t nb)
{
	if (a[0] == 0 || exact_result(&row->r, a, na, b, nb))
		return -1;
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

/* ---- where it changed: the phases and exit reasons, round by round ---- */

/*
 * part x from the rounds' figures of both sides, its intervals at o's confidence (the
 * family's: compare_where); a proven change smaller than floor (in the figures' unit; 0:
 * none) is no change. -ENOMEM only.
 */
static int compare_part(const struct cmp_opts *o, struct res_cmp_part *x, const struct res_round *ra,
			size_t na, const struct res_round *rb, size_t nb, int deterministic, double floor)
{
	double *a = NULL, *b = NULL;
	size_t ka, kb;
	int ret;

	x->share = NAN;
	if (res_round_figures(ra, na, &a, &ka) || res_round_figures(rb, nb, &b, &kb)) {
		free(a);
		return -ENOMEM;
	}
	ret = ka < 2 || kb < 2 ? -EINVAL : cmp_compare(a, ka, b, kb, o, &x->r);
	if (ret == -EDOM && deterministic && !exact_result(&x->r, a, ka, b, kb)) {
		ret = 0;
		snprintf(x->note, sizeof(x->note), "exact: every round of both sides gave the same figure");
	}
	free(a);
	free(b);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		x->state = RES_CMP_BAD_SAMPLES;
		snprintf(x->note, sizeof(x->note), "%s",
			 ka < 2 || kb < 2 ? "fewer than 2 rounds timed on a side" :
			 ret == -EDOM ? "no spread on either side, in a mode that is not exact" :
			 "the statistics refused the rounds' figures");
		return 0;
	}
	x->state = RES_CMP_DONE;
	x->moved = x->r.diff_lo > 0 || x->r.diff_hi < 0;
	if (x->moved && fabs(x->r.diff) < floor) {
		x->moved = 0;
		x->r.verdict = CMP_NO_CHANGE;
		snprintf(x->note, sizeof(x->note), "proven, but less than half an instruction an exit: "
			 "not a change of the code on this path");
	}
	return 0;
}

/*
 * Under -icount shift=0 the emulated CPU retires one instruction a nanosecond of virtual
 * time, so a figure in timebase ticks is ticks / tb_hz * 1e9 instructions (0.512 ticks an
 * instruction at 512 MHz); NaN elsewhere, or for figures in other units.
 */
static void part_instructions(const struct compare *c, struct res_cmp_part *x, const char *unit)
{
	int ok = res_icount(&c->ra) && !strcmp(unit, "timebase ticks") &&
		 x->state == RES_CMP_DONE && c->ra.tb_hz > 0;

	x->insn_a = ok ? res_ns(&c->ra, x->r.median_a) : NAN;
	x->insn_b = ok ? res_ns(&c->ra, x->r.median_b) : NAN;
	x->insn_change = ok ? res_ns(&c->ra, x->r.diff) : NAN;
}

static struct res_cmp_part *add_part(struct res_cmp_part **v, size_t *n, const char *name)
{
	struct res_cmp_part *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return NULL;
	*v = nv;
	nv = &nv[(*n)++];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->name, sizeof(nv->name), "%s", name);
	nv->share = NAN;
	return nv;
}

/* the phases' derived kinds: the whole round trip, not a part of it */
static int whole_kind(const char *name)
{
	return !strcmp(name, "round_trip") || !strcmp(name, "exit_to_reenter");
}

/*
 * The share of t's round trips that have phase name: 1 for most, a few for vcpu_run (only
 * a round trip that began at KVM_RUN has it) and less than 1 for trace (all but those). A
 * phase's change counts that much in an exit's.
 */
static double exit_weight(const struct res_trace *t, const char *name)
{
	uint64_t n = 0, all = 0;

	for (size_t i = 0; i < t->nphase; i++) {
		if (!strcmp(t->phase[i].st.name, name))
			n = t->phase[i].st.count;
		if (whole_kind(t->phase[i].st.name))
			all = t->phase[i].st.count;
	}
	return all ? (double)n / (double)all : 1;
}

/* the phase of b's trace named as pa is, if it has figures by round (and pa has) */
static const struct res_phase *phase_pair(const struct res_phase *pa, const struct res_trace *tb)
{
	if (!pa->nround)
		return NULL;
	for (size_t j = 0; j < tb->nphase; j++)
		if (!strcmp(tb->phase[j].st.name, pa->st.name))
			return tb->phase[j].nround ? &tb->phase[j] : NULL;
	return NULL;
}

static const struct res_reason *reason_pair(const struct res_reason *xa, const struct res_trace *tb)
{
	if (!xa->nround)
		return NULL;
	for (size_t j = 0; j < tb->nreason; j++)
		if (tb->reason[j].vector == xa->vector)
			return tb->reason[j].nround ? &tb->reason[j] : NULL;
	return NULL;
}

/*
 * The options of a family of k comparisons (a benchmark's phases, or its exit reasons):
 * "which of them moved" asks k questions at once, so each interval is at 1 - (1 -
 * confidence) / k (Bonferroni), and the family's chance of a false "moved" stays within
 * 1 - confidence.
 */
static struct cmp_opts family_opts(const struct compare *c, size_t k)
{
	struct cmp_opts o = c->opts;

	if (k > 1)
		o.confidence = 1 - (1 - c->opts.confidence) / (double)k;
	return o;
}

/*
 * The smallest change of a figure in unit that can be code (instruction-count mode: half an
 * instruction an exit, the nightly's exact step; one instruction is a nanosecond of virtual
 * time there); 0 (none) elsewhere. Less moves with a round's share of interrupted exits or
 * with where a module was loaded, not with code.
 */
static double code_floor(const struct compare *c, const char *unit, int deterministic)
{
	if (!deterministic)
		return 0;
	if (!strcmp(unit, "timebase ticks") && c->ra.tb_hz > 0)
		return 0.5e-9 * c->ra.tb_hz;
	return !strcmp(unit, "ns") ? 0.5 : 0;
}

/*
 * One more part of *v (a phase or an exit reason named by st): compared from the rounds of
 * both sides, its unit into unit. -ENOMEM.
 */
static int add_compared(struct compare *c, const struct cmp_opts *o, struct res_cmp_part **v,
			size_t *n, char *unit, size_t unitlen, const struct res_tstat *st,
			const struct res_round *ra, size_t na, const struct res_round *rb, size_t nb,
			int deterministic)
{
	struct res_cmp_part *x = add_part(v, n, st->name);
	int ret;

	if (!x)
		return -ENOMEM;
	snprintf(unit, unitlen, "%s", st->unit);
	ret = compare_part(o, x, ra, na, rb, nb, deterministic, code_floor(c, st->unit, deterministic));
	if (!ret)
		part_instructions(c, x, st->unit);
	return ret;
}

/* row's phases and exit reasons, from a's and b's traces (those with rounds); -ENOMEM */
static int compare_where(struct compare *c, struct res_cmp_row *row, const struct res_bench *a,
			 const struct res_bench *b, int deterministic)
{
	const struct res_trace *ta = &a->trace, *tb = &b->trace;
	size_t k = 0;
	struct cmp_opts o;
	int ret;

	row->rt_change = row->phases_sum = NAN;
	for (size_t i = 0; i < ta->nphase; i++)
		k += phase_pair(&ta->phase[i], tb) != NULL;
	o = family_opts(c, k);
	row->phase_confidence = o.confidence;
	for (size_t i = 0; i < ta->nphase; i++) {
		const struct res_phase *pa = &ta->phase[i], *pb = phase_pair(pa, tb);

		if (pb && (ret = add_compared(c, &o, &row->phase, &row->nphase, row->phase_unit,
					      sizeof(row->phase_unit), &pa->st, pa->round, pa->nround,
					      pb->round, pb->nround, deterministic)))
			return ret;
	}
	if (!row->nphase && ta->nphase && tb->nphase)
		snprintf(row->where_note, sizeof(row->where_note), "both sides have phases, but not by "
			 "round (a single traced run): no interval to judge them by; make compare "
			 "INSTRUMENT=1 traces each round");
	if (row->nphase && row->state == RES_CMP_DONE && a->claimed_exits_per_iteration) {
		row->rt_change = row->r.diff / a->claimed_exits_per_iteration;
		/*
		 * What matters is a change of the exit's cost: a phase that did not move has no
		 * change when its interval lies within the threshold of the round trip (not of
		 * the phase: vcpu_run, timed on a few exits a round, is never known to 1% of
		 * itself, and need not be). The interval is weighed as the phase counts in an
		 * exit: vcpu_run's, once per KVM_RUN, spreads over all the round trips (an A/A
		 * saw -439 +/- 6490 ticks there, a fraction of a tick an exit).
		 */
		row->phase_band = c->opts.threshold_pct / 100 * row->r.mean_a /
				  a->claimed_exits_per_iteration;
		for (size_t i = 0; i < row->nphase; i++) {
			struct res_cmp_part *x = &row->phase[i];
			double w = exit_weight(ta, x->name);

			if (x->state != RES_CMP_DONE || x->moved || whole_kind(x->name))
				continue;
			if (x->r.diff_lo * w >= -row->phase_band && x->r.diff_hi * w <= row->phase_band)
				x->r.verdict = CMP_NO_CHANGE;
			else
				x->r.verdict = CMP_INCONCLUSIVE;
		}
	}
	for (size_t i = 0; i < row->nphase; i++) {
		struct res_cmp_part *x = &row->phase[i];
		double w = exit_weight(ta, x->name), d = x->r.diff * w;

		if (x->state != RES_CMP_DONE || whole_kind(x->name))
			continue;
		row->phases_sum = isfinite(row->phases_sum) ? row->phases_sum + d : d;
		if (isfinite(row->rt_change) && row->rt_change != 0)
			x->share = d / row->rt_change;
		if (!strcmp(x->name, "trace") && x->moved)
			row->trace_moved = 1;
	}
	k = 0;
	for (size_t i = 0; i < ta->nreason; i++)
		k += reason_pair(&ta->reason[i], tb) != NULL;
	o = family_opts(c, k);
	row->reason_confidence = o.confidence;
	for (size_t i = 0; i < ta->nreason; i++) {
		const struct res_reason *xa = &ta->reason[i], *xb = reason_pair(xa, tb);

		if (xb && (ret = add_compared(c, &o, &row->reason, &row->nreason, row->reason_unit,
					      sizeof(row->reason_unit), &xa->st, xa->round, xa->nround,
					      xb->round, xb->nround, deterministic)))
			return ret;
	}
	return 0;
}

static int compare_results(struct compare *c, char *err, size_t errlen)
{
	enum cmp_mode ma = mode_of(&c->ra), mb = mode_of(&c->rb);
	int icount = res_icount(&c->ra);
	size_t shared = 0;

	/* two architectures' entry paths are two programs: never one comparison */
	if (strcmp(res_arch(&c->ra), res_arch(&c->rb))) {
		snprintf(err, errlen, "%s is from a %s host, %s from a %s host: compare results of "
			 "the same architecture", c->file_a, res_arch(&c->ra), c->file_b,
			 res_arch(&c->rb));
		return -EINVAL;
	}
	if (ma != MODE_UNKNOWN && mb != MODE_UNKNOWN && ma != mb) {
		snprintf(err, errlen, "%s is %s, %s is %s: compare results of the same mode", c->file_a,
			 mode_name(ma), c->file_b, mode_name(mb));
		return -EINVAL;
	}
	if (ma == MODE_NATIVE && mb == MODE_NATIVE && icount != res_icount(&c->rb)) {
		snprintf(err, errlen, "%s is native %s instruction counting, %s %s: compare results of "
			 "the same mode", c->file_a, icount ? "with" : "without", c->file_b,
			 icount ? "without" : "with");
		return -EINVAL;
	}
	snprintf(c->unit, sizeof(c->unit), "timebase ticks per iteration");
	/* auto: res_auto_stat's (a run's median batch when instruction counted, else its mean) */
	if (c->median < 0)
		c->median = res_auto_stat(&c->ra);
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
			ret = compare_samples(c, row, va, na, vb, nb, icount);
		}
		free(va);
		free(vb);
		if (ret)
			return ret;
		if ((ret = compare_where(c, row, a, b, icount)))
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
				 c->median == RES_STAT_MIN ? "fastest batches" :
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

/* ---- the sequential comparison: the rounds looked at one by one (compare_seq.h) ---- */

/* a row the sequence could not judge (ret, cseq_bench's): said why, and bad input */
static int seq_refused(struct compare *c, struct res_cmp_row *row, int ret)
{
	if (ret == -ENOMEM)
		return ret;
	memset(&row->seq, 0, sizeof(row->seq));
	snprintf(row->seq_note, sizeof(row->seq_note), "%s", cseq_strerror(ret));
	c->uncomparable++;
	return 0;
}

/* every row's rounds, then each at the look where all had decided; -ENOMEM only */
static int seq_results(struct compare *c)
{
	struct cseq_result *all = calloc(c->n ? c->n : 1, sizeof(*all));
	int icount = res_icount(&c->ra), ret = 0;
	size_t k = 0;

	if (!all)
		return -ENOMEM;
	for (int pass = 0; pass < 2 && !ret; pass++) {
		for (size_t i = 0; i < c->n && !ret; i++) {
			struct res_cmp_row *row = &c->rows[i];
			const struct res_bench *a = res_find(&c->ra, row->name), *b = res_find(&c->rb, row->name);
			double floor;

			if (row->state != RES_CMP_DONE || (pass && !row->seq.rounds))
				continue;
			/* in instruction-count mode, less than half an instruction an exit is no change */
			floor = icount ? cseq_icount_floor(c->ra.tb_hz, a->claimed_exits_per_iteration) : 0;
			ret = cseq_bench(a, b, c->median, floor, pass ? c->seq.look : 0, &c->seq.opts,
					 &row->seq);
			if (ret && (ret = seq_refused(c, row, ret)))
				break;
			if (!pass && row->seq.rounds) {
				all[k++] = row->seq;
				if (row->seq.rounds > c->seq.rounds)
					c->seq.rounds = row->seq.rounds;
			}
		}
		c->seq.look = k ? cseq_stop_look(all, k) : 0;
		if (!c->seq.look)
			break;
	}
	free(all);
	return ret;
}

/* a plain sample's values, paired line by line; -EINVAL (with err) when the counts differ */
static int seq_plain(struct compare *c, struct res_cmp_row *row, const double *a, size_t na,
		     const double *b, size_t nb, char *err, size_t errlen)
{
	int ret;

	if (na != nb) {
		snprintf(err, errlen, "--sequential pairs A's and B's values line by line (a round "
			 "each): %s has %zu, %s %zu", c->file_a, na, c->file_b, nb);
		return -EINVAL;
	}
	if ((ret = cseq_run(a, b, na, &c->seq.opts, &row->seq)))
		return seq_refused(c, row, ret == -EDOM || ret == -ENOMEM ? ret : -EILSEQ);
	c->seq.rounds = na;
	c->seq.look = row->seq.decided_at;
	return c->seq.look ? cseq_run(a, b, c->seq.look, &c->seq.opts, &row->seq) : 0;
}

int compare_run(struct compare *c, const char *a, const char *b, char *err, size_t errlen)
{
	int ja = res_looks_like(a), jb = res_looks_like(b), ret;

	res_init(&c->ra);
	res_init(&c->rb);
	c->n = 0;
	c->rows = NULL;
	c->uncomparable = 0;
	c->seq.rounds = c->seq.look = 0;
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
		ret = compare_results(c, err, errlen);
		return !ret && c->sequential ? seq_results(c) : ret;
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
		if (!ret && c->sequential && row->state == RES_CMP_DONE)
			ret = seq_plain(c, row, va, na, vb, nb, err, errlen);
		free(va);
		free(vb);
		if (!ret && row->state != RES_CMP_DONE) {
			snprintf(err, errlen, "%s vs %s: %s", a, b, row->note);
			return -EINVAL;
		}
		if (!ret && c->sequential && !row->seq.rounds) {
			snprintf(err, errlen, "%s vs %s: %s", a, b, row->seq_note);
			return -EINVAL;
		}
		return ret;
	}
}

void compare_free(struct compare *c)
{
	res_free(&c->ra);
	res_free(&c->rb);
	for (size_t i = 0; i < c->n; i++) {
		free(c->rows[i].phase);
		free(c->rows[i].reason);
	}
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
		    (c->rows[i].state == RES_CMP_DONE && !c->sequential &&
		     cmp_regressed(&c->rows[i].r, &c->opts)) ||
		    (c->sequential && cseq_regressed(&c->rows[i].seq, &c->seq.opts)))
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
		return -r->change_pct > c->opts.threshold_pct ? "beyond the threshold"
							     : "proven, below the threshold";
	case CMP_NO_CHANGE:
		return "the interval lies inside the threshold";
	default:
		return "the interval reaches beyond the threshold: more runs needed";
	}
}

/* a part's verdict for the reader: the round trip's rules, and "moved" for a proven change */
static const char *part_verdict(const struct res_cmp_part *x)
{
	return x->state != RES_CMP_DONE ? "-" : cmp_verdict_name(x->r.verdict);
}

/* "the phases' changes add up to ..." of a row with phases, into buf */
static void where_sum_line(const struct res_cmp_row *row, char *buf, size_t len)
{
	if (!isfinite(row->phases_sum))
		snprintf(buf, len, "no phase could be compared");
	else if (!isfinite(row->rt_change))
		snprintf(buf, len, "the phases' changes add up to %+.3f %s an exit (the round trip's "
			 "own change is not known: it claims no exits, or was not compared)",
			 row->phases_sum, row->phase_unit);
	else if (row->rt_change == 0)
		snprintf(buf, len, "the phases' changes add up to %+.3f %s an exit; the round trip "
			 "did not change", row->phases_sum, row->phase_unit);
	else
		snprintf(buf, len, "the phases' changes add up to %+.3f %s an exit: %.1f%% of the "
			 "round trip's change of %+.3f an exit (the runner's figures), %+.3f apart",
			 row->phases_sum, row->phase_unit, row->phases_sum / row->rt_change * 100,
			 row->rt_change, row->phases_sum - row->rt_change);
}

static void print_parts(FILE *f, const char *what, const struct res_cmp_part *v, size_t n,
			const char *unit)
{
	fprintf(f, "  %-18s %10s %10s %10s %24s %-13s %7s\n", what, "base", "patched", "change",
		"interval", "verdict", "share");
	for (size_t i = 0; i < n; i++) {
		const struct res_cmp_part *x = &v[i];
		char iv[64], sh[16];

		if (x->state != RES_CMP_DONE) {
			fprintf(f, "  %-18s %s\n", x->name, x->note);
			continue;
		}
		snprintf(iv, sizeof(iv), "[%+.3f, %+.3f]", x->r.diff_lo, x->r.diff_hi);
		if (isfinite(x->share))
			snprintf(sh, sizeof(sh), "%.0f%%", x->share * 100);
		else
			snprintf(sh, sizeof(sh), "-");
		fprintf(f, "%s %-18s %10.3f %10.3f %+10.3f %24s %-13s %7s\n", x->moved ? "*" : " ",
			x->name, x->r.median_a, x->r.median_b, x->r.diff, iv, part_verdict(x), sh);
	}
	fprintf(f, "  (%s)\n", unit);
}

/* the "where it changed" of every row that has it */
static void print_where(FILE *f, const struct compare *c)
{
	char line[512];

	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];

		if (row->where_note[0])
			fprintf(f, "\nwhere %s changed: %s\n", row->name, row->where_note);
		if (!row->nphase && !row->nreason)
			continue;
		fprintf(f, "\nwhere %s changed (figures of each round, %s vs %s; * moved; intervals "
			"at %.4g%% for the phases, %.4g%% for the exit reasons: Bonferroni):\n", row->name,
			c->label_a, c->label_b, row->phase_confidence * 100, row->reason_confidence * 100);
		if (row->nphase) {
			print_parts(f, "phase", row->phase, row->nphase, row->phase_unit);
			where_sum_line(row, line, sizeof(line));
			fprintf(f, "  %s\n", line);
			if (row->trace_moved)
				fprintf(f, "  the 'trace' phase (the instrumentation's own event) moved: the "
					"two sides' instrumentation costs differ\n");
		}
		if (row->nreason)
			print_parts(f, "exit reason", row->reason, row->nreason, row->reason_unit);
	}
}

/* KIND-<row's name>, the name of a row's figure (its file, less .png, and its link) */
static void figure_name(char *buf, size_t len, const char *kind, const char *row)
{
	char safe[EB_NAME_LEN];

	plot_safe_name(safe, sizeof(safe), row);
	snprintf(buf, len, "%s-%s", kind, safe);
}

/* the name column's width: 12, or the longest name (pvr-mmu:segments=16) */
static int name_width(const struct compare *c)
{
	int w = 12;

	for (size_t i = 0; i < c->n; i++)
		if ((int)strlen(c->rows[i].name) > w)
			w = strlen(c->rows[i].name);
	return w;
}

/* the sequential judgement of each row, and why it stopped */
static void print_seq(FILE *f, const struct compare *c)
{
	char line[256], iv[64], fx[64], at[16];
	int w = name_width(c);

	fprintf(f, "\nsequential: confidence sequence %s, %.4g%% "
		"over every round; band +/-%.4g%%; one sample: a round's change (B - A) / A%s\n",
		c->seq.opts.robust ? "for the median, of the signs (Howard et al. 2021; Howard and Ramdas 2022)" :
		"(Lai 1976; Wang and Ramdas 2023)",
		c->seq.opts.confidence * 100, c->seq.opts.until_pct, res_icount(&c->ra) ?
		"; a change must lie beyond half an instruction an exit" : "");
	fprintf(f, "%-*s %6s %7s %9s %24s %24s %-13s %s\n", w, "benchmark", "rounds", "decided",
		"change", "sequence interval", c->seq.opts.robust ? "sign interval if n fixed" :
		"t interval if n fixed", "verdict", "against the band");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cseq_result *q = &row->seq;

		if (row->state != RES_CMP_DONE)
			continue;
		if (!q->rounds) {
			fprintf(f, "%-*s not judged: %s\n", w, row->name, row->seq_note);
			continue;
		}
		snprintf(iv, sizeof(iv), "[%+.3f%%, %+.3f%%]", q->lo_pct, q->hi_pct);
		snprintf(fx, sizeof(fx), "[%+.3f%%, %+.3f%%]", q->fixed_lo_pct, q->fixed_hi_pct);
		snprintf(at, sizeof(at), q->decided_at ? "%zu" : "-", q->decided_at);
		fprintf(f, "%-*s %6zu %7s %+8.3f%% %24s %24s %-13s %s\n", w, row->name, q->rounds, at,
			q->change_pct, iv, fx, cmp_verdict_name(q->verdict), cseq_verdict_note(q));
	}
	cseq_stop_line(&c->seq, line, sizeof(line));
	fprintf(f, "%s\n", line);
}

void compare_print(FILE *f, const struct compare *c)
{
	char pw[16], pm[16], rn[16], line[512];
	int w = name_width(c);

	fprintf(f, "%s: %s\n%s: %s\n", c->label_a, c->file_a, c->label_b, c->file_b);
	fprintf(f, "unit: %s; samples: %s; %.4g%% confidence; threshold +/-%.4g%%\n\n", c->unit,
		c->samples, c->opts.confidence * 100, c->opts.threshold_pct);
	fprintf(f, "%-*s %4s %14s %14s %9s %22s %8s %8s %-13s %6s\n", w, "benchmark", "n",
		c->label_a, c->label_b, "change", "95% interval", "p-welch", "p-mw", "verdict",
		"runs");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cmp_result *r = &row->r;
		char iv[64];

		if (row->state != RES_CMP_DONE) {
			fprintf(f, "%-*s %s\n", w, row->name, row->note);
			continue;
		}
		fmt_p(pw, sizeof(pw), r->p_welch);
		fmt_p(pm, sizeof(pm), r->p_mannwhitney);
		fmt_runs(rn, sizeof(rn), r->runs_needed);
		snprintf(iv, sizeof(iv), "[%+.3f%%, %+.3f%%]", r->ci_pct_lo, r->ci_pct_hi);
		fprintf(f, "%-*s %2zu/%-2zu %14.6g %14.6g %+8.3f%% %22s %8s %8s %-13s %6s\n", w, row->name,
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
	print_where(f, c);
	fprintf(f, "\n'runs' is the runs a side needed for %.0f%% power at the observed difference "
		"(Student's t with 2n-2 df, not the normal approximation).\n", c->opts.power * 100);
	if (c->sequential)
		print_seq(f, c);
}

/* ---- JSON: results.c writes it ---- */

int compare_write_json(const struct compare *c, const char *path)
{
	struct res_cmp doc = { .opts = c->opts, .n = c->n, .rows = c->rows,
			       .exit_status = compare_status(c),
			       .seq = c->sequential ? &c->seq : NULL };

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

static void md_parts(FILE *f, const struct compare *c, const char *what,
		     const struct res_cmp_part *v, size_t n, int shares)
{
	int insns = n && isfinite(v[0].insn_change);

	for (size_t i = 0; i < n; i++)
		insns |= isfinite(v[i].insn_change);
	fprintf(f, "| %s | %s | %s | change | interval | change %% | verdict |%s%s\n"
		"|---|---|---|---|---|---|---|%s%s\n", what, c->label_a, c->label_b,
		insns ? " change, instructions |" : "", shares ? " share of the round trip's change |" : "",
		insns ? "---|" : "", shares ? "---|" : "");
	for (size_t i = 0; i < n; i++) {
		const struct res_cmp_part *x = &v[i];
		const char *b = x->moved ? "**" : "";

		if (x->state != RES_CMP_DONE) {
			fprintf(f, "| %s | | | | | | %s |%s%s\n", x->name, x->note, insns ? " |" : "",
				shares ? " |" : "");
			continue;
		}
		fprintf(f, "| %s%s%s%s | %.3f | %.3f | %s%+.3f%s | [%+.3f, %+.3f] | %+.3f%% | %s%s%s%s%s%s |",
			b, x->name, b, x->moved ? " ◀ moved" : "", x->r.median_a, x->r.median_b, b,
			x->r.diff, b, x->r.diff_lo, x->r.diff_hi, x->r.change_pct, b,
			cmp_verdict_name(x->r.verdict), b, x->note[0] ? " (" : "", x->note,
			x->note[0] ? ")" : "");
		if (insns)
			fprintf(f, " %+.1f |", x->insn_change);
		if (shares && isfinite(x->share))
			fprintf(f, " %.1f%% |", x->share * 100);
		else if (shares)
			fprintf(f, " |");
		fputc('\n', f);
	}
}

/* 1 when row's 'trace' phase was compared */
static int trace_compared(const struct res_cmp_row *row)
{
	for (size_t i = 0; i < row->nphase; i++)
		if (!strcmp(row->phase[i].name, "trace"))
			return row->phase[i].state == RES_CMP_DONE;
	return 0;
}

/* "Where it changed": per benchmark, the phases along the path and the exit reasons */
static void md_where(FILE *f, const struct compare *c, int plots)
{
	int any = 0;
	char line[512];

	for (size_t i = 0; i < c->n; i++)
		any |= c->rows[i].nphase || c->rows[i].nreason || c->rows[i].where_note[0];
	if (!any)
		return;
	fprintf(f, "\n## Where it changed\n\nEach side was traced round by round. A phase's (or an "
		"exit reason's) sample is its figure of one round: the mean of the middle 80%% of its "
		"exits' times (the runs' rounds are the unit of replication here too). Base and "
		"patched are the medians of those figures; the change is the difference of their "
		"means with its interval, judged by the round trip's rules. A benchmark's k phases "
		"(and its exit reasons) are a family: each interval is at 1 - %.4g%%/k confidence "
		"(Bonferroni), so that the chance of any false **moved** stays within %.4g%%. "
		"**Moved**: the interval excludes 0%s. A phase that did not move is no-change when "
		"its interval, weighed by the share of round trips that have the phase, lies within "
		"the threshold of the round trip (what matters is the exit's cost: `vcpu_run`, once "
		"per KVM_RUN, counts for little in an exit), inconclusive otherwise. The phases are in path order; `round_trip` is "
		"their sum.\n", (1 - c->opts.confidence) * 100, (1 - c->opts.confidence) * 100,
		res_icount(&c->ra) ? ", by half an instruction an exit or more (in "
		"instruction-count mode less is not a change of code: a round's share of interrupted "
		"exits, or where a module was loaded)" : "");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];

		if (!row->nphase && !row->nreason && !row->where_note[0])
			continue;
		fprintf(f, "\n### %s\n\n", row->name);
		if (row->where_note[0])
			fprintf(f, "Not compared: %s.\n", row->where_note);
		if (row->nphase) {
			fprintf(f, "Phases of the round trip (%s an exit; intervals at %.4g%%):\n\n",
				row->phase_unit, row->phase_confidence * 100);
			md_parts(f, c, "phase", row->phase, row->nphase, 1);
			where_sum_line(row, line, sizeof(line));
			line[0] = (char)toupper((unsigned char)line[0]);
			fprintf(f, "\n%s.\n", line);
			if (row->trace_moved)
				fprintf(f, "\n> **The `trace` phase moved**: it is the instrumentation's own "
					"event, the same code on both sides; a change there means the two "
					"sides' instrumentation costs differ, and the figures above carry "
					"that difference.\n");
			else if (trace_compared(row))
				fprintf(f, "\nThe `trace` phase (the instrumentation's own event) did not "
					"move: the instrumentation costs both sides the same.\n");
			else
				fprintf(f, "\nThe `trace` phase (the instrumentation's own event) could not "
					"be compared: whether the instrumentation costs both sides the same is "
					"not known here.\n");
			if (plots) {
				char file[80];

				figure_name(file, sizeof(file), "compare-phases", row->name);
				fprintf(f, "\n![%s: the phases' changes](%s.png)\n", row->name, file);
			}
		}
		if (row->nreason) {
			fprintf(f, "\nExit reasons (%s an exit; intervals at %.4g%%):\n\n", row->reason_unit,
				row->reason_confidence * 100);
			md_parts(f, c, "exit reason", row->reason, row->nreason, 0);
		}
	}
}

/* "Sequential decision": the rounds judged by the confidence sequence, and why it stopped */
static void md_seq(FILE *f, const struct compare *c)
{
	char line[256];

	cseq_stop_line(&c->seq, line, sizeof(line));
	line[0] = (char)toupper((unsigned char)line[0]);
	fprintf(f, "\n## Sequential decision\n\n**%s.**\n\nThe rounds were looked at one by one, "
		"each judged as it came, and the comparison stops once every benchmark's change is "
		"decided against the band of +/-%.4g%%: proven (the interval excludes 0) or proven "
		"within the band. One sample is a round's change, (B - A) / A, paired by round. The "
		"interval is a %.4g%% confidence sequence, which holds over every round at once, "
		"however the rounds were stopped: %s. Its price: it is wider than Student's t interval "
		"of the same rounds (given beside it), which would hold only had their number been "
		"fixed in advance. The table above is of every round taken, for reading: after a "
		"sequential stop its %.4g%% does not hold; the decision is this one.\n\n",
		line, c->seq.opts.until_pct, c->seq.opts.confidence * 100,
		cseq_method_of(&c->seq.opts),
		c->opts.confidence * 100);
	if (res_icount(&c->ra))
		fprintf(f, "In instruction-count mode a change is proven only when the interval lies "
			"beyond half an instruction an exit (the floor, in %% of A below): less is not "
			"a change of code but where a module was loaded, or a round's share of "
			"interrupted exits; an interval within the floor is no change.\n\n");
	fprintf(f, "| benchmark | rounds | decided at | change | sequence interval | %s interval if n "
		"fixed (width x) | floor | verdict |\n|---|---|---|---|---|---|---|---|\n",
		c->seq.opts.robust ? "sign" : "t");
	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cseq_result *q = &row->seq;

		if (row->state != RES_CMP_DONE)
			continue;
		if (!q->rounds) {
			fprintf(f, "| %s | | | | | | | not judged: %s |\n", row->name, row->seq_note);
			continue;
		}
		fprintf(f, "| %s | %zu | ", row->name, q->rounds);
		if (q->decided_at)
			fprintf(f, "%zu", q->decided_at);
		fprintf(f, " | %+.3f%% | [%+.3f%%, %+.3f%%] | [%+.3f%%, %+.3f%%] (%.2f) | %.3g%% | **%s** (%s) |\n",
			q->change_pct, q->lo_pct, q->hi_pct, q->fixed_lo_pct, q->fixed_hi_pct,
			q->width_ratio, q->floor_pct, cmp_verdict_name(q->verdict), cseq_verdict_note(q));
	}
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
		else if (m == MODE_NATIVE && *env_str(&c->ra, "emulator"))
			fprintf(f, "> **Emulated times.** Both sides took the native path (HOST=native) on "
				"a host that is itself emulated: %s. Not figures of POWER hardware.%s\n\n",
				env_str(&c->ra, "emulator"), res_icount(&c->ra) ? " Instruction-count "
				"mode: 0.512 ticks per guest instruction." : "");
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
	if (c->sequential)
		md_seq(f, c);
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
	md_where(f, c, plots);
	if (plots) {
		fprintf(f, "\n## Distributions (per batch)\n\n");
		for (size_t i = 0; i < c->n; i++) {
			char file[80];

			if (c->rows[i].state != RES_CMP_DONE)
				continue;
			figure_name(file, sizeof(file), "compare", c->rows[i].name);
			fprintf(f, "![%s](%s.png)\n\n", c->rows[i].name, file);
		}
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
	figure_name(name, sizeof(name), "compare", row->name);
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

/* dir/compare-phases-<name>.png: a bar a phase from 0 to its change, whiskers its interval */
static int phases_plot(const struct compare *c, const struct res_cmp_row *row, const char *dir)
{
	size_t n = 0;
	double *x = calloc(row->nphase, sizeof(double)), *lo = calloc(row->nphase, sizeof(double));
	double *hi = calloc(row->nphase, sizeof(double)), *wlo = calloc(row->nphase, sizeof(double));
	double *whi = calloc(row->nphase, sizeof(double));
	char (*lab)[48] = calloc(row->nphase, sizeof(*lab));
	const char **labels = calloc(row->nphase, sizeof(*labels));
	char name[80], title[256], ylabel[96];
	struct plot *p = NULL;
	int ret = -ENOMEM;

	if (!x || !lo || !hi || !wlo || !whi || !lab || !labels)
		goto out;
	for (size_t i = 0; i < row->nphase; i++) {
		const struct res_cmp_part *q = &row->phase[i];

		if (q->state != RES_CMP_DONE || whole_kind(q->name))
			continue;
		x[n] = (double)n;
		lo[n] = fmin(0, q->r.diff);
		hi[n] = fmax(0, q->r.diff);
		wlo[n] = q->r.diff_lo;
		whi[n] = q->r.diff_hi;
		snprintf(lab[n], sizeof(lab[n]), "%s%s", q->name, q->moved ? " *" : "");
		labels[n] = lab[n];
		n++;
	}
	ret = 0;
	if (!n)
		goto out;
	figure_name(name, sizeof(name), "compare-phases", row->name);
	snprintf(title, sizeof(title), "%s: where it changed, %s vs %s (bar: change, whiskers: %.4g%% "
		 "interval; * moved)", row->name, c->label_a, c->label_b, c->opts.confidence * 100);
	snprintf(ylabel, sizeof(ylabel), "change, %s an exit", row->phase_unit);
	ret = plot_new(&(struct plot_figure){ .dir = dir, .name = name, .width = 1000, .height = 460,
					      .title = title }, &p);
	if (ret) {
		ret = -EBADF;
		goto out;
	}
	plot_panel(p, &(struct plot_panel){ .x = { .label = "phase, in path order", .rotate = -30,
		.fixed = PLOT_MIN | PLOT_MAX, .min = -0.6, .max = (double)n - 0.4 },
		.y = { .label = ylabel, .grid = 1 }, .box_width = 0.6, .key = PLOT_KEY_NONE });
	plot_add(p, &(struct plot_series){ .kind = PLOT_CANDLES, .colour = "#c04020", .n = n, .x = x,
		 .lo = lo, .hi = hi, .wlo = wlo, .whi = whi, .whisker_bars = 0.4, .labels = labels });
	ret = plot_draw(p);
	plot_free(p);
out:
	free(x);
	free(lo);
	free(hi);
	free(wlo);
	free(whi);
	free(lab);
	free(labels);
	return ret;
}

const char *compare_plots(const struct compare *c, const char *dir)
{
	if (!c->from_results)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		int ret = c->rows[i].nphase ? phases_plot(c, &c->rows[i], dir) : 0;

		if (ret == -EBADF || ret == -ENOMEM)
			return "cannot write the plot data";
		if (ret)
			return plot_strerror(ret);
	}
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
