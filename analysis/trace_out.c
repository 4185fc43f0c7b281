// SPDX-License-Identifier: MIT
/* trace: the summaries out as a table, kvm_stat-like frames, and into the results model. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "results.h"
#include "trace.h"

static const char *unit_of(int kind, const struct trace_source *src)
{
	if (kind == TRACE_K_EXIT_REENTER)
		return src && src->pair_unit[0] ? src->pair_unit : "trace clock units";
	return "timebase ticks";
}

static const char *short_unit(const char *unit)
{
	return !strcmp(unit, "timebase ticks") ? "ticks" : unit;
}

static void print_stat_row(FILE *f, const char *name, const struct trace_stat *st)
{
	if (!st->count) {
		fprintf(f, "  %-18s %12s %10s %10s %10s %10s\n", name, "0", "-", "-", "-", "-");
		return;
	}
	fprintf(f, "  %-18s %12llu %10lld %10lld %10lld %10lld\n", name, (unsigned long long)st->count,
		(long long)st->median, (long long)st->p5, (long long)st->p95, (long long)st->p99);
}

/* the kinds a benchmark's phase table shows, in path order */
static int shows_kind(const struct trace_bench *b, int k)
{
	if (k == TRACE_K_EXIT_REENTER)
		return b->phase[k].count > 0 || b->kind == TRACE_K_EXIT_REENTER;
	return b->kind == TRACE_K_ROUND_TRIP;
}

void trace_print(FILE *f, const struct trace_summary *s, const struct trace_source *src)
{
	const struct trace_counts *c = &s->c;

	fprintf(f, "%s: %llu records on %d CPUs (%d with data, %u reader threads), trace clock %s\n",
		src->path, (unsigned long long)c->records, src->cpus, src->cpus_with_data, src->threads,
		src->clock[0] ? src->clock : "unknown");
	fprintf(f, "  kvm_pr_exit_timing %llu (%llu stamps out of order), kvm_exit %llu, "
		"kvm_book3s_reenter %llu (%llu paired), markers %llu, events lost %llu\n",
		(unsigned long long)c->timing, (unsigned long long)c->out_of_order,
		(unsigned long long)c->exits, (unsigned long long)c->reenters,
		(unsigned long long)c->paired, (unsigned long long)c->markers,
		(unsigned long long)(c->lost + src->lost_file));
	for (size_t i = 0; i < s->n; i++) {
		const struct trace_bench *b = &s->b[i];
		const char *ru = unit_of(b->kind, src);

		fprintf(f, "\n%s: %llu repetitions marked, %llu exits (%s)\n", b->name,
			(unsigned long long)b->reps, (unsigned long long)b->events,
			b->kind == TRACE_K_ROUND_TRIP ? "kvm_pr_exit_timing, timebase ticks" :
			"kvm_exit -> kvm_book3s_reenter");
		fprintf(f, "  %-18s %12s %10s %10s %10s %10s\n", "phase", "count", "median", "p5", "p95",
			"p99");
		for (int k = 0; k < TRACE_NKINDS; k++) {
			char name[48];

			if (!shows_kind(b, k))
				continue;
			snprintf(name, sizeof(name), "%s", trace_kind_name(k));
			if (k == TRACE_K_EXIT_REENTER && strcmp(unit_of(k, src), "timebase ticks"))
				snprintf(name, sizeof(name), "%s (%s)", trace_kind_name(k),
					 short_unit(unit_of(k, src)));
			print_stat_row(f, name, &b->phase[k]);
		}
		if (!b->nreasons)
			continue;
		fprintf(f, "  %-16s %7s %12s %7s %10s %10s %10s %10s   (%s, %s)\n", "exit reason", "vector",
			"count", "share", "median", "p5", "p95", "p99", trace_kind_name(b->kind),
			short_unit(ru));
		for (size_t j = 0; j < b->nreasons; j++) {
			const struct trace_reason *r = &b->reasons[j];

			fprintf(f, "  %-16s %#7x %12llu %6.2f%%", r->name, r->vector,
				(unsigned long long)r->count, 100 * r->share);
			if (r->stat.count)
				fprintf(f, " %10lld %10lld %10lld %10lld", (long long)r->stat.median,
					(long long)r->stat.p5, (long long)r->stat.p95, (long long)r->stat.p99);
			else
				fprintf(f, " %10s %10s %10s %10s", "-", "-", "-", "-");
			fputc('\n', f);
		}
	}
}

static const struct trace_reason *find_reason(const struct trace_summary *s, const char *bench,
					      uint32_t vector)
{
	const struct trace_bench *b = s ? trace_summary_find(s, bench) : NULL;

	for (size_t j = 0; b && j < b->nreasons; j++)
		if (b->reasons[j].vector == vector)
			return &b->reasons[j];
	return NULL;
}

struct top_row {
	const struct trace_bench *b;
	const struct trace_reason *r;
	double rate;
};

static int top_cmp(const void *x, const void *y)
{
	const struct top_row *a = x, *b = y;

	if (a->r->count != b->r->count)
		return a->r->count > b->r->count ? -1 : 1;
	return strcmp(a->b->name, b->b->name);
}

void trace_print_top(FILE *f, const struct trace_summary *s, const struct trace_summary *prev,
		     double dt, double elapsed, int rows)
{
	struct top_row *v;
	size_t n = 0, cap = 0;
	uint64_t prev_rec = prev ? prev->c.records : 0;

	for (size_t i = 0; i < s->n; i++)
		cap += s->b[i].nreasons;
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->b[i].nreasons; j++) {
			const struct trace_reason *r = &s->b[i].reasons[j];
			const struct trace_reason *p = find_reason(prev, s->b[i].name, r->vector);

			v[n].b = &s->b[i];
			v[n].r = r;
			v[n].rate = dt > 0 ? (double)(r->count - (p && p->count <= r->count ? p->count : 0)) / dt : 0;
			n++;
		}
	qsort(v, n, sizeof(*v), top_cmp);
	fprintf(f, "exitbench trace  %.1f s  %llu records (%.0f/s)  %llu exits timed, %llu lost\n",
		elapsed, (unsigned long long)s->c.records,
		dt > 0 ? (double)(s->c.records - (prev_rec <= s->c.records ? prev_rec : 0)) / dt : 0,
		(unsigned long long)(s->c.timing + s->c.paired), (unsigned long long)s->c.lost);
	fprintf(f, " %-20s %-16s %12s %11s %10s %10s  %s\n", "Benchmark", "Exit reason", "Total",
		"Current/s", "Median", "p99", "of");
	for (size_t i = 0; i < n && (int)i < rows; i++)
		fprintf(f, " %-20s %-16s %12llu %11.0f %10lld %10lld  %s\n", v[i].b->name, v[i].r->name,
			(unsigned long long)v[i].r->count, v[i].rate, (long long)v[i].r->stat.median,
			(long long)v[i].r->stat.p99, trace_kind_name(v[i].r->kind));
	if (!n)
		fprintf(f, " (no kvm_pr events yet)\n");
	fflush(f);
	free(v);
}

/* ---- into the results model: results.c writes trace.json and results.json ---- */

static void to_tstat(struct res_tstat *o, const char *name, const struct trace_stat *st,
		     const char *unit)
{
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->unit, sizeof(o->unit), "%s", unit);
	o->count = st->count;
	o->sum = st->sum;
	/* no figure when nothing was timed */
	o->median = st->count ? (double)st->median : NAN;
	o->p5 = st->count ? (double)st->p5 : NAN;
	o->p95 = st->count ? (double)st->p95 : NAN;
	o->p99 = st->count ? (double)st->p99 : NAN;
	o->min = st->count ? (double)st->min : NAN;
	o->max = st->count ? (double)st->max : NAN;
}

static enum res_timed timed_of(int kind)
{
	return kind == TRACE_K_ROUND_TRIP ? RES_TIMED_ROUND_TRIP :
	       kind == TRACE_K_EXIT_REENTER ? RES_TIMED_EXIT_REENTER : RES_TIMED_OTHER;
}

/*
 * The kinds b shows of phase[], in path order; with hist (the benchmark's own phases, not an
 * exit reason's: those would make the file large) each counted one's histogram too.
 */
static int phases_of(const struct trace_bench *b, const struct trace_stat *phase,
		     struct hist *const *hist, const struct trace_source *src,
		     struct res_phase **out, size_t *n)
{
	struct res_phase *p = calloc(TRACE_NKINDS, sizeof(*p));

	*out = p;
	*n = 0;
	if (!p)
		return -ENOMEM;
	for (int k = 0; k < TRACE_NKINDS; k++) {
		if (!shows_kind(b, k))
			continue;
		to_tstat(&p[*n].st, trace_kind_name(k), &phase[k], unit_of(k, src));
		if (hist && hist[k] && phase[k].count) {
			if (hist_dup(hist[k], &p[*n].hist))
				return -ENOMEM;
			p[*n].hist_scale = 1;	/* whole units already */
		}
		(*n)++;
	}
	return 0;
}

static int reason_of(const struct trace_bench *b, const struct trace_reason *r,
		     const struct trace_source *src, struct res_reason *x)
{
	to_tstat(&x->st, r->name, &r->stat, unit_of(r->kind, src));
	/* count: the exit's events; the stat's own count (timed) may be fewer */
	x->st.count = r->count;
	x->timed = r->stat.count;
	x->vector = r->vector;
	x->share = r->share;
	x->of = timed_of(r->kind);
	snprintf(x->of_name, sizeof(x->of_name), "%s", trace_kind_name(r->kind));
	memcpy(x->resume, r->resume, sizeof(x->resume));
	if (r->hist && r->stat.count) {
		if (hist_dup(r->hist, &x->hist))
			return -ENOMEM;
		x->hist_scale = 1;
	}
	if (r->kind != TRACE_K_ROUND_TRIP)
		return 0;
	x->has_out_of_order = x->has_phases = 1;
	x->out_of_order = r->out_of_order;
	return phases_of(b, r->phase, NULL, src, &x->phase, &x->nphase);
}

int trace_bench_result(const struct trace_bench *b, const struct trace_source *src,
		       struct res_trace *t)
{
	int ret = 0;

	memset(t, 0, sizeof(*t));
	t->has_source = t->has_phases = t->has_reasons = 1;
	snprintf(t->file, sizeof(t->file), "%s", src->path);
	t->repetitions_marked = b->reps;
	t->exits = b->events;
	t->timed = b->kind == TRACE_K_ROUND_TRIP ? RES_TIMED_ROUND_TRIP : RES_TIMED_EXIT_REENTER;
	snprintf(t->source, sizeof(t->source), "%s", res_timed_source(t->timed));
	ret = phases_of(b, b->phase, b->hist, src, &t->phase, &t->nphase);
	if (!ret && b->nreasons && !(t->reason = calloc(b->nreasons, sizeof(*t->reason))))
		ret = -ENOMEM;
	for (size_t j = 0; !ret && j < b->nreasons; j++) {
		t->nreason++;
		ret = reason_of(b, &b->reasons[j], src, &t->reason[j]);
	}
	if (ret)
		res_trace_free(t);
	return ret;
}

int trace_run_result(const struct trace_summary *s, const struct trace_source *src,
		     struct res_trace_run *t)
{
	const struct trace_counts *c = &s->c;

	memset(t, 0, sizeof(*t));
	snprintf(t->trace_file, sizeof(t->trace_file), "%s", src->path);
	t->cpus = src->cpus;
	t->cpus_with_data = src->cpus_with_data;
	t->reader_threads = (int)src->threads;
	snprintf(t->trace_clock, sizeof(t->trace_clock), "%s", src->clock);
	snprintf(t->exit_to_reenter_unit, sizeof(t->exit_to_reenter_unit), "%s",
		 unit_of(TRACE_K_EXIT_REENTER, src));
	t->events_read = c->records;
	t->events_lost = c->lost + src->lost_file;
	t->lost_pages_uncounted = c->lost_pages;
	t->elapsed_s = src->elapsed_s;
	t->counts = (struct res_trace_counts){
		.kvm_pr_exit_timing = c->timing, .out_of_order = c->out_of_order,
		.kvm_exit = c->exits, .kvm_book3s_reenter = c->reenters, .paired = c->paired,
		.unpaired_exits = c->unpaired_exits, .unpaired_reenters = c->unpaired_reenters,
		.markers = c->markers, .bad_markers = c->bad_markers,
		.unmatched_markers = c->unmatched_markers, .short_records = c->short_records,
		.out_of_range = c->out_of_range,
	};
	if (s->n && !(t->b = calloc(s->n, sizeof(*t->b))))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		snprintf(t->b[i].name, sizeof(t->b[i].name), "%s", s->b[i].name);
		t->n++;
		if (trace_bench_result(&s->b[i], src, &t->b[i].t)) {
			res_trace_run_free(t);
			return -ENOMEM;
		}
	}
	return 0;
}

int trace_merge_results(struct results *r, const struct trace_summary *s,
			const struct trace_source *src, size_t *unmatched)
{
	*unmatched = 0;
	for (size_t k = 0; k < s->n; k++) {
		const struct trace_bench *b = &s->b[k];
		struct res_bench *rb;
		struct res_trace t;

		if (!strcmp(b->name, TRACE_NONE))
			continue;
		if (!(rb = res_find(r, b->name))) {
			(*unmatched)++;
			continue;
		}
		if (trace_bench_result(b, src, &t))
			return -ENOMEM;
		res_trace_free(&rb->trace);	/* merged again: replaced */
		rb->trace = t;
	}
	return 0;
}

/* ---- rounds of a comparison ---- */

/* append r to a phase's or a reason's rounds */
static int round_append(struct res_round **v, size_t *n, struct res_round r)
{
	struct res_round *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = r;
	return 0;
}

/* st (whose values h holds, 1 / scale units) after adding add's values, addh's */
static int tstat_add(struct res_tstat *st, struct hist **h, int64_t scale, const struct res_tstat *add,
		     const struct hist *addh)
{
	st->count += add->count;
	st->sum += add->sum;
	if (!*h || !addh) {
		/* no histogram to merge: what cannot be summed is not known any more */
		hist_free(*h);
		*h = NULL;
		st->median = st->p5 = st->p95 = st->p99 = NAN;
		st->min = fmin(st->min, add->min);
		st->max = fmax(st->max, add->max);
		return 0;
	}
	if (hist_merge(*h, addh) == -ENOMEM)
		return -ENOMEM;
	res_tstat_from_hist(st, *h, scale);
	return 0;
}

/* the new round's trace t of a benchmark into have, which has earlier rounds */
static int merge_round(struct res_trace *have, struct res_trace *t)
{
	double total = 0;
	int ret;

	have->repetitions_marked += t->repetitions_marked;
	have->exits += t->exits;
	snprintf(have->file, sizeof(have->file), "%s", t->file);
	for (size_t i = 0; i < t->nphase; i++) {
		struct res_phase *p = &t->phase[i], *q = NULL;

		for (size_t j = 0; j < have->nphase && !q; j++)
			if (!strcmp(have->phase[j].st.name, p->st.name))
				q = &have->phase[j];
		if (!q) {
			/* a phase this round has and the earlier ones did not (counted: 0 before) */
			struct res_phase *np = realloc(have->phase, (have->nphase + 1) * sizeof(*np));

			if (!np)
				return -ENOMEM;
			have->phase = np;
			have->phase[have->nphase++] = *p;
			memset(p, 0, sizeof(*p));
			have->has_phases = 1;
			continue;
		}
		if ((ret = tstat_add(&q->st, &q->hist, q->hist_scale, &p->st, p->hist)))
			return ret;
		if ((ret = round_append(&q->round, &q->nround, p->round[0])))
			return ret;
	}
	for (size_t i = 0; i < t->nreason; i++) {
		struct res_reason *x = &t->reason[i], *y = NULL;

		for (size_t j = 0; j < have->nreason && !y; j++)
			if (have->reason[j].vector == x->vector)
				y = &have->reason[j];
		if (!y) {
			struct res_reason *nr = realloc(have->reason, (have->nreason + 1) * sizeof(*nr));

			if (!nr)
				return -ENOMEM;
			have->reason = nr;
			y = &have->reason[have->nreason++];
			*y = *x;
			memset(x, 0, sizeof(*x));
			have->has_reasons = 1;
			continue;
		}
		if ((ret = tstat_add(&y->st, &y->hist, y->hist_scale, &x->st, x->hist)))
			return ret;
		y->timed += x->timed;
		y->out_of_order += x->out_of_order;
		for (int k = 0; k < 4; k++)
			y->resume[k] += x->resume[k];
		if ((ret = round_append(&y->round, &y->nround, x->round[0])))
			return ret;
		/* a reason's phases keep no histogram: one round's, not the sum's */
		for (size_t j = 0; j < y->nphase; j++) {
			hist_free(y->phase[j].hist);
			free(y->phase[j].round);
		}
		free(y->phase);
		y->phase = NULL;
		y->nphase = 0;
		y->has_phases = 0;
	}
	/* shares of the benchmark's time over all rounds */
	for (size_t j = 0; j < have->nreason; j++)
		total += (double)have->reason[j].st.sum;
	for (size_t j = 0; j < have->nreason; j++)
		have->reason[j].share = total > 0 ? (double)have->reason[j].st.sum / total : 0;
	return 0;
}

/* the last round merged into t (0: none, t is not of rounds) */
static uint32_t last_round(const struct res_trace *t)
{
	uint32_t m = 0;

	for (size_t j = 0; j < t->nphase; j++)
		if (t->phase[j].nround && t->phase[j].round[t->phase[j].nround - 1].round > m)
			m = t->phase[j].round[t->phase[j].nround - 1].round;
	for (size_t j = 0; j < t->nreason; j++)
		if (t->reason[j].nround && t->reason[j].round[t->reason[j].nround - 1].round > m)
			m = t->reason[j].round[t->reason[j].nround - 1].round;
	return m;
}

/* the round's figure of each phase and reason of t, in their rounds */
static int set_round(struct res_trace *t, uint32_t round)
{
	int ret;

	for (size_t i = 0; i < t->nphase; i++) {
		struct res_phase *p = &t->phase[i];
		struct res_round r = { .round = round, .count = p->st.count,
				       .figure = res_hist_figure(p->hist, p->hist_scale, p->st.count,
								 p->st.sum) };

		if ((ret = round_append(&p->round, &p->nround, r)))
			return ret;
	}
	for (size_t i = 0; i < t->nreason; i++) {
		struct res_reason *x = &t->reason[i];
		struct res_round r = { .round = round, .count = x->timed,
				       .figure = res_hist_figure(x->hist, x->hist_scale, x->timed,
								 x->st.sum) };

		if ((ret = round_append(&x->round, &x->nround, r)))
			return ret;
	}
	return 0;
}

int trace_merge_round(struct results *r, const struct trace_summary *s,
		      const struct trace_source *src, uint32_t round, size_t *unmatched)
{
	*unmatched = 0;
	for (size_t k = 0; k < s->n; k++) {
		const struct trace_bench *b = &s->b[k];
		struct res_bench *rb;
		struct res_trace t;
		int ret, first;

		if (!strcmp(b->name, TRACE_NONE))
			continue;
		if (!(rb = res_find(r, b->name))) {
			(*unmatched)++;
			continue;
		}
		first = !rb->trace.has_source || !last_round(&rb->trace);
		if (!first && last_round(&rb->trace) >= round)
			return -EEXIST;
		if (trace_bench_result(b, src, &t))
			return -ENOMEM;
		ret = set_round(&t, round);
		if (!ret && first) {
			res_trace_free(&rb->trace);
			rb->trace = t;
			continue;
		}
		if (!ret)
			ret = merge_round(&rb->trace, &t);
		res_trace_free(&t);
		if (ret)
			return ret;
	}
	return 0;
}
