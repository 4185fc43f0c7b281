// SPDX-License-Identifier: MIT
/* trace: the summaries out as a table, kvm_stat-like frames, trace.json and into results.json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- JSON ---- */

static json_t *num_or_null(const struct trace_stat *st, int64_t v)
{
	return st->count ? json_integer(v) : json_null();
}

static json_t *stat_json(const char *key, const char *name, const struct trace_stat *st,
			 const char *unit)
{
	return json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:s}", key, name,
			 "count", (json_int_t)st->count,
			 "median", num_or_null(st, st->median), "p5", num_or_null(st, st->p5),
			 "p95", num_or_null(st, st->p95), "p99", num_or_null(st, st->p99),
			 "min", num_or_null(st, st->min), "max", num_or_null(st, st->max),
			 "sum", (json_int_t)st->sum, "unit", unit);
}

static json_t *phases_of(const struct trace_bench *b, const struct trace_stat *phase,
			 const struct trace_source *src)
{
	json_t *a = json_array();

	for (int k = 0; a && k < TRACE_NKINDS; k++)
		if (shows_kind(b, k))
			json_array_append_new(a, stat_json("name", trace_kind_name(k), &phase[k],
							   unit_of(k, src)));
	return a;
}

/*
 * A phase's histogram in the form of a benchmark's "histogram" (hist_to_json, with "of" and
 * "value_scale"): its values are whole units already, so value_scale 1.
 */
static json_t *phase_hist_json(const struct hist *h, const char *name, const char *unit)
{
	json_t *o = hist_to_json(h);
	char of[128];

	if (!o)
		return NULL;
	snprintf(of, sizeof(of), "%s: %s x value_scale", name, unit);
	json_object_set_new(o, "of", json_string(of));
	json_object_set_new(o, "value_scale", json_integer(1));
	return o;
}

json_t *trace_bench_phases_json(const struct trace_bench *b, const struct trace_source *src)
{
	json_t *a = phases_of(b, b->phase, src), *o;
	size_t i = 0;

	/* the benchmark's phases only: the exit reasons' would make the file large */
	for (int k = 0; a && k < TRACE_NKINDS; k++) {
		if (!shows_kind(b, k))
			continue;
		o = json_array_get(a, i++);
		if (o && b->hist[k] && b->phase[k].count)
			json_object_set_new(o, "histogram",
					    phase_hist_json(b->hist[k], trace_kind_name(k), unit_of(k, src)));
	}
	return a;
}

json_t *trace_bench_reasons_json(const struct trace_bench *b, const struct trace_source *src)
{
	json_t *a = json_array();

	for (size_t j = 0; a && j < b->nreasons; j++) {
		const struct trace_reason *r = &b->reasons[j];
		json_t *o = stat_json("reason", r->name, &r->stat, unit_of(r->kind, src));

		if (!o)
			continue;
		/* count: the exit's events; the stat's own count (timed) may be fewer */
		json_object_set_new(o, "timed", json_integer((json_int_t)r->stat.count));
		json_object_set_new(o, "count", json_integer((json_int_t)r->count));
		json_object_set_new(o, "vector", json_integer(r->vector));
		json_object_set_new(o, "share", json_real(r->share));
		json_object_set_new(o, "of", json_string(trace_kind_name(r->kind)));
		json_object_set_new(o, "resume", json_pack("{s:I,s:I,s:I,s:I}",
			"guest", (json_int_t)r->resume[0], "guest_nv", (json_int_t)r->resume[1],
			"host", (json_int_t)r->resume[2], "error", (json_int_t)r->resume[3]));
		if (r->kind == TRACE_K_ROUND_TRIP) {
			json_object_set_new(o, "out_of_order", json_integer((json_int_t)r->out_of_order));
			json_object_set_new(o, "phases", phases_of(b, r->phase, src));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *bench_json(const struct trace_bench *b, const struct trace_source *src)
{
	return json_pack("{s:s,s:I,s:I,s:s,s:o,s:o}", "name", b->name,
			 "repetitions_marked", (json_int_t)b->reps, "exits", (json_int_t)b->events,
			 "source", b->kind == TRACE_K_ROUND_TRIP ? "kvm_pr:kvm_pr_exit_timing" :
			 "kvm_pr:kvm_exit -> kvm_pr:kvm_book3s_reenter",
			 "phases", trace_bench_phases_json(b, src),
			 "exit_reasons", trace_bench_reasons_json(b, src));
}

json_t *trace_json(const struct trace_summary *s, const struct trace_source *src)
{
	const struct trace_counts *c = &s->c;
	json_t *benches = json_array(), *root;

	if (!benches)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(benches, bench_json(&s->b[i], src));
	root = json_pack("{s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:I,s:I,s:I,s:f,s:o}",
			 "tool", "exitbench 0.1", "trace_file", src->path, "cpus", src->cpus,
			 "cpus_with_data", src->cpus_with_data, "reader_threads", (int)src->threads,
			 "trace_clock", src->clock, "exit_to_reenter_unit", unit_of(TRACE_K_EXIT_REENTER, src),
			 "events_read", (json_int_t)c->records,
			 "events_lost", (json_int_t)(c->lost + src->lost_file),
			 "lost_pages_uncounted", (json_int_t)c->lost_pages,
			 "elapsed_s", src->elapsed_s, "benchmarks", benches);
	if (!root)
		return NULL;
	json_object_set_new(root, "counts", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"kvm_pr_exit_timing", (json_int_t)c->timing, "out_of_order", (json_int_t)c->out_of_order,
		"kvm_exit", (json_int_t)c->exits, "kvm_book3s_reenter", (json_int_t)c->reenters,
		"paired", (json_int_t)c->paired, "unpaired_exits", (json_int_t)c->unpaired_exits,
		"unpaired_reenters", (json_int_t)c->unpaired_reenters, "markers", (json_int_t)c->markers,
		"bad_markers", (json_int_t)c->bad_markers, "unmatched_markers", (json_int_t)c->unmatched_markers,
		"short_records", (json_int_t)c->short_records, "out_of_range", (json_int_t)c->out_of_range));
	return root;
}

/* ---- results.json ---- */

int trace_merge_results(const char *path, const struct trace_summary *s,
			const struct trace_source *src, size_t *unmatched, char *err, size_t len)
{
	json_t *root, *benches, *o;
	json_error_t je;
	struct results r;
	char tmp[4096];
	size_t i;
	int ret = 0;

	*unmatched = 0;
	/* the reader that report and compare use decides whether it is a results.json */
	if (res_read(path, &r, err, len))
		return -EINVAL;
	res_free(&r);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, len, "%s: %s", path, je.text);
		return -EINVAL;
	}
	benches = json_object_get(root, "benchmarks");
	for (size_t k = 0; k < s->n; k++) {
		const struct trace_bench *b = &s->b[k];
		int found = 0;

		if (!strcmp(b->name, TRACE_NONE))
			continue;
		json_array_foreach(benches, i, o) {
			if (strcmp(json_string_value(json_object_get(o, "name")), b->name))
				continue;
			json_object_set_new(o, "phases", trace_bench_phases_json(b, src));
			json_object_set_new(o, "exit_reasons", trace_bench_reasons_json(b, src));
			json_object_set_new(o, "trace", json_pack("{s:s,s:I,s:I,s:s}", "file", src->path,
				"repetitions_marked", (json_int_t)b->reps, "exits", (json_int_t)b->events,
				"source", b->kind == TRACE_K_ROUND_TRIP ? "kvm_pr:kvm_pr_exit_timing" :
				"kvm_pr:kvm_exit -> kvm_pr:kvm_book3s_reenter"));
			found = 1;
			break;
		}
		*unmatched += !found;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(10))) {
		snprintf(err, len, "%s: cannot write", tmp);
		ret = -EIO;
	} else if (rename(tmp, path)) {
		ret = -errno;
		snprintf(err, len, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	json_decref(root);
	return ret;
}
