// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lguest.h"
#include "results.h"

static const char *const status_names[] = { "ok", "skipped", "failed" };

const char *res_status_name(enum res_status s)
{
	return status_names[s];
}

/* a JSON number, or null for NaN/inf (JSON has neither) */
static json_t *num_json(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* ---- the environment: plain values ---- */

static void val_free(struct res_val *v)
{
	for (size_t i = 0; i < v->n; i++) {
		val_free(&v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->s);
	free(v->v);
	free(v->k);
	memset(v, 0, sizeof(*v));
}

/* room for n members (keys too when an object); -ENOMEM */
static int val_members(struct res_val *v, size_t n)
{
	if (!n)
		return 0;
	v->v = calloc(n, sizeof(*v->v));
	if (v->type == RES_V_OBJECT)
		v->k = calloc(n, sizeof(*v->k));
	return !v->v || (v->type == RES_V_OBJECT && !v->k) ? -ENOMEM : 0;
}

static int val_copy(struct res_val *dst, const struct res_val *src)
{
	*dst = (struct res_val){ .type = src->type, .b = src->b, .i = src->i, .d = src->d };
	if ((src->s && !(dst->s = strdup(src->s))) || val_members(dst, src->n))
		goto nomem;
	for (size_t i = 0; i < src->n; i++) {
		dst->n++;
		if ((dst->k && !(dst->k[i] = strdup(src->k[i]))) || val_copy(&dst->v[i], &src->v[i]))
			goto nomem;
	}
	return 0;
nomem:
	val_free(dst);
	return -ENOMEM;
}

static int val_from_json(struct res_val *v, json_t *j)
{
	const char *key;
	json_t *x;
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_TRUE:
	case JSON_FALSE:
		v->type = RES_V_BOOL;
		v->b = json_is_true(j);
		return 0;
	case JSON_INTEGER:
		v->type = RES_V_INT;
		v->i = json_integer_value(j);
		return 0;
	case JSON_REAL:
		v->type = RES_V_REAL;
		v->d = json_real_value(j);
		return 0;
	case JSON_STRING:
		v->type = RES_V_STR;
		return (v->s = strdup(json_string_value(j))) ? 0 : -ENOMEM;
	case JSON_ARRAY:
		v->type = RES_V_ARRAY;
		if (val_members(v, json_array_size(j)))
			break;
		json_array_foreach(j, i, x) {
			v->n++;
			if (val_from_json(&v->v[i], x))
				goto nomem;
		}
		return 0;
	case JSON_OBJECT:
		v->type = RES_V_OBJECT;
		if (val_members(v, json_object_size(j)))
			break;
		/* jansson keeps an object's members in the order they were read */
		json_object_foreach(j, key, x) {
			v->n++;
			if (!(v->k[i] = strdup(key)) || val_from_json(&v->v[i], x))
				goto nomem;
			i++;
		}
		return 0;
	default:
		v->type = RES_V_NULL;
		return 0;
	}
nomem:
	val_free(v);
	return -ENOMEM;
}

static json_t *val_json(const struct res_val *v)
{
	json_t *j;

	switch (v->type) {
	case RES_V_BOOL:
		return json_boolean(v->b);
	case RES_V_INT:
		return json_integer(v->i);
	case RES_V_REAL:
		return num_json(v->d);
	case RES_V_STR:
		return json_string(v->s);
	case RES_V_ARRAY:
		j = json_array();
		for (size_t i = 0; j && i < v->n; i++)
			json_array_append_new(j, val_json(&v->v[i]));
		return j;
	case RES_V_OBJECT:
		j = json_object();
		for (size_t i = 0; j && i < v->n; i++)
			json_object_set_new(j, v->k[i], val_json(&v->v[i]));
		return j;
	default:
		return json_null();
	}
}

const struct res_val *res_val_get(const struct res_val *obj, const char *key)
{
	for (size_t i = 0; obj && obj->type == RES_V_OBJECT && i < obj->n; i++)
		if (!strcmp(obj->k[i], key))
			return &obj->v[i];
	return NULL;
}

const char *res_val_str(const struct res_val *v, const char *absent)
{
	return v && v->type == RES_V_STR ? v->s : absent;
}

int res_val_num(const struct res_val *v, double *x)
{
	if (!v || (v->type != RES_V_INT && v->type != RES_V_REAL))
		return -EINVAL;
	*x = v->type == RES_V_INT ? (double)v->i : v->d;
	return 0;
}

int res_val_bool(const struct res_val *v)
{
	return v && v->type == RES_V_BOOL ? v->b : -1;
}

char *res_val_text(const struct res_val *v)
{
	json_t *j = val_json(v);
	char *s = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return s;
}

const struct res_val *res_env(const struct results *r, const char *key)
{
	return res_val_get(&r->env, key);
}

const char *res_env_str(const struct results *r, const char *key, const char *absent)
{
	return res_val_str(res_env(r, key), absent);
}

int res_env_num(const struct results *r, const char *key, double *x)
{
	return res_val_num(res_env(r, key), x);
}

int res_env_bool(const struct results *r, const char *key)
{
	return res_val_bool(res_env(r, key));
}

int res_env_set(struct results *r, const char *key, const struct res_val *v)
{
	struct res_val *env = &r->env, copy, *nv;
	char **nk;
	size_t i;

	if (val_copy(&copy, v))
		return -ENOMEM;
	for (i = 0; i < env->n && strcmp(env->k[i], key); i++)
		;
	if (i < env->n) {
		val_free(&env->v[i]);
		env->v[i] = copy;
		return 0;
	}
	nv = realloc(env->v, (env->n + 1) * sizeof(*nv));
	if (nv)
		env->v = nv;
	nk = nv ? realloc(env->k, (env->n + 1) * sizeof(*nk)) : NULL;
	if (nk)
		env->k = nk;
	if (!nk || !(nk[env->n] = strdup(key))) {
		val_free(&copy);
		return -ENOMEM;
	}
	env->v[env->n++] = copy;
	return 0;
}

int res_env_set_str(struct results *r, const char *key, const char *s)
{
	return res_env_set(r, key, &(struct res_val){ .type = RES_V_STR, .s = (char *)s });
}

int res_env_set_int(struct results *r, const char *key, int64_t i)
{
	return res_env_set(r, key, &(struct res_val){ .type = RES_V_INT, .i = i });
}

int res_env_set_real(struct results *r, const char *key, double d)
{
	return res_env_set(r, key, &(struct res_val){ .type = RES_V_REAL, .d = d });
}

int res_env_set_bool(struct results *r, const char *key, int b)
{
	return res_env_set(r, key, &(struct res_val){ .type = RES_V_BOOL, .b = !!b });
}

int res_env_set_json(struct results *r, const char *key, const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	struct res_val v;
	int ret;

	if (!j)
		return -EINVAL;
	ret = val_from_json(&v, j);
	json_decref(j);
	if (!ret)
		ret = res_env_set(r, key, &v);
	val_free(&v);
	return ret;
}

int res_env_load(struct results *r, const char *path, char *err, size_t len)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *x;
	const char *key;
	int ret = 0;

	if (!root) {
		snprintf(err, len, "%s: not a JSON object: %s", path, je.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		snprintf(err, len, "%s: not a JSON object", path);
		json_decref(root);
		return -EINVAL;
	}
	json_object_foreach(root, key, x) {
		struct res_val v;

		if ((ret = val_from_json(&v, x)))
			break;
		ret = res_env_set(r, key, &v);
		val_free(&v);
		if (ret)
			break;
	}
	json_decref(root);
	if (ret)
		snprintf(err, len, "%s: %s", path, strerror(-ret));
	return ret;
}

void res_init(struct results *r)
{
	memset(r, 0, sizeof(*r));
	r->env.type = RES_V_OBJECT;
	r->tb_hz = NAN;
}

void res_free(struct results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->b[i].runs);
		free(r->b[i].run_rounds);
		free(r->b[i].batch);
		hist_free(r->b[i].hist);
		for (size_t k = 0; k < r->b[i].npmu; k++) {
			free(r->b[i].pmu[k].per_iter);
			free(r->b[i].pmu[k].per_exit);
		}
		free(r->b[i].pmu);
		res_trace_free(&r->b[i].trace);
	}
	free(r->b);
	val_free(&r->env);
	memset(r, 0, sizeof(*r));
}

struct res_bench *res_add(struct results *r, const char *name)
{
	struct res_bench *nb = realloc(r->b, (r->n + 1) * sizeof(*nb));

	if (!nb)
		return NULL;
	r->b = nb;
	nb = &r->b[r->n++];
	memset(nb, 0, sizeof(*nb));
	snprintf(nb->name, sizeof(nb->name), "%s", name);
	nb->exits_ok = 1;
	return nb;
}

struct res_bench *res_find(struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->b[i].name, name))
			return &r->b[i];
	return NULL;
}

static int push(double **v, size_t *n, double x)
{
	/* grow by doubling: capacity is the next power of two at or above n */
	if ((*n & (*n - 1)) == 0) {
		double *nv = realloc(*v, (*n ? 2 * *n : 1) * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

int res_push_run_round(struct res_bench *b, double x, uint32_t round)
{
	size_t n = b->nruns;

	/* run_rounds grows with runs: same count, same doubling */
	if ((n & (n - 1)) == 0) {
		uint32_t *nr = realloc(b->run_rounds, (n ? 2 * n : 1) * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		b->run_rounds = nr;
	}
	if (push(&b->runs, &b->nruns, x))
		return -ENOMEM;
	b->run_rounds[n] = round;
	return 0;
}

int res_push_run(struct res_bench *b, double x)
{
	return res_push_run_round(b, x, 0);
}

/* run i is the first of its round */
static int opens_round(const struct res_bench *b, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (b->run_rounds[j] == b->run_rounds[i])
			return 0;
	return 1;
}

size_t res_rounds(const struct res_bench *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->nruns; i++)
		n += opens_round(b, i);
	return n ? n : 1;
}

/* median of run i's batch values (batches per run is fixed for a benchmark) */
/* run i's median batch (RES_STAT_MEDIAN) or fastest (RES_STAT_MIN); NAN without batches */
static double run_batch_stat(const struct res_bench *b, size_t i, int stat)
{
	size_t k = b->batches;
	double *t, m;

	if (!k || (i + 1) * k > b->nbatch)
		return NAN;
	if (stat == RES_STAT_MIN) {
		m = b->batch[i * k];
		for (size_t j = 1; j < k; j++)
			m = fmin(m, b->batch[i * k + j]);
		return m;
	}
	if (!(t = malloc(k * sizeof(*t))))
		return NAN;
	m = stats_median(b->batch + i * k, k, t);
	free(t);
	return m;
}

int res_samples(const struct res_bench *b, int stat, double **out, size_t *nout)
{
	double *per_run = malloc((b->nruns ? b->nruns : 1) * sizeof(*per_run));
	double *v = malloc((b->nruns ? b->nruns : 1) * sizeof(*v));
	size_t n = 0;

	if (!per_run || !v) {
		free(per_run);
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->nruns; i++) {
		per_run[i] = stat != RES_STAT_MEAN ? run_batch_stat(b, i, stat) : b->runs[i];
		if (!isfinite(per_run[i])) {
			free(per_run);
			free(v);
			return -EINVAL;	/* medians asked of results without batch values */
		}
	}
	if (res_rounds(b) <= 1) {
		memcpy(v, per_run, b->nruns * sizeof(*v));
		n = b->nruns;
	} else {
		/* one sample per round, in order of first appearance */
		for (size_t i = 0; i < b->nruns; i++) {
			double sum = 0, fastest = per_run[i];
			size_t k = 0;

			if (!opens_round(b, i))
				continue;
			for (size_t j = i; j < b->nruns; j++)
				if (b->run_rounds[j] == b->run_rounds[i]) {
					sum += per_run[j];
					fastest = fmin(fastest, per_run[j]);
					k++;
				}
			/* min: the round's fastest batch, of all its runs */
			v[n++] = stat == RES_STAT_MIN ? fastest : sum / (double)k;
		}
	}
	free(per_run);
	*out = v;
	*nout = n;
	return 0;
}

int res_icount(const struct results *r)
{
	return res_env_bool(r, "instruction_count_mode") == 1;
}

const char *res_arch(const struct results *r)
{
	return res_env_str(r, "arch", "ppc64");
}

int res_figure(const struct results *r, const struct res_bench *b, struct stats_summary *s,
	       double **v, size_t *n)
{
	double *samples = NULL;
	size_t k = 0;

	if (b->status != RES_OK || !b->nruns || res_samples(b, res_auto_stat(r), &samples, &k) || !k) {
		free(samples);
		return -EINVAL;
	}
	stats_summarize(samples, k, s);
	if (v) {
		*v = samples;
		*n = k;
	} else {
		free(samples);
	}
	return 0;
}

int res_push_batch(struct res_bench *b, double x)
{
	return push(&b->batch, &b->nbatch, x);
}

struct res_pmu *res_pmu_get(struct res_bench *b, const char *event)
{
	struct res_pmu *p;

	for (size_t i = 0; i < b->npmu; i++)
		if (!strcmp(b->pmu[i].event, event))
			return &b->pmu[i];
	p = realloc(b->pmu, (b->npmu + 1) * sizeof(*p));
	if (!p)
		return NULL;
	b->pmu = p;
	p = &b->pmu[b->npmu++];
	memset(p, 0, sizeof(*p));
	snprintf(p->event, sizeof(p->event), "%s", event);
	snprintf(p->status, sizeof(p->status), "ok");
	p->running_min = NAN;
	return p;
}

int res_pmu_push(struct res_pmu *p, double per_iter, double per_exit, double running)
{
	size_t n = p->n;

	/* per_exit grows with per_iter: same count, same doubling */
	if ((n & (n - 1)) == 0) {
		double *ne = realloc(p->per_exit, (n ? 2 * n : 1) * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		p->per_exit = ne;
	}
	if (push(&p->per_iter, &p->n, per_iter))
		return -ENOMEM;
	p->per_exit[n] = per_exit;
	if (!(running >= p->running_min))
		p->running_min = running;	/* also replaces the first NaN */
	return 0;
}

double res_pmu_median(const struct res_pmu *p, int per_exit)
{
	const double *src = per_exit ? p->per_exit : p->per_iter;
	double *v = malloc((p->n ? p->n : 1) * 2 * sizeof(*v)), m = NAN;
	size_t k = 0;

	if (!v)
		return NAN;
	for (size_t i = 0; i < p->n; i++)
		if (isfinite(src[i]))
			v[k++] = src[i];
	if (k)
		m = stats_median(v, k, v + k);
	free(v);
	return m;
}

void res_pmu_status(const struct res_pmu *p, char *buf, size_t len)
{
	if (p->n || strcmp(p->status, "ok"))
		snprintf(buf, len, "%s", p->status);
	else
		snprintf(buf, len, "not counted: %s",
			 p->problem[0] ? p->problem : "no repetition counted it");
}

int res_pmu_net_per_exit(const struct res_bench *b, const struct res_bench *base,
			 const struct res_pmu *p, double *net)
{
	double mine = res_pmu_median(p, 0), theirs = NAN;

	if (!base || base == b || b->claimed_exits_per_iteration == 0)
		return -1;
	for (size_t i = 0; i < base->npmu; i++)
		if (!strcmp(base->pmu[i].event, p->event))
			theirs = res_pmu_median(&base->pmu[i], 0);
	if (!isfinite(mine) || !isfinite(theirs))
		return -1;
	*net = (mine - theirs) / b->claimed_exits_per_iteration;
	return 0;
}

void res_derive(struct results *r)
{
	double tb;

	r->tb_hz = !res_env_num(r, "tb_hz", &tb) && tb > 0 ? tb : NAN;
	for (size_t i = 0; i < r->n; i++) {
		struct res_bench *b = &r->b[i];

		stats_summarize(b->runs, b->nruns, &b->runs_sum);
		stats_summarize(b->batch, b->nbatch, &b->batch_sum);
		if (b->hist || !b->nbatch ||
		    hist_init(1, RES_HIST_HIGHEST, RES_HIST_SIGFIGS, &b->hist))
			continue;
		for (size_t k = 0; k < b->nbatch; k++)
			hist_record(b->hist, llround(b->batch[k] * RES_HIST_SCALE));
	}
}


double res_ns(const struct results *r, double ticks)
{
	return ticks * 1e9 / r->tb_hz;
}

const struct res_bench *res_baseline(const struct results *r, const struct res_bench *b)
{
	const char *null = b && !strcmp(b->guest, "linux") ? EB_LG_PREFIX "null" : "null";

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->b[i].name, null) && r->b[i].nruns > 0)
			return &r->b[i];
	return NULL;
}

int res_net_cost(const struct res_bench *b, const struct res_bench *base, double *d, double *lo,
		 double *hi)
{
	double k = b->claimed_exits_per_iteration;

	if (b == base || b->status != RES_OK || k == 0 ||
	    stats_welch_diff(&b->runs_sum, &base->runs_sum, d, lo, hi))
		return -1;
	*d /= k;
	*lo /= k;
	*hi /= k;
	return 0;
}

static void free_phases(struct res_phase *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hist_free(p[i].hist);
		free(p[i].round);
	}
	free(p);
}

void res_trace_free(struct res_trace *t)
{
	free_phases(t->phase, t->nphase);
	for (size_t i = 0; i < t->nreason; i++) {
		free_phases(t->reason[i].phase, t->reason[i].nphase);
		hist_free(t->reason[i].hist);
		free(t->reason[i].round);
	}
	free(t->reason);
	memset(t, 0, sizeof(*t));
}

double res_hist_figure(const struct hist *h, int64_t scale, uint64_t count, uint64_t sum)
{
	double lo, hi, acc = 0, s = 0, n = 0, sc;
	struct hist_iter it;
	int64_t total;

	if (!h || !(total = hist_total_count(h)))
		return count ? (double)sum / (double)count : NAN;
	sc = scale > 0 ? (double)scale : 1;
	lo = 0.1 * (double)total;
	hi = 0.9 * (double)total;
	hist_iter_init(&it, h);
	while (hist_iter_next(&it)) {
		double a0 = acc, a1 = acc + (double)it.count;
		double take = (a1 < hi ? a1 : hi) - (a0 > lo ? a0 : lo);

		acc = a1;
		if (take > 0) {
			s += take * ((double)it.from + (double)it.to) / 2 / sc;
			n += take;
		}
	}
	return n > 0 ? s / n : NAN;
}

void res_tstat_from_hist(struct res_tstat *st, const struct hist *h, int64_t scale)
{
	double sc = scale > 0 ? (double)scale : 1;

	if (!h || !hist_total_count(h))
		return;
	st->median = (double)hist_value_at_percentile(h, 50) / sc;
	st->p5 = (double)hist_value_at_percentile(h, 5) / sc;
	st->p95 = (double)hist_value_at_percentile(h, 95) / sc;
	st->p99 = (double)hist_value_at_percentile(h, 99) / sc;
	st->min = (double)hist_min(h) / sc;
	st->max = (double)hist_max(h) / sc;
}

int res_round_figures(const struct res_round *r, size_t n, double **v, size_t *nv)
{
	*nv = 0;
	if (!(*v = malloc((n ? n : 1) * sizeof(**v))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (isfinite(r[i].figure))
			(*v)[(*nv)++] = r[i].figure;
	return 0;
}

static const char *const timed_sources[] = {
	[RES_TIMED_ROUND_TRIP] = "kvm_pr:kvm_pr_exit_timing",
	[RES_TIMED_EXIT_REENTER] = "kvm_pr:kvm_exit -> kvm_pr:kvm_book3s_reenter",
};
static const char *const timed_kinds[] = {
	[RES_TIMED_ROUND_TRIP] = "round_trip",
	[RES_TIMED_EXIT_REENTER] = "exit_to_reenter",
};

const char *res_timed_source(enum res_timed t)
{
	return t == RES_TIMED_OTHER ? "" : timed_sources[t];
}

const char *res_timed_kind(enum res_timed t)
{
	return t == RES_TIMED_OTHER ? "" : timed_kinds[t];
}

/* the timing a file's name stands for (exact names: they are the format's) */
static enum res_timed timed_of(const char *name, const char *const *names)
{
	for (int t = RES_TIMED_ROUND_TRIP; t <= RES_TIMED_EXIT_REENTER; t++)
		if (!strcmp(name, names[t]))
			return t;
	return RES_TIMED_OTHER;
}

/* ---- histograms: the form results.json holds them in ---- */

/*
 * {"lowest","highest","significant_digits","total_count","min","max",
 *  "buckets":[[from,to,count],...]}: the non-empty sub-buckets only; NULL on ENOMEM.
 */
static json_t *hist_json(const struct hist *h)
{
	json_t *buckets = json_array();
	struct hist_iter it;

	if (!buckets)
		return NULL;
	hist_iter_init(&it, h);
	while (hist_iter_next(&it))
		json_array_append_new(buckets, json_pack("[I,I,I]", (json_int_t)it.from,
							 (json_int_t)it.to, (json_int_t)it.count));
	return json_pack("{s:I,s:I,s:i,s:I,s:I,s:I,s:o}", "lowest", (json_int_t)h->lowest,
			 "highest", (json_int_t)h->highest, "significant_digits", h->sigfigs,
			 "total_count", (json_int_t)h->total, "min", (json_int_t)hist_min(h),
			 "max", (json_int_t)hist_max(h), "buckets", buckets);
}

static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* the buckets of j into h (of j's layout); -EINVAL with a reason */
static int hist_read_buckets(json_t *buckets, struct hist *h, int64_t total, char *err, size_t len)
{
	int64_t prev_to = -1, sum = 0;
	size_t i;
	json_t *b;

	json_array_foreach(buckets, i, b) {
		json_int_t from, to, count;

		if (json_unpack(b, "[III!]", &from, &to, &count))
			return bad(err, len, "histogram: bucket %zu is not [from, to, count]", i);
		if (from < 0 || from > h->highest || hist_lowest_equivalent(h, from) != from ||
		    hist_highest_equivalent(h, from) != to)
			return bad(err, len, "histogram: bucket %zu [%lld, %lld] is not a sub-bucket of "
				   "this layout", i, (long long)from, (long long)to);
		if (from <= prev_to)
			return bad(err, len, "histogram: bucket %zu is not above the one before", i);
		if (count <= 0 || count > INT64_MAX - sum)
			return bad(err, len, "histogram: bucket %zu's count %lld is not a positive count",
				   i, (long long)count);
		sum += count;
		prev_to = to;
		if (hist_record_n(h, from, count))
			return bad(err, len, "histogram: bucket %zu is out of range", i);
	}
	if (sum != total)
		return bad(err, len, "histogram: buckets add up to %lld, total_count says %lld",
			   (long long)sum, (long long)total);
	return 0;
}

/* Back from hist_json's form, checking everything; -EINVAL with a reason in err, -ENOMEM. */
static int hist_read(json_t *j, struct hist **out, char *err, size_t len)
{
	json_int_t lowest, highest, sigfigs, total, min, max;
	json_t *buckets;
	json_error_t je;
	struct hist *h;
	int ret;

	if (!json_is_object(j))
		return bad(err, len, "histogram: not an object");
	if (json_unpack_ex(j, &je, 0, "{s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
			   "lowest", &lowest, "highest", &highest, "significant_digits", &sigfigs,
			   "total_count", &total, "min", &min, "max", &max, "buckets", &buckets))
		return bad(err, len, "histogram: %s", je.text);
	if (!json_is_array(buckets))
		return bad(err, len, "histogram: 'buckets' is not an array");
	if (sigfigs < 1 || sigfigs > 5)
		return bad(err, len, "histogram: significant_digits %lld is not 1 to 5", (long long)sigfigs);
	if (lowest < 1 || highest / 2 < lowest)
		return bad(err, len, "histogram: lowest %lld, highest %lld: not a range", (long long)lowest,
			   (long long)highest);
	if (total < 0 || min < 0 || max < min)
		return bad(err, len, "histogram: total_count, min or max out of range");
	ret = hist_init(lowest, highest, (int)sigfigs, &h);
	if (ret)
		return ret == -ENOMEM ? ret : bad(err, len, "histogram: its range cannot be held");
	ret = hist_read_buckets(buckets, h, total, err, len);
	/* the buckets say where min and max lie; the file, exactly where */
	if (!ret && total && hist_set_extremes(h, min, max))
		ret = bad(err, len, "histogram: min or max is not in the first or last bucket");
	if (ret) {
		hist_free(h);
		return ret;
	}
	*out = h;
	return 0;
}

int res_hist_parse(const char *text, size_t n, struct hist **out, char *err, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	int ret;

	if (!j)
		return bad(err, len, "histogram: not valid JSON: %s", je.text);
	ret = hist_read(j, out, err, len);
	json_decref(j);
	return ret;
}

char *res_hist_text(const struct hist *h)
{
	json_t *j = hist_json(h);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}

/* ---- writing ---- */


static json_t *array_of(const double *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, num_json(v[i]));
	return a;
}

static json_t *summary_json(const struct res_bench *b, const struct results *r, int ns)
{
	const struct stats_summary *rs = &b->runs_sum, *bs = &b->batch_sum;
	double k = ns ? 1e9 / r->tb_hz : 1;

	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:[o,o],s:o,s:I,s:I}",
			 "median", num_json(rs->median * k), "mean", num_json(rs->mean * k),
			 "p1", num_json(bs->p1 * k), "p5", num_json(bs->p5 * k), "p50", num_json(bs->p50 * k),
			 "p95", num_json(bs->p95 * k), "p99", num_json(bs->p99 * k),
			 "min", num_json(bs->min * k), "max", num_json(bs->max * k),
			 "mean_ci95", num_json(rs->ci_lo * k), num_json(rs->ci_hi * k),
			 "sd_runs", num_json(rs->sd * k),
			 "n_runs", (json_int_t)rs->n, "n_batches", (json_int_t)bs->n);
}

/* the hardware event counts: per event, per-repetition figures and their medians */
static json_t *pmu_json(const struct res_bench *b, const struct results *r)
{
	const struct res_bench *base = res_baseline(r, b);
	json_t *a = json_array();

	for (size_t i = 0; i < b->npmu; i++) {
		const struct res_pmu *p = &b->pmu[i];
		char status[sizeof(p->status) + sizeof(p->problem) + 16];
		double net = NAN;
		json_t *o;

		/* a benchmark not measured has no counts to miss: its events' own word only */
		if (b->status == RES_OK)
			res_pmu_status(p, status, sizeof(status));
		else
			snprintf(status, sizeof(status), "%s", p->status);
		res_pmu_net_per_exit(b, base, p, &net);
		o = json_pack("{s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "event", p->event,
			      "status", status, "n_runs", (json_int_t)p->n,
			      "per_iteration", num_json(res_pmu_median(p, 0)),
			      "per_exit", num_json(res_pmu_median(p, 1)),
			      "net_per_exit", num_json(net),
			      "running_fraction_min", num_json(p->running_min),
			      "runs_per_iteration", array_of(p->per_iter, p->n),
			      "runs_per_exit", array_of(p->per_exit, p->n));
		if (p->encoding[0])
			json_object_set_new(o, "encoding", json_string(p->encoding));
		if (p->problem[0] && p->n)
			json_object_set_new(o, "note", json_string(p->problem));
		json_array_append_new(a, o);
	}
	return a;
}

/* a figure of the trace: whole numbers as such (ticks, ns), null for none */
static json_t *fig_json(double x)
{
	if (!isfinite(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 0x1p53)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* a histogram in results.json: hist_json's form, what it is of, and its value scale */
static json_t *hist_doc(const struct hist *h, const char *of, int64_t scale)
{
	json_t *o = hist_json(h);

	if (!o)
		return NULL;
	json_object_set_new(o, "of", json_string(of));
	json_object_set_new(o, "value_scale", json_integer(scale));
	return o;
}

static json_t *tstat_json(const char *key, const struct res_tstat *st)
{
	return json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:s}", key, st->name,
			 "count", (json_int_t)st->count, "median", fig_json(st->median),
			 "p5", fig_json(st->p5), "p95", fig_json(st->p95), "p99", fig_json(st->p99),
			 "min", fig_json(st->min), "max", fig_json(st->max),
			 "sum", (json_int_t)st->sum, "unit", st->unit);
}

/* a phase's or a reason's "rounds": [{round, count, figure}, ...] */
static json_t *rounds_json(const struct res_round *r, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:I,s:o}", "round", (json_int_t)r[i].round,
						   "count", (json_int_t)r[i].count,
						   "figure", num_json(r[i].figure)));
	return a;
}

/* the histogram of st's values and the rounds, where there are */
static void tstat_extra_json(json_t *o, const struct res_tstat *st, const struct hist *h,
			     int64_t scale, const struct res_round *r, size_t nr)
{
	char of[128];

	if (h) {
		snprintf(of, sizeof(of), "%s: %s x value_scale", st->name, st->unit);
		json_object_set_new(o, "histogram", hist_doc(h, of, scale));
	}
	if (nr)
		json_object_set_new(o, "rounds", rounds_json(r, nr));
}

static json_t *phases_json(const struct res_phase *p, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *o = tstat_json("name", &p[i].st);

		if (o)
			tstat_extra_json(o, &p[i].st, p[i].hist, p[i].hist_scale, p[i].round, p[i].nround);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *reasons_json(const struct res_reason *x, size_t n)
{
	static const char *const resume[] = RES_RESUME_NAMES;
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++, x++) {
		json_t *o = tstat_json("reason", &x->st);

		if (!o)
			continue;
		json_object_set_new(o, "timed", json_integer((json_int_t)x->timed));
		json_object_set_new(o, "vector", json_integer(x->vector));
		json_object_set_new(o, "share", num_json(x->share));
		json_object_set_new(o, "of", json_string(x->of == RES_TIMED_OTHER ? x->of_name :
							 res_timed_kind(x->of)));
		json_object_set_new(o, "resume", json_pack("{s:I,s:I,s:I,s:I}",
			resume[0], (json_int_t)x->resume[0], resume[1], (json_int_t)x->resume[1],
			resume[2], (json_int_t)x->resume[2], resume[3], (json_int_t)x->resume[3]));
		if (x->has_out_of_order)
			json_object_set_new(o, "out_of_order", json_integer((json_int_t)x->out_of_order));
		if (x->has_phases)
			json_object_set_new(o, "phases", phases_json(x->phase, x->nphase));
		tstat_extra_json(o, &x->st, x->hist, x->hist_scale, x->round, x->nround);
		json_array_append_new(a, o);
	}
	return a;
}

static const char *timed_source(const struct res_trace *t)
{
	return t->timed == RES_TIMED_OTHER ? t->source : res_timed_source(t->timed);
}

/* a benchmark's trace parts, each where present (after its other fields, as merged) */
static void trace_src_json(json_t *o, const struct res_trace *t)
{
	if (t->has_phases)
		json_object_set_new(o, "phases", phases_json(t->phase, t->nphase));
	if (t->has_reasons)
		json_object_set_new(o, "exit_reasons", reasons_json(t->reason, t->nreason));
	if (t->has_source)
		json_object_set_new(o, "trace", json_pack("{s:s,s:I,s:I,s:s}", "file", t->file,
			"repetitions_marked", (json_int_t)t->repetitions_marked,
			"exits", (json_int_t)t->exits, "source", timed_source(t)));
}

int res_take_params(struct res_bench *b, const json_t *o, const char **why)
{
	const json_t *file = json_object_get(o, "file"), *params = json_object_get(o, "params");
	const char *k;
	json_t *v;

	if (file && (!json_is_string(file) || strlen(json_string_value(file)) >= sizeof(b->file)))
		return *why = "\"file\" is not a benchmark's name", -EINVAL;
	if (params && (!json_is_object(params) || json_object_size(params) > EB_MAX_PARAMS))
		return *why = "\"params\" is not an object of at most 2 parameters", -EINVAL;
	b->nparams = 0;
	snprintf(b->file, sizeof(b->file), "%s", file ? json_string_value(file) : "");
	json_object_foreach((json_t *)params, k, v) {
		if (strlen(k) >= EB_PARAM_NAME_LEN || !json_is_integer(v) || json_integer_value(v) < 0)
			return *why = "a parameter is not a short name with a whole number", -EINVAL;
		snprintf(b->param_names[b->nparams], EB_PARAM_NAME_LEN, "%s", k);
		b->param_values[b->nparams++] = json_integer_value(v);
	}
	return 0;
}

static json_t *bench_json(const struct res_bench *b, const struct results *r)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:o,s:I,s:s,s:s,s:s}",
			      "name", b->name, "what", b->what, "exit_kind", b->exit_kind,
			      "status", res_status_name(b->status),
			      "iterations", (json_int_t)b->iterations,
			      "batches", (json_int_t)b->batches,
			      "repetitions", (json_int_t)b->repetitions,
			      "claimed_exits_per_iteration", (json_int_t)b->claimed_exits_per_iteration,
			      "exits_per_iteration", num_json(b->exits_per_iteration),
			      "background_exits", (json_int_t)b->background_exits,
			      "exits_check", b->exits_ok ? "ok" : "mismatch",
			      "exits_note", b->exits_note,
			      "unit", "timebase ticks per iteration");

	if (b->status != RES_OK)
		json_object_set_new(o, "reason", json_string(b->reason));
	if (b->file[0])
		json_object_set_new(o, "file", json_string(b->file));
	if (b->guest[0]) {
		json_object_set_new(o, "guest", json_string(b->guest));
		json_object_set_new(o, "guest_kernel", json_string(b->guest_kernel));
		if (b->guest_slb_valid)
			json_object_set_new(o, "guest_slb_valid", json_integer(b->guest_slb_valid));
	}
	if (b->nparams) {
		json_t *p = json_object();

		for (uint32_t i = 0; i < b->nparams; i++)
			json_object_set_new(p, b->param_names[i], json_integer(b->param_values[i]));
		json_object_set_new(o, "params", p);
	}
	json_object_set_new(o, "runs", array_of(b->runs, b->nruns));
	for (size_t i = 0; i < b->nruns; i++) {
		if (!b->run_rounds[i])
			continue;
		json_t *a = json_array();

		for (size_t j = 0; j < b->nruns; j++)
			json_array_append_new(a, json_integer(b->run_rounds[j]));
		json_object_set_new(o, "run_rounds", a);
		break;
	}
	json_object_set_new(o, "batch_ticks_per_iteration", array_of(b->batch, b->nbatch));
	if (b->hist)
		json_object_set_new(o, "histogram", hist_doc(b->hist, "batches: ticks per iteration "
							     "x value_scale", RES_HIST_SCALE));
	json_object_set_new(o, "summary_ticks", summary_json(b, r, 0));
	json_object_set_new(o, "summary_ns", summary_json(b, r, 1));
	if (b->npmu)
		json_object_set_new(o, "pmu", pmu_json(b, r));
	trace_src_json(o, &b->trace);
	return o;
}

/* net cost of one exit: benchmark minus the null loop, Welch interval over runs */
static json_t *net_json(const struct results *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		const struct res_bench *base = res_baseline(r, b);
		double d, lo, hi;

		if (!base || res_net_cost(b, base, &d, &lo, &hi))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:[o,o],s:o,s:[o,o]}",
						   "name", b->name, "baseline", base->name,
						   "ticks", num_json(d), "ticks_ci95", num_json(lo), num_json(hi),
						   "ns", num_json(res_ns(r, d)), "ns_ci95",
						   num_json(res_ns(r, lo)), num_json(res_ns(r, hi))));
	}
	return a;
}

/* root into path through a temporary file renamed (a reader never sees half a file); root freed */
static int dump_atomic(json_t *root, const char *path)
{
	char tmp[4096];
	int ret = 0;

	if (!root)
		return -ENOMEM;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		ret = -ENAMETOOLONG;
	else if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(10)))
		ret = -EIO;
	else if (rename(tmp, path))
		ret = -errno;
	if (ret && ret != -ENAMETOOLONG)
		unlink(tmp);
	json_decref(root);
	return ret;
}

void res_trace_run_free(struct res_trace_run *t)
{
	for (size_t i = 0; i < t->n; i++)
		res_trace_free(&t->b[i].t);
	free(t->b);
	memset(t, 0, sizeof(*t));
}

int res_write_trace(const struct res_trace_run *t, const char *path)
{
	const struct res_trace_counts *c = &t->counts;
	json_t *benches = json_array(), *root;

	for (size_t i = 0; benches && i < t->n; i++) {
		const struct res_trace *bt = &t->b[i].t;

		json_array_append_new(benches, json_pack("{s:s,s:I,s:I,s:s,s:o,s:o}",
			"name", t->b[i].name, "repetitions_marked", (json_int_t)bt->repetitions_marked,
			"exits", (json_int_t)bt->exits, "source", timed_source(bt),
			"phases", phases_json(bt->phase, bt->nphase),
			"exit_reasons", reasons_json(bt->reason, bt->nreason)));
	}
	root = json_pack("{s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:I,s:I,s:I,s:f,s:o}",
			 "tool", "exitbench 0.1", "trace_file", t->trace_file, "cpus", t->cpus,
			 "cpus_with_data", t->cpus_with_data, "reader_threads", t->reader_threads,
			 "trace_clock", t->trace_clock, "exit_to_reenter_unit", t->exit_to_reenter_unit,
			 "events_read", (json_int_t)t->events_read,
			 "events_lost", (json_int_t)t->events_lost,
			 "lost_pages_uncounted", (json_int_t)t->lost_pages_uncounted,
			 "elapsed_s", t->elapsed_s, "benchmarks", benches);
	if (root)
		json_object_set_new(root, "counts", json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"kvm_pr_exit_timing", (json_int_t)c->kvm_pr_exit_timing,
			"out_of_order", (json_int_t)c->out_of_order, "kvm_exit", (json_int_t)c->kvm_exit,
			"kvm_book3s_reenter", (json_int_t)c->kvm_book3s_reenter,
			"paired", (json_int_t)c->paired, "unpaired_exits", (json_int_t)c->unpaired_exits,
			"unpaired_reenters", (json_int_t)c->unpaired_reenters,
			"markers", (json_int_t)c->markers, "bad_markers", (json_int_t)c->bad_markers,
			"unmatched_markers", (json_int_t)c->unmatched_markers,
			"short_records", (json_int_t)c->short_records,
			"out_of_range", (json_int_t)c->out_of_range));
	return dump_atomic(root, path);
}

int res_write(const struct results *r, const char *path)
{
	json_t *root, *benches = json_array();

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(benches, bench_json(&r->b[i], r));
	root = json_pack("{s:i,s:s,s:s,s:o,s:o,s:o}", "schema_version", RES_SCHEMA_VERSION,
			 "tool", "exitbench 0.1", "run_id", r->run_id, "environment", val_json(&r->env),
			 "benchmarks", benches, "net_exit_cost", net_json(r));
	if (root && r->variant[0])
		json_object_set_new(root, "variant", json_string(r->variant));
	return dump_atomic(root, path);
}

/* ---- reading ---- */

int res_looks_like(const char *path)
{
	FILE *f = fopen(path, "r");
	int c;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(f);
	return c == '{';
}

static int fail(char *err, size_t len, const char *path, const char *fmt, const char *arg)
{
	int n = snprintf(err, len, "%s: ", path);

	snprintf(err + n, len - n, fmt, arg);
	return -EINVAL;
}

static int read_numbers(json_t *a, struct res_bench *b, int (*pushf)(struct res_bench *, double))
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return -EINVAL;
	json_array_foreach(a, i, v) {
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return -EINVAL;
		if (pushf(b, json_number_value(v)))
			return -ENOMEM;
	}
	return 0;
}

/* a number, or null for "none" (NaN); -1 for anything else */
static int num_or_null(json_t *v, double *x)
{
	if (json_is_null(v))
		return *x = NAN, 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return -1;
	*x = json_number_value(v);
	return 0;
}

/* a benchmark's pmu list: -EINVAL when malformed, -ENOMEM */
static int read_pmu(json_t *a, struct res_bench *b)
{
	size_t i, k;
	json_t *o, *v;

	if (!json_is_array(a))
		return -EINVAL;
	json_array_foreach(a, i, o) {
		const char *event, *status = "ok", *enc = "", *note = "";
		json_t *iter = NULL, *exit = NULL, *run = NULL;
		struct res_pmu *p;
		double running = 1;

		if (json_unpack(o, "{s:s,s?s,s?s,s?s,s?o,s?o,s?o}", "event", &event, "status", &status,
				"encoding", &enc, "note", &note, "runs_per_iteration", &iter,
				"runs_per_exit", &exit, "running_fraction_min", &run) ||
		    !event[0] || (iter && !json_is_array(iter)) || (exit && !json_is_array(exit)) ||
		    (exit && (!iter || json_array_size(exit) != json_array_size(iter))) ||
		    (run && num_or_null(run, &running)))
			return -EINVAL;
		for (k = 0; k < b->npmu; k++)
			if (!strcmp(b->pmu[k].event, event))
				return -EINVAL;		/* twice */
		if (!(p = res_pmu_get(b, event)))
			return -ENOMEM;
		snprintf(p->status, sizeof(p->status), "%s", status);
		snprintf(p->encoding, sizeof(p->encoding), "%s", enc);
		snprintf(p->problem, sizeof(p->problem), "%s", note);
		json_array_foreach(iter, k, v) {
			double pi, pe = NAN;

			if (num_or_null(v, &pi) || !isfinite(pi) ||
			    (exit && num_or_null(json_array_get(exit, k), &pe)))
				return -EINVAL;
			if (res_pmu_push(p, pi, pe, running))
				return -ENOMEM;
		}
		p->running_min = run ? running : p->n ? 1 : NAN;
	}
	return 0;
}

/* ---- reading the trace parts ---- */

/* where a reader is, for its one-line complaint */
struct rctx {
	const char *path, *bench;
	char *err;
	size_t len;
	char at[96];			/* "phases[2] (guest)": the entry being read */
};

static int rfail(struct rctx *c, const char *fmt, ...)
{
	int n = snprintf(c->err, c->len, "%s: benchmark '%s': %s%s", c->path, c->bench, c->at,
			 c->at[0] ? ": " : "");
	va_list ap;

	if (n < 0 || (size_t)n >= c->len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* a whole number >= 0 at key */
static int get_count(struct rctx *c, json_t *o, const char *key, uint64_t *x)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return rfail(c, "'%s' is not a whole number >= 0", key);
	*x = (uint64_t)json_integer_value(v);
	return 0;
}

/* a string of fewer than len bytes at key */
static int get_str(struct rctx *c, json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s)
		return rfail(c, "'%s' is not a string", key);
	if (strlen(s) >= len)
		return rfail(c, "'%s' is longer than %zu characters", key, len - 1);
	snprintf(buf, len, "%s", s);
	return 0;
}

/* a finite number, or null for none (NaN) */
static int get_fig(struct rctx *c, json_t *o, const char *key, double *x)
{
	if (num_or_null(json_object_get(o, key), x))
		return rfail(c, "'%s' is not a number or null", key);
	return 0;
}

static int read_tstat(struct rctx *c, json_t *o, const char *key, struct res_tstat *st)
{
	static const char *const figs[] = { "median", "p5", "p95", "p99", "min", "max" };
	double *v[] = { &st->median, &st->p5, &st->p95, &st->p99, &st->min, &st->max };
	size_t used = strlen(c->at);
	int ret;

	if (!json_is_object(o))
		return rfail(c, "not an object");
	if ((ret = get_str(c, o, key, st->name, sizeof(st->name))))
		return ret;
	if (!st->name[0])
		return rfail(c, "'%s' is empty", key);
	snprintf(c->at + used, sizeof(c->at) - used, " (%s)", st->name);
	if ((ret = get_count(c, o, "count", &st->count)) || (ret = get_count(c, o, "sum", &st->sum)) ||
	    (ret = get_str(c, o, "unit", st->unit, sizeof(st->unit))))
		return ret;
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		if ((ret = get_fig(c, o, figs[i], v[i])))
			return ret;
	return 0;
}

/* a phase's or a reason's "histogram": hist_json's form with its value_scale */
static int read_phase_hist(struct rctx *c, json_t *h, struct hist **out, int64_t *out_scale)
{
	json_t *scale = json_object_get(h, "value_scale");
	char herr[256];
	int ret;

	if (!json_is_object(h))
		return rfail(c, "'histogram' is not an object");
	if (!json_is_integer(scale) || json_integer_value(scale) < 1)
		return rfail(c, "the histogram's 'value_scale' is not a whole number >= 1");
	*out_scale = json_integer_value(scale);
	ret = hist_read(h, out, herr, sizeof(herr));
	if (ret == -ENOMEM)
		return ret;
	return ret ? rfail(c, "%s", herr) : 0;
}

/* "rounds" (absent: none): [{round >= 1, count, figure}, ...], rounds ascending */
static int read_rounds(struct rctx *c, json_t *o, struct res_round **out, size_t *nout)
{
	json_t *a = json_object_get(o, "rounds"), *e;
	size_t i;
	int ret;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return rfail(c, "'rounds' is not an array");
	if (json_array_size(a) && !(*out = calloc(json_array_size(a), sizeof(**out))))
		return -ENOMEM;
	json_array_foreach(a, i, e) {
		struct res_round *r = &(*out)[i];
		uint64_t round;

		if (!json_is_object(e))
			return rfail(c, "rounds[%zu] is not an object", i);
		if ((ret = get_count(c, e, "round", &round)) || (ret = get_count(c, e, "count", &r->count)) ||
		    (ret = get_fig(c, e, "figure", &r->figure)))
			return ret;
		if (round < 1 || round > UINT32_MAX || (i && round <= (*out)[i - 1].round))
			return rfail(c, "rounds[%zu]: round %llu is not a round after the one before "
				     "(1 to 4294967295, ascending)", i, (unsigned long long)round);
		r->round = (uint32_t)round;
		(*nout)++;
	}
	return 0;
}

/* "phases" (of a benchmark, or of an exit reason: what names it is in c->at) */
static int read_phases(struct rctx *c, json_t *a, struct res_phase **out, size_t *nout)
{
	size_t used = strlen(c->at), i;
	json_t *o;
	int ret;

	if (!json_is_array(a))
		return rfail(c, "'phases' is not an array");
	if (json_array_size(a) && !(*out = calloc(json_array_size(a), sizeof(**out))))
		return -ENOMEM;
	json_array_foreach(a, i, o) {
		struct res_phase *p = &(*out)[i];
		json_t *h = json_object_get(o, "histogram");

		snprintf(c->at + used, sizeof(c->at) - used, "%sphases[%zu]", used ? " " : "", i);
		(*nout)++;
		if ((ret = read_tstat(c, o, "name", &p->st)) ||
		    (h && (ret = read_phase_hist(c, h, &p->hist, &p->hist_scale))) ||
		    (ret = read_rounds(c, o, &p->round, &p->nround)))
			return ret;
	}
	c->at[used] = '\0';
	return 0;
}

static int read_reason(struct rctx *c, json_t *o, struct res_reason *x)
{
	static const char *const resume[] = RES_RESUME_NAMES;
	json_t *v, *res, *ph;
	int ret;

	if ((ret = read_tstat(c, o, "reason", &x->st)) || (ret = get_count(c, o, "timed", &x->timed)) ||
	    (ret = get_str(c, o, "of", x->of_name, sizeof(x->of_name))))
		return ret;
	v = json_object_get(o, "vector");
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
		return rfail(c, "'vector' is not a whole number from 0 to 0xffffffff");
	x->vector = (uint32_t)json_integer_value(v);
	if ((ret = get_fig(c, o, "share", &x->share)))
		return ret;
	x->of = timed_of(x->of_name, timed_kinds);
	res = json_object_get(o, "resume");
	if (!json_is_object(res))
		return rfail(c, "'resume' is not an object");
	for (int k = 0; k < 4; k++)
		if ((ret = get_count(c, res, resume[k], &x->resume[k])))
			return rfail(c, "'resume' lacks the count '%s'", resume[k]);
	if (json_object_get(o, "out_of_order")) {
		x->has_out_of_order = 1;
		if ((ret = get_count(c, o, "out_of_order", &x->out_of_order)))
			return ret;
	}
	if ((v = json_object_get(o, "histogram")) &&
	    (ret = read_phase_hist(c, v, &x->hist, &x->hist_scale)))
		return ret;
	if ((ret = read_rounds(c, o, &x->round, &x->nround)))
		return ret;
	if ((ph = json_object_get(o, "phases"))) {
		x->has_phases = 1;
		return read_phases(c, ph, &x->phase, &x->nphase);
	}
	return 0;
}

static int read_reasons(struct rctx *c, json_t *a, struct res_trace *t)
{
	size_t i;
	json_t *o;
	int ret;

	if (!json_is_array(a))
		return rfail(c, "'exit_reasons' is not an array");
	if (json_array_size(a) && !(t->reason = calloc(json_array_size(a), sizeof(*t->reason))))
		return -ENOMEM;
	json_array_foreach(a, i, o) {
		snprintf(c->at, sizeof(c->at), "exit_reasons[%zu]", i);
		t->nreason++;
		if ((ret = read_reason(c, o, &t->reason[i])))
			return ret;
	}
	c->at[0] = '\0';
	return 0;
}

static int read_trace_src(struct rctx *c, json_t *o, struct res_trace *t)
{
	int ret;

	snprintf(c->at, sizeof(c->at), "trace");
	if (!json_is_object(o))
		return rfail(c, "not an object");
	if ((ret = get_str(c, o, "file", t->file, sizeof(t->file))) ||
	    (ret = get_count(c, o, "repetitions_marked", &t->repetitions_marked)) ||
	    (ret = get_count(c, o, "exits", &t->exits)) ||
	    (ret = get_str(c, o, "source", t->source, sizeof(t->source))))
		return ret;
	t->timed = timed_of(t->source, timed_sources);
	c->at[0] = '\0';
	return 0;
}

/* what `exitbench trace --results` added to the benchmark o: each part optional */
static int read_trace(json_t *o, struct res_bench *b, const char *path, char *err, size_t len)
{
	struct rctx c = { .path = path, .bench = b->name, .err = err, .len = len };
	json_t *ph = json_object_get(o, "phases"), *rs = json_object_get(o, "exit_reasons");
	json_t *tr = json_object_get(o, "trace");
	struct res_trace *t = &b->trace;
	int ret;

	if (ph) {
		t->has_phases = 1;
		if ((ret = read_phases(&c, ph, &t->phase, &t->nphase)))
			return ret;
	}
	if (rs) {
		t->has_reasons = 1;
		if ((ret = read_reasons(&c, rs, t)))
			return ret;
	}
	if (tr) {
		t->has_source = 1;
		return read_trace_src(&c, tr, t);
	}
	return 0;
}

static int read_bench(json_t *o, struct results *r, const char *path, char *err, size_t len)
{
	const char *name, *what = "", *kind = "", *status, *check = "ok", *note = "", *reason = "";
	const char *why, *guest = "", *gkernel = "";
	json_int_t it = 0, bat = 0, reps = 0, claimed = 0, bg = 0, slb = 0;
	json_t *runs, *batch = NULL, *epi = NULL, *rounds = NULL, *hist = NULL, *pmu = NULL, *v;
	json_error_t je;
	struct res_bench *b;
	size_t i;

	if (json_unpack_ex(o, &je, 0, "{s:s,s?s,s?s,s:s,s:I,s?I,s:I,s?I,s?o,s?I,s?s,s?s,s?s,s:o,s?o,s?o,s?o,s?o}",
			   "name", &name, "what", &what, "exit_kind", &kind, "status", &status,
			   "iterations", &it, "batches", &bat, "repetitions", &reps,
			   "claimed_exits_per_iteration", &claimed, "exits_per_iteration", &epi,
			   "background_exits", &bg, "exits_check", &check, "exits_note", &note,
			   "reason", &reason, "runs", &runs, "batch_ticks_per_iteration", &batch,
			   "run_rounds", &rounds, "histogram", &hist, "pmu", &pmu))
		return fail(err, len, path, "benchmark entry: %s", je.text);
	if (res_find(r, name))
		return fail(err, len, path, "benchmark '%s' appears twice", name);
	b = res_add(r, name);
	if (!b)
		return -ENOMEM;
	if (res_take_params(b, o, &why))
		return fail(err, len, path, "benchmark entry: %s", why);
	if (json_unpack_ex(o, &je, 0, "{s?s,s?s,s?I}", "guest", &guest, "guest_kernel", &gkernel,
			   "guest_slb_valid", &slb) || slb < 0 || slb > UINT32_MAX)
		return fail(err, len, path,
			    "benchmark '%s': guest, guest_kernel or guest_slb_valid is not a string, a string, a count",
			    name);
	snprintf(b->guest, sizeof(b->guest), "%s", guest);
	snprintf(b->guest_kernel, sizeof(b->guest_kernel), "%s", gkernel);
	b->guest_slb_valid = (uint32_t)slb;
	snprintf(b->what, sizeof(b->what), "%s", what);
	snprintf(b->exit_kind, sizeof(b->exit_kind), "%s", kind);
	snprintf(b->exits_note, sizeof(b->exits_note), "%s", note);
	snprintf(b->reason, sizeof(b->reason), "%s", reason);
	if (!strcmp(status, "ok"))
		b->status = RES_OK;
	else if (!strcmp(status, "skipped"))
		b->status = RES_SKIPPED;
	else if (!strcmp(status, "failed"))
		b->status = RES_FAILED;
	else
		return fail(err, len, path, "unknown benchmark status '%s'", status);
	/* a benchmark that failed before the runner could say what it asked for has none */
	if ((b->status == RES_OK && (it <= 0 || reps <= 0)) || it < 0 || reps < 0 || bat < 0 ||
	    claimed < 0 || bg < 0)
		return fail(err, len, path, "benchmark '%s': iterations, repetitions must be > 0", name);
	b->iterations = it;
	b->batches = bat;
	b->repetitions = reps;
	b->claimed_exits_per_iteration = claimed;
	b->background_exits = bg;
	b->exits_per_iteration = json_is_number(epi) ? json_number_value(epi) : NAN;
	b->exits_ok = !strcmp(check, "ok");
	if (read_numbers(runs, b, res_push_run))
		return fail(err, len, path, "benchmark '%s': 'runs' is not an array of finite numbers", name);
	if (batch && read_numbers(batch, b, res_push_batch))
		return fail(err, len, path,
			    "benchmark '%s': 'batch_ticks_per_iteration' is not an array of finite numbers",
			    name);
	if (rounds) {
		if (!json_is_array(rounds) || json_array_size(rounds) != b->nruns)
			return fail(err, len, path, "benchmark '%s': 'run_rounds' is not one round a run",
				    name);
		json_array_foreach(rounds, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > UINT32_MAX)
				return fail(err, len, path,
					    "benchmark '%s': 'run_rounds' holds something other than round numbers",
					    name);
			b->run_rounds[i] = json_integer_value(v);
		}
	}
	if (pmu && read_pmu(pmu, b)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "benchmark '%s': 'pmu' is not a list of events with "
			 "per-repetition figures (event, status, runs_per_iteration, runs_per_exit)", name);
		return fail(err, len, path, "%s", msg);
	}
	if (hist) {
		char herr[256];

		if (json_integer_value(json_object_get(hist, "value_scale")) != RES_HIST_SCALE)
			return fail(err, len, path, "benchmark '%s': histogram without value_scale 1000", name);
		if (hist_read(hist, &b->hist, herr, sizeof(herr))) {
			char msg[512];

			snprintf(msg, sizeof(msg), "benchmark '%s': %s", name, herr);
			return fail(err, len, path, "%s", msg);
		}
	}
	return read_trace(o, b, path, err, len);
}

int res_read(const char *path, struct results *r, char *err, size_t len)
{
	json_error_t je;
	json_t *root, *v, *benches, *b;
	const char *run_id = "", *variant = "";
	size_t i;
	int ret = 0;

	res_init(r);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, len, "%s:%d: not valid JSON: %s", path, je.line, je.text);
		res_free(r);
		return -EINVAL;
	}
	v = json_object_get(root, "schema_version");
	if (!json_is_integer(v)) {
		ret = fail(err, len, path, "%s", "no schema_version: not an exitbench results.json");
		goto out;
	}
	if (json_integer_value(v) < RES_SCHEMA_OLDEST || json_integer_value(v) > RES_SCHEMA_VERSION) {
		snprintf(err, len, "%s: schema_version %lld is not supported (this exitbench reads %d to %d)",
			 path, (long long)json_integer_value(v), RES_SCHEMA_OLDEST, RES_SCHEMA_VERSION);
		ret = -EINVAL;
		goto out;
	}
	if (json_unpack_ex(root, &je, 0, "{s?s,s?s,s:o,s:o}", "run_id", &run_id, "variant", &variant,
			   "environment", &v, "benchmarks", &benches) || !json_is_object(v) || !json_is_array(benches)) {
		ret = fail(err, len, path, "%s", "needs an 'environment' object and a 'benchmarks' array");
		goto out;
	}
	snprintf(r->run_id, sizeof(r->run_id), "%s", run_id);
	snprintf(r->variant, sizeof(r->variant), "%s", variant);
	val_free(&r->env);
	if ((ret = val_from_json(&r->env, v))) {
		snprintf(err, len, "%s: %s", path, strerror(-ret));
		goto out;
	}
	json_array_foreach(benches, i, b) {
		ret = read_bench(b, r, path, err, len);
		if (ret)
			goto out;
	}
	res_derive(r);
out:
	json_decref(root);
	if (ret)
		res_free(r);
	return ret;
}

/* ---- compare.json ---- */

/* a phase's or an exit reason's comparison, in compare.json */
static json_t *cmp_part_json(const struct res_cmp_part *x)
{
	const struct cmp_result *r = &x->r;

	if (x->state != RES_CMP_DONE)
		return json_pack("{s:s,s:s}", "name", x->name, "not_compared", x->note);
	return json_pack("{s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:[o,o],s:[o,o],s:s,s:b,s:o,s:s,s:o,s:o,s:o}",
			 "name", x->name, "n_a", (json_int_t)r->na, "n_b", (json_int_t)r->nb,
			 "base_median", num_json(r->median_a), "patched_median", num_json(r->median_b),
			 "change", num_json(r->diff), "change_pct", num_json(r->change_pct),
			 "ci", num_json(r->diff_lo), num_json(r->diff_hi),
			 "ci_pct", num_json(r->ci_pct_lo), num_json(r->ci_pct_hi),
			 "verdict", cmp_verdict_name(r->verdict), "moved", x->moved,
			 "share", num_json(x->share), "note", x->note,
			 "base_instructions", num_json(x->insn_a),
			 "patched_instructions", num_json(x->insn_b),
			 "change_instructions", num_json(x->insn_change));
}

/* "where it changed" of a row, into its object o (nothing when the row has no trace) */
static void cmp_where_json(json_t *o, const struct res_cmp_row *row)
{
	json_t *a;

	if (row->where_note[0])
		json_object_set_new(o, "phases_not_compared", json_string(row->where_note));
	if (row->nphase) {
		a = json_array();
		for (size_t i = 0; a && i < row->nphase; i++)
			json_array_append_new(a, cmp_part_json(&row->phase[i]));
		json_object_set_new(o, "phases", a);
		json_object_set_new(o, "phase_unit", json_string(row->phase_unit));
		json_object_set_new(o, "phase_confidence", num_json(row->phase_confidence));
		json_object_set_new(o, "phase_no_change_band", num_json(row->phase_band));
		json_object_set_new(o, "round_trip_change_per_exit", num_json(row->rt_change));
		json_object_set_new(o, "phases_change_sum", num_json(row->phases_sum));
		json_object_set_new(o, "phases_explain",
				    num_json(isfinite(row->rt_change) && row->rt_change != 0 ?
					     row->phases_sum / row->rt_change : NAN));
		json_object_set_new(o, "trace_phase_moved", json_boolean(row->trace_moved));
	}
	if (row->nreason) {
		a = json_array();
		for (size_t i = 0; a && i < row->nreason; i++)
			json_array_append_new(a, cmp_part_json(&row->reason[i]));
		json_object_set_new(o, "exit_reasons", a);
		json_object_set_new(o, "exit_reason_unit", json_string(row->reason_unit));
		json_object_set_new(o, "exit_reason_confidence", num_json(row->reason_confidence));
	}
}

/* a row's sequential judgement, into its object o */
static void cmp_seq_json(json_t *o, const struct res_cmp_row *row, const struct cseq_opts *so)
{
	const struct cseq_result *q = &row->seq;

	if (!q->rounds) {
		json_object_set_new(o, "sequential", json_pack("{s:s}", "not_judged", row->seq_note));
		return;
	}
	json_object_set_new(o, "sequential", json_pack(
		"{s:s,s:s,s:I,s:o,s:o,s:[o,o],s:o,s:[o,o],s:o,s:[o,o],s:o,s:o,s:o,s:o,s:b}",
		"verdict", cmp_verdict_name(q->verdict), "note", cseq_verdict_note(q),
		"rounds", (json_int_t)q->rounds,
		"decided_at", q->decided_at ? json_integer((json_int_t)q->decided_at) : json_null(),
		"change_pct", num_json(q->change_pct), "ci_pct", num_json(q->lo_pct), num_json(q->hi_pct),
		"change", num_json(q->change), "ci", num_json(q->lo), num_json(q->hi),
		"sd_pct", num_json(q->sd_pct),
		"fixed_ci_pct", num_json(q->fixed_lo_pct), num_json(q->fixed_hi_pct),
		"width_ratio", num_json(q->width_ratio), "mean_a", num_json(q->mean_a),
		"floor_pct", num_json(q->floor_pct),
		"beyond_until", q->verdict == CMP_INCONCLUSIVE || q->beyond < 0 ? json_null()
			: json_boolean(q->beyond > 0),
		"regressed", cseq_regressed(q, so)));
}

/* the sequential comparison as a whole, into the document's root */
static void cmp_seq_summary_json(json_t *root, const struct cseq_summary *s)
{
	char why[256];

	cseq_stop_line(s, why, sizeof(why));
	json_object_set_new(root, "sequential", json_pack(
		"{s:s,s:o,s:o,s:o,s:I,s:I,s:b,s:s,s:s,s:o,s:o}",
		"method", cseq_method_of(&s->opts),
		"confidence", num_json(s->opts.confidence),
		"until_pct", num_json(s->opts.until_pct), "mixture", num_json(s->opts.mixture),
		"rounds", (json_int_t)s->rounds, "rounds_used", (json_int_t)(s->look ? s->look : s->rounds),
		"decided", s->look != 0, "stop", s->look ? "decided" : cseq_end_name(s->ended),
		"why", why, "budget_s", num_json(s->budget_s), "elapsed_s", num_json(s->elapsed_s)));
}

int res_write_compare(const struct res_cmp *c, const char *path)
{
	json_t *rows = json_array(), *not = json_array(), *root, *o;
	size_t regressions = 0;
	int ret;

	for (size_t i = 0; i < c->n; i++) {
		const struct res_cmp_row *row = &c->rows[i];
		const struct cmp_result *r = &row->r;

		if (row->state != RES_CMP_DONE) {
			json_array_append_new(not, json_pack("{s:s,s:s,s:b}", "name", row->name,
							     "reason", row->note, "failed_b", row->failed_b));
			continue;
		}
		regressions += c->seq ? cseq_regressed(&row->seq, &c->seq->opts) : cmp_regressed(r, &c->opts);
		o = json_pack(
			"{s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:[o,o],s:o,s:[o,o],s:o,s:o,s:o,"
			"s:o,s:o,s:b,s:o,s:[o,o],s:o,s:o,s:o,s:o,s:s,s:b,s:{s:o,s:o,s:o,s:o},s:s?,s:s?}",
			"name", row->name, "n_a", (json_int_t)r->na, "n_b", (json_int_t)r->nb,
			"mean_a", num_json(r->mean_a), "mean_b", num_json(r->mean_b),
			"sd_a", num_json(r->sd_a), "sd_b", num_json(r->sd_b),
			"median_a", num_json(r->median_a),
			"median_b", num_json(r->median_b), "change", num_json(r->diff),
			"change_ci", num_json(r->diff_lo), num_json(r->diff_hi),
			"change_pct", num_json(r->change_pct),
			"ci_pct", num_json(r->ci_pct_lo), num_json(r->ci_pct_hi),
			"t", num_json(r->t), "df", num_json(r->df),
			"p_welch", num_json(r->p_welch), "u", num_json(r->u),
			"p_mannwhitney", num_json(r->p_mannwhitney),
			"mannwhitney_exact", r->mw_exact,
			"median_ratio", num_json(r->median_ratio),
			"median_ratio_ci", num_json(r->median_ratio_lo), num_json(r->median_ratio_hi),
			"effect_d", num_json(r->effect_d), "mde_pct", num_json(r->mde_pct),
			"runs_needed", num_json(r->runs_needed),
			"runs_needed_threshold", num_json(r->runs_needed_threshold),
			"verdict", cmp_verdict_name(r->verdict),
			"regressed", cmp_regressed(r, &c->opts), "batch_percentiles",
			"p50_a", num_json(row->p50_a), "p50_b", num_json(row->p50_b),
			"p99_a", num_json(row->p99_a), "p99_b", num_json(row->p99_b),
			"bootstrap_method", r->bootstrap_method,
			"runs_needed_method", r->runs_needed_method);
		if (o)
			cmp_where_json(o, row);
		if (o && c->seq)
			cmp_seq_json(o, row, &c->seq->opts);
		json_array_append_new(rows, o);
	}
	root = json_pack("{s:s,s:{s:s,s:s},s:{s:s,s:s},s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:I,s:i}",
			 "tool", "exitbench compare",
			 "a", "label", c->label_a, "file", c->file_a,
			 "b", "label", c->label_b, "file", c->file_b,
			 "unit", c->unit, "samples", c->samples,
			 "threshold_pct", num_json(c->opts.threshold_pct), "confidence", num_json(c->opts.confidence),
			 "power", num_json(c->opts.power), "bootstrap_resamples", (json_int_t)c->opts.resamples,
			 "bootstrap_seed", (json_int_t)c->opts.seed, "benchmarks", rows,
			 "not_compared", not, "regressions", (json_int_t)regressions,
			 "exit_status", c->exit_status);
	if (root && c->seq)
		cmp_seq_summary_json(root, c->seq);
	if (path)
		return dump_atomic(root, path);
	if (!root)
		return -ENOMEM;
	ret = json_dumpf(root, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ||
	      fputc('\n', stdout) == EOF ? -EIO : 0;
	json_decref(root);
	return ret;
}

/* ---- night.json ---- */

static void night_str(char *dst, size_t len, json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(dst, len, "%s", v ? v : "");
}

void res_night_free(struct res_night *n)
{
	for (size_t i = 0; i < n->nruns; i++)
		free(n->runs[i]);
	free(n->runs);
	memset(n, 0, sizeof(*n));
}

int res_read_night(const char *path, struct res_night *n, char *err, size_t len)
{
	static const char *const builds[] = { "ok", "failed", "partial" };
	json_error_t je;
	json_t *root, *runs, *v, *format;
	const char *commit, *build, *slash = strrchr(path, '/');
	size_t i, dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	int ok = 0, ret = -EINVAL;

	memset(n, 0, sizeof(*n));
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, len, "%s:%d: not valid JSON: %s", path, je.line, je.text);
		return -EINVAL;
	}
	format = json_object_get(root, "night_format");
	if (!json_is_integer(format) || json_integer_value(format) != RES_NIGHT_FORMAT) {
		snprintf(err, len, "%s: not a night.json of format %d (night_format)", path,
			 RES_NIGHT_FORMAT);
		goto out;
	}
	commit = json_string_value(json_object_get(root, "commit"));
	build = json_string_value(json_object_get(root, "build"));
	runs = json_object_get(root, "runs");
	for (i = 0; build && i < sizeof(builds) / sizeof(builds[0]); i++)
		ok |= !strcmp(build, builds[i]);
	if (!commit || !*commit || strlen(commit) >= sizeof(n->commit) || !ok ||
	    !json_is_string(json_object_get(root, "tree")) ||
	    !json_is_string(json_object_get(root, "host")) || !json_is_array(runs) ||
	    !json_is_number(json_object_get(root, "position"))) {
		snprintf(err, len, "%s: a night needs tree, commit, host, position, build (ok, failed, "
			 "partial) and runs (a list of results.json)", path);
		goto out;
	}
	night_str(n->tree, sizeof(n->tree), root, "tree");
	night_str(n->ref, sizeof(n->ref), root, "ref");
	night_str(n->commit, sizeof(n->commit), root, "commit");
	night_str(n->subject, sizeof(n->subject), root, "subject");
	night_str(n->host, sizeof(n->host), root, "host");
	night_str(n->started, sizeof(n->started), root, "started");
	night_str(n->build, sizeof(n->build), root, "build");
	night_str(n->build_note, sizeof(n->build_note), root, "build_note");
	night_str(n->build_log, sizeof(n->build_log), root, "build_log");
	n->commit_time = json_integer_value(json_object_get(root, "commit_time"));
	n->position = json_number_value(json_object_get(root, "position"));
	n->runs = calloc(json_array_size(runs) ? json_array_size(runs) : 1, sizeof(*n->runs));
	if (!n->runs) {
		ret = -ENOMEM;
		goto out;
	}
	json_array_foreach(runs, i, v) {
		const char *run = json_string_value(v);
		size_t rl;

		if (!run || !*run) {
			snprintf(err, len, "%s: runs[%zu] is not a path", path, i);
			goto out;
		}
		/* relative to night.json's directory: a night moves (uploads) as one folder */
		rl = strlen(run) + (run[0] == '/' ? 0 : dirlen) + 1;
		if (!(n->runs[i] = malloc(rl))) {
			ret = -ENOMEM;
			goto out;
		}
		snprintf(n->runs[i], rl, "%.*s%s", run[0] == '/' ? 0 : (int)dirlen, path, run);
		n->nruns++;
	}
	ret = 0;
out:
	json_decref(root);
	if (ret)
		res_night_free(n);
	return ret;
}

/* ---- alerts ---- */

int res_write_alerts(FILE *f, const struct res_alert *a, size_t n, char *err, size_t len)
{
	json_t *arr = json_array();
	int ret = 0;

	for (size_t i = 0; arr && i < n; i++) {
		const struct res_alert *x = &a[i];
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:[o,o],s:[o,o],"
				      "s:o,s:o,s:s,s:o,s:s,s:s,s:s,s:s,s:s}",
				      "id", (json_int_t)x->id, "benchmark", x->benchmark, "mode", x->mode,
				      "metric", x->metric, "commit", x->commit, "subject", x->subject,
				      "commit_before", x->commit_before, "commit_after", x->commit_after,
				      "verdict", x->verdict, "change", num_json(x->change),
				      "change_pct", num_json(x->change_pct), "ci", num_json(x->ci_lo),
				      num_json(x->ci_hi), "ci_pct", num_json(x->ci_pct_lo),
				      num_json(x->ci_pct_hi), "before", num_json(x->before),
				      "after", num_json(x->after), "phase", x->phase,
				      "phase_change", num_json(x->phase_change), "bisect", x->bisect,
				      "state", x->state, "created", x->created,
				      "fingerprint", x->fingerprint, "comparison", x->comparison);

		if (!o || json_array_append_new(arr, o))
			ret = -ENOMEM;
	}
	if (!arr)
		ret = -ENOMEM;
	if (!ret && (json_dumpf(arr, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ||
		     fputc('\n', f) == EOF || fflush(f)))
		ret = -EIO;
	json_decref(arr);
	if (ret)
		snprintf(err, len, "writing the alerts as JSON: %s", strerror(-ret));
	return ret;
}
