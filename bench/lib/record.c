// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

void rec_open(struct rec *r, FILE *f)
{
	struct stat st;

	r->f = f;
	r->sync = fstat(fileno(f), &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
	r->nfields = 0;
	r->depth = 0;
	r->variant = NULL;
	r->round = 0;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* records carry ASCII only */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void key(struct rec *r, const char *k)
{
	if (r->nfields++)
		fputc(',', r->f);
	put_string(r->f, k);
	fputc(':', r->f);
}

void rec_begin(struct rec *r, const char *type)
{
	r->nfields = 0;
	r->depth = 0;
	fputc('{', r->f);
	rec_str(r, "type", type);
	if (r->variant)
		rec_str(r, "variant", r->variant);
	if (r->round)
		rec_u64(r, "round", r->round);
}

void rec_str(struct rec *r, const char *k, const char *val)
{
	key(r, k);
	put_string(r->f, val);
}

void rec_u64(struct rec *r, const char *k, uint64_t val)
{
	key(r, k);
	fprintf(r->f, "%" PRIu64, val);
}

void rec_f64(struct rec *r, const char *k, double val)
{
	key(r, k);
	if (isfinite(val))
		fprintf(r->f, "%.17g", val);
	else
		fputs("null", r->f);
}

void rec_bool(struct rec *r, const char *k, int val)
{
	key(r, k);
	fputs(val ? "true" : "false", r->f);
}

void rec_u64_array(struct rec *r, const char *k, const uint64_t *v, size_t n)
{
	key(r, k);
	fputc('[', r->f);
	for (size_t i = 0; i < n; i++)
		fprintf(r->f, i ? ",%" PRIu64 : "%" PRIu64, v[i]);
	fputc(']', r->f);
}

void rec_obj_begin(struct rec *r, const char *k)
{
	key(r, k);
	fputc('{', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_arr_begin(struct rec *r, const char *k)
{
	key(r, k);
	fputc('[', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_arr_end(struct rec *r)
{
	fputc(']', r->f);
	r->depth--;
	r->nfields = 1;
}

void rec_item_begin(struct rec *r)
{
	if (r->nfields++)
		fputc(',', r->f);
	fputc('{', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_obj_end(struct rec *r)
{
	fputc('}', r->f);
	r->depth--;
	r->nfields = 1;
}

int rec_end(struct rec *r)
{
	fputs("}\n", r->f);
	if (fflush(r->f))
		return -errno;
	if (r->sync && fsync(fileno(r->f)) && errno != EINVAL)
		return -errno;
	return ferror(r->f) ? -EIO : 0;
}

static void str_if(struct rec *r, const char *k, const char *val)
{
	if (val)
		rec_str(r, k, val);
}

int rec_write_env(struct rec *r, const struct rec_env *e)
{
	rec_begin(r, "env");
	rec_u64(r, "record_format", EB_RECORD_FORMAT);
	rec_str(r, "runner", e->runner);
	rec_str(r, "suite", e->suite);
	str_if(r, "kernel_release", e->kernel_release);
	str_if(r, "kernel_version", e->kernel_version);
	str_if(r, "machine", e->machine);
	rec_str(r, "cpu", e->cpu ? e->cpu : "");
	rec_str(r, "cpu_revision", e->cpu_revision ? e->cpu_revision : "");
	rec_u64(r, "tb_hz", e->tb_hz);
	rec_str(r, "platform", e->platform ? e->platform : "");
	rec_str(r, "model", e->model ? e->model : "");
	rec_str(r, "mmu", e->mmu ? e->mmu : "");
	rec_u64(r, "online_cpus", e->online_cpus);
	if (e->kvm_api_version >= 0)
		rec_u64(r, "kvm_api_version", e->kvm_api_version);
	if (e->pinned_cpu >= 0)
		rec_u64(r, "pinned_cpu", e->pinned_cpu);
	else
		rec_str(r, "pinned_cpu", "none");
	rec_str(r, "trace_markers", e->trace_markers);
	rec_bool(r, "pmu_counting", e->pmu_counting);
	rec_str(r, "pmu_library", e->pmu_library);
	str_if(r, "pmu_rotation", e->pmu_rotation);
	return rec_end(r);
}

int rec_write_bench(struct rec *r, const struct rec_bench *b)
{
	char pvr[16];

	rec_begin(r, "bench");
	rec_str(r, "bench", b->name);
	rec_str(r, "what", b->what);
	rec_str(r, "exit_kind", b->exit_kind);
	rec_u64(r, "claimed_exits_per_iteration", b->claimed_exits_per_iteration);
	rec_u64(r, "iterations", b->iterations);
	rec_u64(r, "batches", b->batches);
	rec_u64(r, "repetitions", b->repetitions);
	rec_u64(r, "warmup", b->warmup);
	rec_u64(r, "timeout_s", b->timeout_s);
	snprintf(pvr, sizeof(pvr), "0x%08" PRIx32, b->vcpu_pvr);
	rec_str(r, "vcpu_pvr", pvr);
	if (b->exit_timing_stats)
		rec_str(r, "exit_timing_stats", b->exit_timing_stats);
	if (b->file && strcmp(b->file, b->name))
		rec_str(r, "file", b->file);
	str_if(r, "guest", b->guest);
	str_if(r, "guest_kernel", b->guest_kernel);
	if (b->nparams) {
		rec_obj_begin(r, "params");
		for (uint32_t i = 0; i < b->nparams; i++)
			rec_u64(r, b->param_names[i], b->param_values[i]);
		rec_obj_end(r);
	}
	if (b->npmu) {
		rec_arr_begin(r, "pmu");
		for (size_t i = 0; i < b->npmu; i++) {
			const struct rec_pmu_event *e = &b->pmu[i];

			rec_item_begin(r);
			rec_str(r, "event", e->event);
			rec_str(r, "mode", e->mode);
			rec_str(r, "status", e->status);
			if (e->encoding && e->encoding[0])
				rec_str(r, "encoding", e->encoding);
			rec_obj_end(r);
		}
		rec_arr_end(r);
	}
	return rec_end(r);
}

/* a histogram's non-zero buckets, sparse: KEY_at (bucket indexes) and KEY_n (counts) */
static void rec_sparse(struct rec *r, const char *key, const uint64_t *v, uint32_t n)
{
	uint64_t at[REC_SPARSE_MAX], cnt[REC_SPARSE_MAX];
	char k[32];
	size_t m = 0;

	for (uint32_t i = 0; i < n && i < REC_SPARSE_MAX; i++)
		if (v[i]) {
			at[m] = i;
			cnt[m++] = v[i];
		}
	snprintf(k, sizeof(k), "%s_at", key);
	rec_u64_array(r, k, at, m);
	snprintf(k, sizeof(k), "%s_n", key);
	rec_u64_array(r, k, cnt, m);
}

/* a phase's or reason's entry: {name, [vector,] sum, hist_at, hist_n, log_at, log_n} */
static void rec_timing_group(struct rec *r, const struct rec_timing_phase *g, int vector)
{
	rec_item_begin(r);
	rec_str(r, "name", g->name);
	if (vector)
		rec_u64(r, "vector", g->vector);
	rec_u64(r, "sum", g->sum);
	rec_sparse(r, "hist", g->hist, g->nhist);
	rec_sparse(r, "log", g->log, g->nlog);
	rec_obj_end(r);
}

/*
 * "exit_timing": {round_trips, every, hist_buckets, phases: [...], exits: [...]} (exits:
 * the reasons with round trips timed in the repetition, each with its vector)
 */
static void rec_timing(struct rec *r, const struct rec_timing *t)
{
	rec_obj_begin(r, "exit_timing");
	rec_u64(r, "round_trips", t->round_trips);
	if (t->every)
		rec_u64(r, "every", t->every);
	rec_u64(r, "hist_buckets", t->n ? t->ph[0].nhist : 0);
	rec_arr_begin(r, "phases");
	for (size_t i = 0; i < t->n; i++)
		rec_timing_group(r, &t->ph[i], 0);
	rec_arr_end(r);
	if (t->nexit) {
		rec_arr_begin(r, "exits");
		for (size_t i = 0; i < t->nexit; i++)
			rec_timing_group(r, &t->ex[i], 1);
		rec_arr_end(r);
	}
	rec_obj_end(r);
}

int rec_write_rep(struct rec *r, const struct rec_rep *p)
{
	rec_begin(r, "rep");
	rec_str(r, "bench", p->bench);
	rec_u64(r, "rep", p->rep);
	rec_u64(r, "iterations", p->iterations);
	rec_u64(r, "batches", p->batches);
	rec_u64(r, "rep_ticks", p->rep_ticks);
	rec_u64_array(r, "batch_ticks", p->batch_ticks, p->batches);
	rec_obj_begin(r, "exits");
	for (int i = 0; i < EBC_N; i++)
		rec_u64(r, eb_counter_names[i], p->exits.c[i]);
	rec_u64(r, "user", p->exits.user);
	rec_u64(r, "doorbells", p->exits.doorbells);
	if (p->exits.has_base) {
		rec_obj_begin(r, "base");
		for (int i = 0; i < EBC_N; i++)
			rec_u64(r, eb_counter_names[i], p->exits.base[i]);
		rec_obj_end(r);
		rec_u64(r, "slack", p->exits.slack);
	}
	rec_obj_end(r);
	if (p->guest_slb_valid)
		rec_u64(r, "guest_slb_valid", p->guest_slb_valid);
	if (p->pmu_mode) {
		rec_obj_begin(r, "pmu");
		rec_str(r, "mode", p->pmu_mode);
		rec_arr_begin(r, "counts");
		for (size_t i = 0; i < p->ncounts; i++) {
			const struct rec_pmu_count *c = &p->counts[i];

			rec_item_begin(r);
			rec_str(r, "event", c->event);
			if (c->error) {
				rec_str(r, "error", c->error);
			} else {
				rec_u64(r, "count", c->count);
				rec_u64(r, "enabled_ns", c->enabled_ns);
				rec_u64(r, "running_ns", c->running_ns);
			}
			rec_obj_end(r);
		}
		rec_arr_end(r);
		rec_obj_end(r);
	}
	if (p->timing)
		rec_timing(r, p->timing);
	return rec_end(r);
}

int rec_write_problem(struct rec *r, const char *type, const char *bench, const char *what,
		      const char *reason)
{
	rec_begin(r, type);
	rec_str(r, "bench", bench);
	rec_str(r, "what", what);
	rec_str(r, "reason", reason);
	return rec_end(r);
}

int rec_write_end(struct rec *r, uint64_t benchmarks, uint64_t failed, uint64_t skipped)
{
	rec_begin(r, "end");
	rec_u64(r, "benchmarks", benchmarks);
	rec_u64(r, "failed", failed);
	rec_u64(r, "skipped", skipped);
	return rec_end(r);
}
