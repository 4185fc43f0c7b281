// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <exitbench/mailbox.h>
#include "collect.h"
#include "exits.h"
#include "record.h"

static void problem(struct collect_report *rep, const char *fname, size_t line, const char *what)
{
	rep->bad_lines++;
	if (!rep->first_problem[0])
		snprintf(rep->first_problem, sizeof(rep->first_problem), "%s:%zu: %s", fname, line, what);
}

static uint32_t kind_from_name(const char *name)
{
	for (uint32_t k = 0; k < EB_EXIT_KINDS; k++)
		if (!strcmp(eb_exit_kind_name(k), name))
			return k;
	return EB_EXIT_KINDS;
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
		{ "cpu", "cpu" }, { "cpu_revision", "cpu_revision" }, { "tb_hz", "tb_hz" },
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
	if (pmu && take_pmu_events(b, pmu, 0, why))
		return -ENOMEM;
	snprintf(b->what, sizeof(b->what), "%s", what);
	snprintf(b->exit_kind, sizeof(b->exit_kind), "%s", kind);
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

static int take_rep(struct results *r, json_t *rec, const char *name, const char **why)
{
	struct res_bench *b = res_find(r, name);
	struct eb_exits x = { 0 };
	struct eb_exit_judgement j;
	json_t *ticks, *exits, *v, *round, *pmu;
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
	for (int c = 0; c < EBC_N; c++) {
		v = json_object_get(exits, eb_counter_names[c]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return *why = "repetition record lacks an exit counter", -EINVAL;
		x.c[c] = json_integer_value(v);
	}
	x.user = json_integer_value(json_object_get(exits, "user"));
	x.doorbells = json_integer_value(json_object_get(exits, "doorbells"));
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

	eb_exits_judge(&x, kind_from_name(b->exit_kind), b->claimed_exits_per_iteration, it, &j);
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
	int ret = 0, format_seen = 0;

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
			ret = take_rep(r, rec, name, &why);
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
	res_derive(r);
	return ret;
}
