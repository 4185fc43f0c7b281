// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <exitbench/mailbox.h>
#include "collect.h"
#include "exits.h"
#include "hist.h"
#include "record.h"
#include "trace.h"

static void problem(struct collect_report *rep, const char *fname, size_t line, const char *what)
{
	rep->bad_lines++;
	if (!rep->first_problem[0])
		snprintf(rep->first_problem, sizeof(rep->first_problem), "%s:%zu: %s", fname, line, what);
}

/* a record's value v (when there) as the environment's key: plain data of the same type */
static void take_env(struct results *r, const char *key, json_t *v)
{
	char *text;

	switch (json_typeof(v)) {
	case JSON_STRING:
		res_env_set_str(r, key, json_string_value(v));
		break;
	case JSON_INTEGER:
		res_env_set_int(r, key, json_integer_value(v));
		break;
	case JSON_REAL:
		res_env_set_real(r, key, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		res_env_set_bool(r, key, json_is_true(v));
		break;
	case JSON_NULL:
		res_env_set(r, key, &(struct res_val){ .type = RES_V_NULL });
		break;
	default:
		/* a list or an object (the runner writes none today): as its text */
		if ((text = json_dumps(v, JSON_ENCODE_ANY))) {
			res_env_set_json(r, key, text);
			free(text);
		}
	}
}

static void copy_env(struct results *r, json_t *rec)
{
	static const char *const keys[][2] = {
		{ "kernel_release", "host_kernel_release" }, { "kernel_version", "host_kernel_version" },
		{ "machine", "host_machine" }, { "cpu", "cpu" }, { "cpu_revision", "cpu_revision" }, { "tb_hz", "tb_hz" },
		{ "platform", "platform" }, { "model", "model" }, { "mmu", "mmu" },
		{ "kvm_api_version", "kvm_api_version" }, { "runner", "runner" },
		{ "online_cpus", "host_cpus" }, { "pinned_cpu", "runner_cpu" },
		{ "trace_markers", "trace_markers" }, { "pmu_library", "pmu_library" },
		{ "pmu_rotation", "pmu_rotation" }, { "pmu_counting", "pmu_counting" },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(rec, keys[i][0]);

		if (v)
			take_env(r, keys[i][1], v);
	}
}

/*
 * The events a bench record declares: each one's status and encoding. Declared again by
 * every runner of a comparison; a "no" from any of them stands.
 */
static int take_pmu_events(struct res_bench *b, json_t *events, int dry, const char **why)
{
	size_t i;
	json_t *o;

	if (!json_is_array(events))
		return *why = "bench record's pmu is not a list of events", -EINVAL;
	json_array_foreach(events, i, o) {
		const char *event = NULL, *status = "ok", *enc = "";
		struct res_pmu *p;

		if (json_unpack(o, "{s:s,s?s,s?s}", "event", &event, "status", &status,
				"encoding", &enc) || !event[0])
			return *why = "bench record's pmu entry lacks an event name", -EINVAL;
		if (dry)
			continue;
		if (!(p = res_pmu_get(b, event)))
			return -ENOMEM;
		if (!strcmp(p->status, "ok"))
			snprintf(p->status, sizeof(p->status), "%s", status);
		if (!p->encoding[0])
			snprintf(p->encoding, sizeof(p->encoding), "%s", enc);
	}
	return 0;
}

static int take_bench(struct results *r, json_t *rec, const char *name, const char **why)
{
	struct res_bench *b = res_find(r, name);
	const char *what = "", *kind = "";
	json_int_t it = 0, bat = 0, reps = 0, claimed = 0;
	json_t *pmu = NULL;

	*why = "bench record lacks iterations, batches, repetitions";
	if (json_unpack(rec, "{s?s,s?s,s:I,s:I,s:I,s:I,s?o}", "what", &what, "exit_kind", &kind,
			"iterations", &it, "batches", &bat, "repetitions", &reps,
			"claimed_exits_per_iteration", &claimed, "pmu", &pmu) ||
	    it <= 0 || bat <= 0 || reps <= 0 || claimed < 0 || it % bat)
		return -EINVAL;
	if (pmu && take_pmu_events(NULL, pmu, 1, why))
		return -EINVAL;		/* checked before anything is taken */
	if (!b && !(b = res_add(r, name)))
		return -ENOMEM;
	if (res_take_params(b, rec, why))
		return -EINVAL;
	if (pmu && take_pmu_events(b, pmu, 0, why))
		return -ENOMEM;
	snprintf(b->what, sizeof(b->what), "%s", what);
	snprintf(b->exit_kind, sizeof(b->exit_kind), "%s", kind);
	snprintf(b->guest, sizeof(b->guest), "%s", json_string_value(json_object_get(rec, "guest")) ?: "");
	snprintf(b->guest_kernel, sizeof(b->guest_kernel), "%s",
		 json_string_value(json_object_get(rec, "guest_kernel")) ?: "");
	b->iterations = it;
	b->batches = bat;
	b->repetitions = reps;
	b->claimed_exits_per_iteration = claimed;
	b->exits_per_iteration = NAN;
	if (json_object_get(rec, "vcpu_pvr"))
		take_env(r, "vcpu_pvr", json_object_get(rec, "vcpu_pvr"));
	return 0;
}

/*
 * One repetition's counts: per iteration and per exit, scaled by time_enabled/time_running
 * where perf multiplexed the event. A count that never ran is noted, not taken.
 */
static int take_pmu_counts(struct res_bench *b, json_t *pmu, const char *rep_no, uint64_t it,
			   uint64_t exits, int dry, const char **why)
{
	json_t *counts = json_object_get(pmu, "counts"), *o;
	size_t i;

	if (!json_is_object(pmu) || !json_is_array(counts))
		return *why = "repetition record's pmu lacks its counts", -EINVAL;
	json_array_foreach(counts, i, o) {
		const char *event = NULL, *error = NULL;
		json_int_t count = -1, enabled = -1, running = -1;
		struct res_pmu *p;
		double scaled, fraction = 1;

		if (json_unpack(o, "{s:s,s?s,s?I,s?I,s?I}", "event", &event, "error", &error,
				"count", &count, "enabled_ns", &enabled, "running_ns", &running) ||
		    (!error && (count < 0 || enabled < 0 || running < 0 || running > enabled)))
			return *why = "repetition record's pmu count lacks event, count, enabled_ns "
				      "or running_ns", -EINVAL;
		if (dry)
			continue;
		if (!(p = res_pmu_get(b, event)))
			return -ENOMEM;
		if (error || running == 0) {
			if (!p->problem[0])
				snprintf(p->problem, sizeof(p->problem), "repetition %s: %s", rep_no,
					 error ? error : "never on the PMU (time_running 0)");
			continue;
		}
		scaled = (double)count;
		if (running < enabled) {
			fraction = (double)running / (double)enabled;
			scaled /= fraction;
		}
		if (res_pmu_push(p, scaled / (double)it, exits ? scaled / (double)exits : NAN, fraction))
			return -ENOMEM;
	}
	return 0;
}

/* ---- the instrumented kvm-pr's exit timing stats (rep records' "exit_timing") ---- */

#define TIMING_NPHASE 11	/* the ten phases in path order, then round_trip */
static const char *const timing_names[TIMING_NPHASE] = {
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit", "round_trip",
};
#define TIMING_SOURCE "kvm-pr exit_timing_stats (binary stats)"

#define TIMING_NEXIT 16	/* exit reasons a benchmark's stats may give (the series: 12) */

/* a benchmark's timing of the round being read: its figures go into rounds when it ends */
struct timing_acc {
	char name[EB_NAME_LEN];		/* the benchmark's (its res_bench moves as others are added) */
	struct res_bench *b;		/* ... found again at each record and at the end */
	uint32_t round;
	struct hist *h[TIMING_NPHASE];	/* this round's (round_trip: from the exit reasons') */
	uint64_t count[TIMING_NPHASE], sum[TIMING_NPHASE];
	size_t nexit;			/* the exit reasons' round trips, this round's */
	struct {
		uint32_t vector;
		struct hist *h;
		uint64_t count, sum;
	} ex[TIMING_NEXIT];
};

struct collect_ctx {
	size_t n;
	struct timing_acc *acc;
};

static struct timing_acc *timing_acc(struct collect_ctx *cx, struct res_bench *b)
{
	struct timing_acc *na;

	for (size_t i = 0; i < cx->n; i++)
		if (!strcmp(cx->acc[i].name, b->name)) {
			cx->acc[i].b = b;
			return &cx->acc[i];
		}
	if (!(na = realloc(cx->acc, (cx->n + 1) * sizeof(*na))))
		return NULL;
	cx->acc = na;
	na = &na[cx->n++];
	memset(na, 0, sizeof(*na));
	snprintf(na->name, sizeof(na->name), "%s", b->name);
	na->b = b;
	return na;
}

/* the round a's figures are of, into each phase's rounds; a emptied for the next */
static int timing_round_end(struct timing_acc *a)
{
	struct res_trace *t = &a->b->trace;

	for (int k = 0; k < TIMING_NPHASE && a->round; k++) {
		struct res_phase *p = &t->phase[k];
		struct res_round *nr;

		if (!a->count[k])
			continue;
		if (!(nr = realloc(p->round, (p->nround + 1) * sizeof(*nr))))
			return -ENOMEM;
		p->round = nr;
		nr[p->nround++] = (struct res_round){
			.round = a->round, .count = a->count[k],
			.figure = res_hist_figure(a->h[k], 1, a->count[k], a->sum[k]) };
	}
	for (size_t i = 0; i < a->nexit && a->round; i++) {
		struct res_reason *x = NULL;
		struct res_round *nr;

		for (size_t j = 0; j < t->nreason && !x; j++)
			if (t->reason[j].vector == a->ex[i].vector)
				x = &t->reason[j];
		if (!x || !a->ex[i].count)
			continue;
		if (!(nr = realloc(x->round, (x->nround + 1) * sizeof(*nr))))
			return -ENOMEM;
		x->round = nr;
		nr[x->nround++] = (struct res_round){
			.round = a->round, .count = a->ex[i].count,
			.figure = res_hist_figure(a->ex[i].h, 1, a->ex[i].count, a->ex[i].sum) };
	}
	for (int k = 0; k < TIMING_NPHASE; k++) {
		if (a->h[k])
			hist_reset(a->h[k]);
		a->count[k] = a->sum[k] = 0;
	}
	for (size_t i = 0; i < a->nexit; i++) {
		hist_reset(a->ex[i].h);
		a->ex[i].count = a->ex[i].sum = 0;
	}
	return 0;
}

/*
 * The benchmark's exit reason of this vector (the record's 0: all the others), made the
 * first time: the whole round trips of its exits, as the trace event's exit reasons are.
 */
static struct res_reason *timing_reason(struct res_bench *b, uint32_t vector)
{
	struct res_trace *t = &b->trace;
	struct res_reason *nr;
	const char *name;

	for (size_t i = 0; i < t->nreason; i++)
		if (t->reason[i].vector == vector)
			return &t->reason[i];
	if (!(nr = realloc(t->reason, (t->nreason + 1) * sizeof(*nr))))
		return NULL;
	t->reason = nr;
	nr = &nr[t->nreason];
	memset(nr, 0, sizeof(*nr));
	if (hist_init(1, INT64_C(1) << 40, 3, &nr->hist))
		return NULL;
	t->nreason++;
	t->has_reasons = 1;
	name = trace_exit_name(vector);
	snprintf(nr->st.name, sizeof(nr->st.name), "%s", name ? name : "?");
	snprintf(nr->st.unit, sizeof(nr->st.unit), "timebase ticks");
	nr->st.median = nr->st.p5 = nr->st.p95 = nr->st.p99 = nr->st.min = nr->st.max = NAN;
	nr->vector = vector;
	nr->hist_scale = 1;
	nr->of = RES_TIMED_ROUND_TRIP;
	snprintf(nr->of_name, sizeof(nr->of_name), "round_trip");
	return nr;
}

/* the round's accumulator of the exit reason of this vector */
static int timing_exit_acc(struct timing_acc *a, uint32_t vector)
{
	for (size_t i = 0; i < a->nexit; i++)
		if (a->ex[i].vector == vector)
			return (int)i;
	if (a->nexit == TIMING_NEXIT)
		return -ENOSPC;
	if (hist_init(1, INT64_C(1) << 40, 3, &a->ex[a->nexit].h))
		return -ENOMEM;
	a->ex[a->nexit].vector = vector;
	return (int)a->nexit++;
}

/* the benchmark's phases, made the first time (the trace's layout: whole ticks) */
static int timing_init(struct res_bench *b)
{
	struct res_trace *t = &b->trace;

	if (t->has_phases)
		return 0;
	if (!(t->phase = calloc(TIMING_NPHASE, sizeof(*t->phase))))
		return -ENOMEM;
	t->nphase = TIMING_NPHASE;
	t->has_source = t->has_phases = 1;
	t->timed = RES_TIMED_OTHER;
	snprintf(t->source, sizeof(t->source), "%s", TIMING_SOURCE);
	for (int k = 0; k < TIMING_NPHASE; k++) {
		struct res_phase *p = &t->phase[k];

		snprintf(p->st.name, sizeof(p->st.name), "%s", timing_names[k]);
		snprintf(p->st.unit, sizeof(p->st.unit), "timebase ticks");
		p->hist_scale = 1;
		p->st.median = p->st.p5 = p->st.p95 = p->st.p99 = p->st.min = p->st.max = NAN;
		if (k < TIMING_NPHASE - 1 && hist_init(1, INT64_C(1) << 40, 3, &p->hist))
			return -ENOMEM;
	}
	return 0;
}

/* phase k's histograms, the whole run's and the round's, made the first time */
static int timing_hists(struct timing_acc *a, int k, struct hist **hs)
{
	struct res_phase *p = &a->b->trace.phase[k];

	if (!a->h[k] && hist_init(1, INT64_C(1) << 40, 3, &a->h[k]))
		return -ENOMEM;
	if (!p->hist && hist_init(1, INT64_C(1) << 40, 3, &p->hist))
		return -ENOMEM;	/* round_trip: when the exit reasons give it */
	hs[0] = p->hist;
	hs[1] = a->h[k];
	return 0;
}

/* the sparse histogram KEY_at/KEY_n of o: *n pairs, checked */
static int sparse(json_t *o, const char *key, json_t **at, json_t **cnt, size_t *n)
{
	char k[32];

	snprintf(k, sizeof(k), "%s_at", key);
	*at = json_object_get(o, k);
	snprintf(k, sizeof(k), "%s_n", key);
	*cnt = json_object_get(o, k);
	if (!json_is_array(*at) || !json_is_array(*cnt) || json_array_size(*at) != json_array_size(*cnt))
		return -EINVAL;
	*n = json_array_size(*at);
	for (size_t i = 0; i < *n; i++) {
		json_t *x = json_array_get(*at, i), *y = json_array_get(*cnt, i);

		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 4096 ||
		    !json_is_integer(y) || json_integer_value(y) < 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * One histogram of a repetition's stats, o's hist and log (checked by sparse), into each of
 * hs[nh], one tick a bucket; those past the linear range (its last bucket, of buckets) at the
 * middle of their log2 bucket, [2^(k-1), 2^k). *count: plus its count.
 */
static void sparse_record(json_t *o, json_int_t buckets, struct hist *const *hs, int nh,
			  uint64_t *count)
{
	json_t *at = json_object_get(o, "hist_at"), *cnt = json_object_get(o, "hist_n");
	json_t *lat = json_object_get(o, "log_at"), *lcnt = json_object_get(o, "log_n");
	size_t nl = json_array_size(lat);

	for (size_t j = 0; j < json_array_size(at); j++) {
		int64_t v = json_integer_value(json_array_get(at, j));
		int64_t c = json_integer_value(json_array_get(cnt, j));

		*count += c;
		if (v == buckets - 1 && nl)
			continue;	/* the log buckets say where those lie */
		for (int h = 0; h < nh; h++)
			hist_record_n(hs[h], v, c);
	}
	for (size_t j = 0; j < nl; j++) {
		int64_t e = json_integer_value(json_array_get(lat, j));
		int64_t c = json_integer_value(json_array_get(lcnt, j));

		for (int h = 0; h < nh && e >= 1; h++)
			hist_record_n(hs[h], (INT64_C(3) << e) / 4, c);
	}
}

/* o is a phase's or an exit reason's entry: name, sum, hist and log; its sum */
static int timing_entry(json_t *o, const char **name, uint64_t *sum)
{
	json_t *s = json_object_get(o, "sum"), *at, *cnt;
	size_t n;

	*name = json_string_value(json_object_get(o, "name"));
	if (!*name || !json_is_integer(s) || json_integer_value(s) < 0 ||
	    sparse(o, "hist", &at, &cnt, &n) || sparse(o, "log", &at, &cnt, &n))
		return -EINVAL;
	*sum = (uint64_t)json_integer_value(s);
	return 0;
}

/*
 * A repetition's exit reasons (the kvm-pr's stats keep the whole round trip by exit reason):
 * each into its reason's histograms, and into the round trip's. dry: check only.
 */
static int take_timing_exits(struct timing_acc *a, struct res_bench *b, json_t *exits,
			     json_int_t buckets, int dry)
{
	struct hist *hs[4];
	const char *name;
	uint64_t sum, c;
	json_t *o, *v;
	size_t i;
	int ret, e;

	if (!json_is_array(exits))
		return -EINVAL;
	json_array_foreach(exits, i, o) {
		struct res_reason *x;
		uint32_t vector;

		v = json_object_get(o, "vector");
		if (timing_entry(o, &name, &sum) || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 0xffff)
			return -EINVAL;
		if (dry)
			continue;
		/* the series' 0: every reason it does not keep apart */
		vector = json_integer_value(v) ? (uint32_t)json_integer_value(v) : TRACE_OTHER;
		if (!(x = timing_reason(b, vector)) || (e = timing_exit_acc(a, vector)) < 0 ||
		    (ret = timing_hists(a, TIMING_NPHASE - 1, hs)))
			return -ENOMEM;
		hs[2] = x->hist;
		hs[3] = a->ex[e].h;
		c = 0;
		sparse_record(o, buckets, hs, 4, &c);
		a->ex[e].count += c;
		x->st.count += c;
		x->st.sum += sum;
		a->ex[e].sum += sum;
	}
	return 0;
}

/* One repetition's exit timing stats into the benchmark's phases and exit reasons. dry: check only. */
static int take_timing(struct collect_ctx *cx, struct res_bench *b, json_t *et, uint32_t round,
		       int dry, const char **why)
{
	json_t *phases = json_object_get(et, "phases"), *exits = json_object_get(et, "exits"), *o;
	json_int_t rts = 0, buckets = 0;
	struct timing_acc *a = NULL;
	uint64_t total_sum = 0, sum, c;
	struct hist *hs[2];
	const char *name;
	size_t i;
	int ret;

	*why = "exit_timing of a repetition record is malformed";
	if (json_unpack(et, "{s:I,s:I}", "round_trips", &rts, "hist_buckets", &buckets) || rts < 0 ||
	    buckets < 2 || !json_is_array(phases) || (exits && take_timing_exits(NULL, b, exits, buckets, 1)))
		return -EINVAL;
	json_array_foreach(phases, i, o) {
		int k;

		if (timing_entry(o, &name, &sum))
			return -EINVAL;
		for (k = 0; k < TIMING_NPHASE - 1 && strcmp(name, timing_names[k]); k++)
			;
		if (k == TIMING_NPHASE - 1)
			return -EINVAL;
		if (dry)
			continue;
		if (!a) {
			if ((ret = timing_init(b)) || !(a = timing_acc(cx, b)))
				return -ENOMEM;
			if (a->round != round && (ret = timing_round_end(a)))
				return ret;
			a->round = round;
		}
		if ((ret = timing_hists(a, k, hs)))
			return ret;
		c = 0;
		sparse_record(o, buckets, hs, 2, &c);
		a->count[k] += c;
		b->trace.phase[k].st.count += c;
		a->sum[k] += sum;
		b->trace.phase[k].st.sum += sum;
		total_sum += sum;
	}
	if (dry || !a)
		return 0;
	if (exits && (ret = take_timing_exits(a, b, exits, buckets, 0)))
		return ret;
	/* the round trip: its count and the phases' sum (its histogram: the exit reasons') */
	a->count[TIMING_NPHASE - 1] += rts;
	a->sum[TIMING_NPHASE - 1] += total_sum;
	b->trace.phase[TIMING_NPHASE - 1].st.count += rts;
	b->trace.phase[TIMING_NPHASE - 1].st.sum += total_sum;
	b->trace.exits += rts;
	b->trace.repetitions_marked++;
	return 0;
}

static int by_share(const void *x, const void *y)
{
	const struct res_reason *a = x, *b = y;

	return (a->share < b->share) - (a->share > b->share);
}

/* the exit reasons' whole-run figures, and their shares of the time, largest first */
static void timing_reasons_finish(struct res_trace *t)
{
	double total = 0;

	for (size_t j = 0; j < t->nreason; j++) {
		struct res_reason *x = &t->reason[j];

		res_tstat_from_hist(&x->st, x->hist, x->hist_scale);
		x->timed = x->st.count;		/* every round trip the stats have is timed */
		total += (double)x->st.sum;
	}
	for (size_t j = 0; j < t->nreason; j++)
		t->reason[j].share = total > 0 ? (double)t->reason[j].st.sum / total : 0;
	if (t->nreason)
		qsort(t->reason, t->nreason, sizeof(*t->reason), by_share);
}

/* after the last record: each benchmark's last round, and the whole run's figures */
static int timing_finish(struct collect_ctx *cx, struct results *r)
{
	int ret = 0;

	for (size_t i = 0; i < cx->n; i++) {
		struct timing_acc *a = &cx->acc[i];

		a->b = res_find(r, a->name);

		if (!ret)
			ret = timing_round_end(a);
		for (int k = 0; k < TIMING_NPHASE; k++) {
			struct res_phase *p = &a->b->trace.phase[k];

			hist_free(a->h[k]);
			res_tstat_from_hist(&p->st, p->hist, p->hist_scale);
		}
		for (size_t j = 0; j < a->nexit; j++)
			hist_free(a->ex[j].h);
		timing_reasons_finish(&a->b->trace);
	}
	free(cx->acc);
	cx->acc = NULL;
	cx->n = 0;
	return ret;
}


static int take_rep(struct collect_ctx *cx, struct results *r, json_t *rec, const char *name,
		    const char **why)
{
	struct res_bench *b = res_find(r, name);
	struct eb_exits x = { 0 };
	struct eb_exit_judgement j;
	json_t *ticks, *exits, *v, *round, *pmu, *timing;
	json_int_t it = 0, bat = 0;
	double sum = 0, per_batch;
	size_t i;

	if (!b)
		return *why = "repetition of a benchmark with no 'bench' record", -EINVAL;
	if (json_unpack(rec, "{s:I,s:I,s:o,s:o}", "iterations", &it, "batches", &bat,
			"batch_ticks", &ticks, "exits", &exits) ||
	    !json_is_array(ticks) || !json_is_object(exits))
		return *why = "repetition record lacks iterations, batches, batch_ticks or exits", -EINVAL;
	if ((uint64_t)it != b->iterations || (uint64_t)bat != b->batches ||
	    json_array_size(ticks) != (size_t)bat)
		return *why = "repetition record disagrees with its benchmark's iterations or batches", -EINVAL;
	pmu = json_object_get(rec, "pmu");
	if (pmu && take_pmu_counts(b, pmu, "", it, 0, 1, why))
		return -EINVAL;		/* checked before anything is taken */
	timing = json_object_get(rec, "exit_timing");
	if (timing && take_timing(cx, b, timing, 0, 1, why))
		return -EINVAL;
	for (int c = 0; c < EBC_N; c++) {
		v = json_object_get(exits, eb_counter_names[c]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return *why = "repetition record lacks an exit counter", -EINVAL;
		x.c[c] = json_integer_value(v);
	}
	x.user = json_integer_value(json_object_get(exits, "user"));
	x.doorbells = json_integer_value(json_object_get(exits, "doorbells"));
	/* a Linux guest's: the guest kernel's own exits, and the slack (record format 3) */
	v = json_object_get(exits, "base");
	if (v) {
		for (int c = 0; c < EBC_N; c++) {
			json_t *n = json_object_get(v, eb_counter_names[c]);

			if (!json_is_integer(n) || json_integer_value(n) < 0)
				return *why = "repetition record's exits base lacks a counter", -EINVAL;
			x.base[c] = json_integer_value(n);
		}
		x.has_base = 1;
		x.slack = json_integer_value(json_object_get(exits, "slack"));
	}
	v = json_object_get(rec, "guest_slb_valid");
	if (json_is_integer(v) && json_integer_value(v) > b->guest_slb_valid &&
	    json_integer_value(v) <= UINT32_MAX)
		b->guest_slb_valid = (uint32_t)json_integer_value(v);
	json_array_foreach(ticks, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return *why = "batch_ticks holds something other than whole ticks", -EINVAL;
		sum += (double)json_integer_value(v);
	}
	per_batch = (double)it / (double)bat;
	json_array_foreach(ticks, i, v)
		if (res_push_batch(b, (double)json_integer_value(v) / per_batch))
			return -ENOMEM;
	round = json_object_get(rec, "round");
	if (round && (!json_is_integer(round) || json_integer_value(round) <= 0 ||
		      json_integer_value(round) > UINT32_MAX))
		return *why = "repetition record's round is not a positive integer", -EINVAL;
	if (res_push_run_round(b, sum / (double)it, round ? json_integer_value(round) : 0))
		return -ENOMEM;
	if (timing && take_timing(cx, b, timing, round ? (uint32_t)json_integer_value(round) : 0, 0, why))
		return -ENOMEM;

	eb_exits_judge(&x, eb_exit_kind_from_name(b->exit_kind), b->claimed_exits_per_iteration, it, &j);
	b->background_exits += j.background;
	if (j.verdict != EB_EXITS_OK && b->exits_ok) {
		b->exits_ok = 0;
		snprintf(b->exits_note, sizeof(b->exits_note), "repetition %zu: %s", b->nruns - 1, j.why);
	}
	b->attributed_exits += (double)j.attributed;
	b->attributed_iterations += (double)it;
	b->exits_per_iteration = b->attributed_exits / b->attributed_iterations;
	if (pmu) {
		char rep_no[24];

		snprintf(rep_no, sizeof(rep_no), "%zu", b->nruns - 1);
		return take_pmu_counts(b, pmu, rep_no, it, j.attributed, 0, why);
	}
	return 0;
}

static int take_problem(struct results *r, json_t *rec, const char *name, enum res_status st)
{
	struct res_bench *b = res_find(r, name);
	const char *reason = json_string_value(json_object_get(rec, "reason"));

	if (!b && !(b = res_add(r, name)))
		return -ENOMEM;
	b->status = st;
	snprintf(b->reason, sizeof(b->reason), "%s", reason ? reason : "(no reason given)");
	if (st == RES_SKIPPED) {
		/* what was timed did not exit as it must: no figure to show for it */
		b->nruns = b->nbatch = 0;
		for (size_t i = 0; i < b->npmu; i++)
			b->pmu[i].n = 0;
	}
	return 0;
}

/*
 * The format an env record declares: 0 when this reader knows it, else -EPROTO with the
 * reason in rep (the caller stops: records of a format it does not know are not read).
 */
static int check_format(struct collect_report *rep, const char *fname, size_t line, json_t *rec)
{
	json_t *v = json_object_get(rec, "record_format");
	char what[48];

	if (json_is_integer(v) && json_integer_value(v) >= EB_RECORD_FORMAT_OLDEST &&
	    json_integer_value(v) <= EB_RECORD_FORMAT)
		return 0;
	if (!v) {
		snprintf(rep->first_problem, sizeof(rep->first_problem),
			 "%s:%zu: the env record declares no record_format: not records of exitbench-run",
			 fname, line);
		return -EPROTO;
	}
	if (json_is_integer(v))
		snprintf(what, sizeof(what), "%lld", (long long)json_integer_value(v));
	else
		snprintf(what, sizeof(what), "(not a whole number)");
	snprintf(rep->first_problem, sizeof(rep->first_problem),
		 "%s:%zu: record_format %s is not one this exitbench reads (%d to %d): records of "
		 "another runner version? collect them with the exitbench of the same tree", fname,
		 line, what, EB_RECORD_FORMAT_OLDEST, EB_RECORD_FORMAT);
	return -EPROTO;
}

/* note a variant seen in the records (for the caller: several and no filter is a mix-up) */
static void seen_variant(struct collect_report *rep, const char *v)
{
	for (size_t i = 0; i < rep->nvariants; i++)
		if (!strcmp(rep->variants[i], v))
			return;
	if (rep->nvariants < COLLECT_MAX_VARIANTS)
		snprintf(rep->variants[rep->nvariants++], sizeof(rep->variants[0]), "%s", v);
}

int collect_records(FILE *f, const char *fname, const char *variant, struct results *r,
		    struct collect_report *rep)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int ret = 0, format_seen = 0, tret;
	struct collect_ctx cx = { 0 };

	memset(rep, 0, sizeof(*rep));
	while ((len = getline(&line, &cap, f)) > 0) {
		json_error_t je;
		json_t *rec;
		const char *type, *name = NULL, *why = "not a record", *rec_variant;

		lineno++;
		if (line[len - 1] != '\n') {
			problem(rep, fname, lineno, "last record cut off (the run was interrupted)");
			break;
		}
		if (len == 1)
			continue;
		rec = json_loads(line, 0, &je);
		if (!rec || !json_is_object(rec) ||
		    !(type = json_string_value(json_object_get(rec, "type")))) {
			problem(rep, fname, lineno, "not a JSON record with a type");
			json_decref(rec);
			continue;
		}
		/* every runner's records start with an env record that declares their format */
		if (!strcmp(type, "env") ? check_format(rep, fname, lineno, rec) : !format_seen) {
			if (strcmp(type, "env"))
				snprintf(rep->first_problem, sizeof(rep->first_problem),
					 "%s:%zu: a '%s' record before any env record: no record_format "
					 "declared", fname, lineno, type);
			json_decref(rec);
			ret = -EPROTO;
			break;
		}
		format_seen = 1;
		name = json_string_value(json_object_get(rec, "bench"));
		rec_variant = json_string_value(json_object_get(rec, "variant"));
		if (rec_variant)
			seen_variant(rep, rec_variant);
		if (variant && (!rec_variant || strcmp(variant, rec_variant))) {
			json_decref(rec);	/* the other side's record */
			continue;
		}
		if (!strcmp(type, "env")) {
			copy_env(r, rec);
			rep->ended = 0;		/* a runner started: it must end again */
			ret = 0;
		} else if (!strcmp(type, "end")) {
			rep->ended = 1;
			ret = 0;
		} else if (!name) {
			ret = -EINVAL;
			why = "record without a benchmark name";
		} else if (!strcmp(type, "bench")) {
			ret = take_bench(r, rec, name, &why);
		} else if (!strcmp(type, "rep")) {
			ret = take_rep(&cx, r, rec, name, &why);
		} else if (!strcmp(type, "skip")) {
			ret = take_problem(r, rec, name, RES_SKIPPED);
		} else if (!strcmp(type, "error")) {
			ret = take_problem(r, rec, name, RES_FAILED);
		} else {
			ret = -EINVAL;
			why = "unknown record type";
		}
		json_decref(rec);
		if (ret == -ENOMEM)
			break;
		if (ret) {
			problem(rep, fname, lineno, why);
			ret = 0;
			continue;
		}
		rep->records++;
	}
	if (ferror(f) && ret != -EPROTO)
		ret = -EIO;
	if (variant)
		snprintf(r->variant, sizeof(r->variant), "%s", variant);
	free(line);
	tret = timing_finish(&cx, r);
	if (!ret)
		ret = tret;
	res_derive(r);
	return ret;
}
