// SPDX-License-Identifier: MIT
/*
 * trace: the aggregation (see trace.h). The hot path, one event, is: the CPU's benchmark,
 * the worker's own cache of (benchmark, exit) -> its slots, then plain hist_record()s into
 * slots no other thread writes. The hash table is touched only on a cache miss.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>

#include "trace.h"

/* one writer, racy readers: a relaxed load and store (no locked read-modify-write) */
#define BUMP(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define PEEK(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static const char *const kind_names[TRACE_NKINDS] = {
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit", "round_trip",
	"exit_to_reenter",
};

const char *trace_kind_name(int k)
{
	return k >= 0 && k < TRACE_NKINDS ? kind_names[k] : "?";
}

/* arch/powerpc/kvm/trace_book3s.h, kvm_trace_symbol_exit (Linux 6.1), and FAC_UNAVAIL from
 * asm/kvm_asm.h (BOOK3S_INTERRUPT_FAC_UNAVAIL), which that table lacks */
static const struct {
	uint32_t vector;
	const char *name;
} exit_names[] = {
	{ 0x100, "SYSTEM_RESET" }, { 0x200, "MACHINE_CHECK" }, { 0x300, "DATA_STORAGE" },
	{ 0x380, "DATA_SEGMENT" }, { 0x400, "INST_STORAGE" }, { 0x480, "INST_SEGMENT" },
	{ 0x500, "EXTERNAL" }, { 0x502, "EXTERNAL_HV" }, { 0x600, "ALIGNMENT" },
	{ 0x700, "PROGRAM" }, { 0x800, "FP_UNAVAIL" }, { 0x900, "DECREMENTER" },
	{ 0x980, "HV_DECREMENTER" }, { 0xc00, "SYSCALL" }, { 0xd00, "TRACE" },
	{ 0xe00, "H_DATA_STORAGE" }, { 0xe20, "H_INST_STORAGE" }, { 0xe40, "H_EMUL_ASSIST" },
	{ 0xf00, "PERFMON" }, { 0xf20, "ALTIVEC" }, { 0xf40, "VSX" }, { 0xf60, "FAC_UNAVAIL" },
};

const char *trace_exit_name(uint32_t vector)
{
	for (size_t i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
		if (exit_names[i].vector == vector)
			return exit_names[i].name;
	return vector == TRACE_OTHER ? "(other)" : NULL;
}

const char *trace_exit_label(uint32_t vector, char *buf, size_t len)
{
	const char *n = trace_exit_name(vector);

	if (n)
		return n;
	snprintf(buf, len, "0x%x", vector);
	return buf;
}

/* ---- RCU registration ---- */
static __thread int rcu_depth;

void trace_thread_enter(void)
{
	if (rcu_depth++ == 0)
		urcu_memb_register_thread();
}

void trace_thread_leave(void)
{
	if (rcu_depth > 0 && --rcu_depth == 0)
		urcu_memb_unregister_thread();
}

/* ---- the table ---- */
struct slot {
	struct hist *h;
	uint64_t sum;		/* of the values recorded */
	uint64_t events;	/* ROUND_TRIP: kvm_pr_exit_timing events; EXIT_REENTER: kvm_exit */
	uint64_t out_of_order;
	uint64_t resume[4];
};

struct node {
	struct cds_lfht_node ln;
	uint32_t vector;
	uint16_t bench;
	uint8_t kind;
	struct slot *slot[];	/* one a worker, published by its worker */
};

struct trace_agg {
	struct cds_lfht *ht;
	unsigned nworkers;
	struct hist *tmpl;	/* the empty histogram every slot starts as */
	unsigned long nnodes;	/* atomic */
	unsigned long npairs;	/* (benchmark, exit) pairs given nodes, atomic */
	pthread_mutex_t names_lock;	/* only to add a name */
	unsigned nnames;	/* published with release after the name is written */
	char names[TRACE_MAX_BENCH][EB_NAME_LEN];
	pthread_mutex_t workers_lock;
	struct trace_worker *workers[TRACE_MAX_THREADS];
};

#define CACHE_SIZE 256
struct cache_ent {
	uint32_t vector;
	uint16_t bench;
	uint8_t used;
	struct slot *s[TRACE_NKINDS];
};

struct trace_worker {
	struct trace_agg *a;
	unsigned idx;
	struct trace_counts c;
	uint64_t reps[TRACE_MAX_BENCH];
	struct cache_ent cache[CACHE_SIZE];
};

static unsigned long key_hash(uint16_t bench, uint32_t vector, uint8_t kind)
{
	uint64_t x = ((uint64_t)vector << 32) | ((uint64_t)bench << 8) | kind;

	/* splitmix64's finalizer */
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return (unsigned long)x;
}

struct key {
	uint32_t vector;
	uint16_t bench;
	uint8_t kind;
};

static int key_match(struct cds_lfht_node *ln, const void *k)
{
	const struct node *n = caa_container_of(ln, struct node, ln);
	const struct key *key = k;

	return n->vector == key->vector && n->bench == key->bench && n->kind == key->kind;
}

/*
 * An empty histogram of the template's layout whose counts are calloc'ed and left untouched:
 * hist_init() clears its counts with memset, which makes all of them (256 KiB here) resident
 * at once; a copy of a fresh template with zero pages from calloc costs only the pages its
 * values land in. The template was never recorded into, so its fields are the reset state.
 */
static struct hist *hist_new_lazy(const struct hist *tmpl)
{
	struct hist *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	*h = *tmpl;
	h->counts = calloc((size_t)tmpl->counts_len, sizeof(*h->counts));
	if (!h->counts) {
		free(h);
		return NULL;
	}
	return h;
}

int trace_agg_new(unsigned nworkers, struct trace_agg **out)
{
	struct trace_agg *a;
	int ret;

	if (nworkers < 1 || nworkers > TRACE_MAX_THREADS)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->nworkers = nworkers;
	ret = hist_init(1, TRACE_HIST_HIGHEST, TRACE_HIST_SIGFIGS, &a->tmpl);
	if (ret) {
		free(a);
		return ret;
	}
	/* fixed size: the keys are capped, and no resize means no call_rcu thread */
	a->ht = cds_lfht_new_flavor(4096, 4096, 4096, CDS_LFHT_ACCOUNTING, &urcu_memb_flavor, NULL);
	if (!a->ht) {
		hist_free(a->tmpl);
		free(a);
		return -ENOMEM;
	}
	pthread_mutex_init(&a->names_lock, NULL);
	pthread_mutex_init(&a->workers_lock, NULL);
	snprintf(a->names[0], EB_NAME_LEN, "%s", TRACE_NONE);
	snprintf(a->names[TRACE_MAX_BENCH - 1], EB_NAME_LEN, "(other)");
	a->nnames = 1;
	*out = a;
	return 0;
}

static void node_free(struct trace_agg *a, struct node *n)
{
	for (unsigned i = 0; i < a->nworkers; i++) {
		if (n->slot[i])
			hist_free(n->slot[i]->h);
		free(n->slot[i]);
	}
	free(n);
}

static struct node **collect_nodes(struct trace_agg *a, size_t *count, int *enomem);

void trace_agg_free(struct trace_agg *a)
{
	struct node **nodes;
	size_t n = 0;
	int enomem;

	if (!a)
		return;
	/* no worker or reader is left: unlink every node, wait out any reader, free them */
	nodes = collect_nodes(a, &n, &enomem);
	trace_thread_enter();
	urcu_memb_read_lock();
	for (size_t i = 0; i < n; i++)
		cds_lfht_del(a->ht, &nodes[i]->ln);
	urcu_memb_read_unlock();
	trace_thread_leave();
	urcu_memb_synchronize_rcu();
	for (size_t i = 0; i < n; i++)
		node_free(a, nodes[i]);
	free(nodes);
	/* -EPERM when nodes are left (ENOMEM above): the table is leaked rather than broken */
	if (!enomem)
		cds_lfht_destroy(a->ht, NULL);
	for (unsigned i = 0; i < a->nworkers; i++)
		free(a->workers[i]);
	pthread_mutex_destroy(&a->names_lock);
	pthread_mutex_destroy(&a->workers_lock);
	hist_free(a->tmpl);
	free(a);
}

int trace_worker_new(struct trace_agg *a, unsigned idx, struct trace_worker **out)
{
	struct trace_worker *w;

	if (idx >= a->nworkers)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->a = a;
	w->idx = idx;
	pthread_mutex_lock(&a->workers_lock);
	if (a->workers[idx]) {
		pthread_mutex_unlock(&a->workers_lock);
		free(w);
		return -EBUSY;
	}
	__atomic_store_n(&a->workers[idx], w, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&a->workers_lock);
	*out = w;
	return 0;
}

struct trace_counts *trace_worker_counts(struct trace_worker *w)
{
	return &w->c;
}

void trace_cpu_init(struct trace_cpu *c, int cpu)
{
	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
}

/* ---- benchmark names ---- */

/* the id of name (added when new, unless lookup_only); the overflow id when full */
static int bench_id(struct trace_agg *a, const char *name, int lookup_only)
{
	unsigned n = __atomic_load_n(&a->nnames, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(a->names[i], name))
			return (int)i;
	if (!strcmp(name, a->names[TRACE_MAX_BENCH - 1]))
		return TRACE_MAX_BENCH - 1;
	if (lookup_only)	/* when the names are full, the name may have been folded */
		return n >= TRACE_MAX_BENCH - 1 ? TRACE_MAX_BENCH - 1 : -1;
	pthread_mutex_lock(&a->names_lock);
	n = a->nnames;
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(a->names[i], name)) {
			pthread_mutex_unlock(&a->names_lock);
			return (int)i;
		}
	if (n >= TRACE_MAX_BENCH - 1) {
		pthread_mutex_unlock(&a->names_lock);
		return TRACE_MAX_BENCH - 1;
	}
	snprintf(a->names[n], EB_NAME_LEN, "%s", name);
	__atomic_store_n(&a->nnames, n + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&a->names_lock);
	return (int)n;
}

/* ---- slots ---- */

static struct slot *slot_get(struct trace_worker *w, uint16_t bench, uint32_t vector, uint8_t kind)
{
	struct trace_agg *a = w->a;
	struct key k = { .vector = vector, .bench = bench, .kind = kind };
	unsigned long h = key_hash(bench, vector, kind);
	struct cds_lfht_node *ln;
	struct cds_lfht_iter it;
	struct node *n;
	struct slot *s;

	trace_thread_enter();
	urcu_memb_read_lock();
	cds_lfht_lookup(a->ht, h, key_match, &k, &it);
	ln = cds_lfht_iter_get_node(&it);
	if (ln) {
		n = caa_container_of(ln, struct node, ln);
	} else {
		/*
		 * A new (benchmark, exit) pair starts with its round_trip or exit_to_reenter node:
		 * those count the pairs against the cap; past it, the pair is folded into the
		 * benchmark's "(other)" exit (and so is anything past the cap on all nodes).
		 */
		int first = kind == TRACE_K_ROUND_TRIP || kind == TRACE_K_EXIT_REENTER;

		if (vector != TRACE_OTHER &&
		    ((first && __atomic_fetch_add(&a->npairs, 1, __ATOMIC_RELAXED) >= TRACE_MAX_KEYS) ||
		     __atomic_load_n(&a->nnodes, __ATOMIC_RELAXED) >= (unsigned long)TRACE_MAX_KEYS * TRACE_NKINDS)) {
			urcu_memb_read_unlock();
			trace_thread_leave();
			return slot_get(w, bench, TRACE_OTHER, kind);
		}
		n = calloc(1, sizeof(*n) + a->nworkers * sizeof(n->slot[0]));
		if (!n) {
			urcu_memb_read_unlock();
			trace_thread_leave();
			return NULL;
		}
		n->vector = vector;
		n->bench = bench;
		n->kind = kind;
		cds_lfht_node_init(&n->ln);
		ln = cds_lfht_add_unique(a->ht, h, key_match, &k, &n->ln);
		if (ln != &n->ln) {
			/* another worker added it first */
			free(n);
			n = caa_container_of(ln, struct node, ln);
		} else {
			__atomic_fetch_add(&a->nnodes, 1, __ATOMIC_RELAXED);
		}
	}
	s = n->slot[w->idx];
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (s && !(s->h = hist_new_lazy(a->tmpl))) {
			free(s);
			s = NULL;
		}
		if (s)
			__atomic_store_n(&n->slot[w->idx], s, __ATOMIC_RELEASE);
	}
	urcu_memb_read_unlock();
	trace_thread_leave();
	/* nodes and slots live until trace_agg_free: the pointer may be kept */
	return s;
}

static struct cache_ent *cache_get(struct trace_worker *w, uint16_t bench, uint32_t vector)
{
	struct cache_ent *e = &w->cache[(key_hash(bench, vector, 0xff) >> 7) & (CACHE_SIZE - 1)];

	if (!e->used || e->vector != vector || e->bench != bench) {
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->vector = vector;
		e->bench = bench;
	}
	return e;
}

static struct slot *cached_slot(struct trace_worker *w, struct cache_ent *e, int kind)
{
	if (!e->s[kind])
		e->s[kind] = slot_get(w, e->bench, e->vector, (uint8_t)kind);
	return e->s[kind];
}

static void record(struct trace_worker *w, struct slot *s, uint64_t v)
{
	if (!s)
		return;
	if (v > (uint64_t)INT64_MAX || hist_record(s->h, (int64_t)v)) {
		BUMP(w->c.out_of_range, 1);
		return;
	}
	BUMP(s->sum, v);
}

/*
 * asm/kvm_asm.h: RESUME_GUEST 0 (the lightweight loop), RESUME_GUEST_NV 1 (RESUME_FLAG_NV:
 * the heavyweight one), RESUME_HOST 2 and RESUME_HOST_NV 3 (RESUME_FLAG_HOST), < 0 an error
 */
static int resume_index(int32_t r)
{
	return r < 0 ? 3 : (r & 2) ? 2 : (r & 1) ? 1 : 0;
}

void trace_on_timing(struct trace_worker *w, struct trace_cpu *c, const struct trace_timing *t)
{
	struct cache_ent *e = cache_get(w, c->bench, t->exit_nr);
	struct slot *rt = cached_slot(w, e, TRACE_K_ROUND_TRIP);
	uint64_t sum = 0;

	BUMP(w->c.timing, 1);
	if (rt) {
		BUMP(rt->events, 1);
		BUMP(rt->resume[resume_index(t->resume)], 1);
	}
	if (t->flags & TRACE_FL_OUT_OF_ORDER) {
		BUMP(w->c.out_of_order, 1);
		if (rt)
			BUMP(rt->out_of_order, 1);
		return;
	}
	for (int k = 0; k < TRACE_NPHASES; k++) {
		sum += t->phase[k];
		/* vcpu_run is timed only when the round trip began at KVM_RUN, trace only after */
		if ((k == TRACE_K_VCPU_RUN && t->entry != -1) || (k == TRACE_K_TRACE && t->entry == -1))
			continue;
		record(w, cached_slot(w, e, k), t->phase[k]);
	}
	record(w, rt, sum);
}

void trace_on_exit(struct trace_worker *w, struct trace_cpu *c, int pid, uint64_t ts, uint32_t exit_nr)
{
	struct cache_ent *e = cache_get(w, c->bench, exit_nr);
	struct slot *s = cached_slot(w, e, TRACE_K_EXIT_REENTER);
	int free_i = -1, old_i = 0;

	BUMP(w->c.exits, 1);
	if (s)
		BUMP(s->events, 1);
	for (int i = 0; i < TRACE_PENDING; i++) {
		if (c->pending[i].pid == pid && c->pending[i].seq) {
			/* the previous exit of this task never reentered */
			BUMP(w->c.unpaired_exits, 1);
			free_i = i;
			break;
		}
		if (!c->pending[i].seq && free_i < 0)
			free_i = i;
		if (c->pending[i].seq < c->pending[old_i].seq)
			old_i = i;
	}
	if (free_i < 0) {
		BUMP(w->c.unpaired_exits, 1);
		free_i = old_i;
	}
	c->pending[free_i].pid = pid;
	c->pending[free_i].bench = c->bench;
	c->pending[free_i].vector = exit_nr;
	c->pending[free_i].ts = ts;
	c->pending[free_i].seq = ++c->seq;
}

void trace_on_reenter(struct trace_worker *w, struct trace_cpu *c, int pid, uint64_t ts, int r)
{
	BUMP(w->c.reenters, 1);
	for (int i = 0; i < TRACE_PENDING; i++) {
		struct cache_ent *e;
		struct slot *s;

		if (!c->pending[i].seq || c->pending[i].pid != pid)
			continue;
		c->pending[i].seq = 0;
		if (ts < c->pending[i].ts) {
			BUMP(w->c.unpaired_reenters, 1);
			return;
		}
		e = cache_get(w, c->pending[i].bench, c->pending[i].vector);
		s = cached_slot(w, e, TRACE_K_EXIT_REENTER);
		record(w, s, ts - c->pending[i].ts);
		if (s)
			BUMP(s->resume[resume_index(r)], 1);
		BUMP(w->c.paired, 1);
		return;
	}
	BUMP(w->c.unpaired_reenters, 1);
}

/* the next space-separated word of [*p, end) into out (truncated), 0 when none */
static size_t next_word(const char **p, const char *end, char *out, size_t outlen)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\0') {
		if (n + 1 < outlen)
			out[n] = *s;
		n++;
		s++;
	}
	if (outlen)
		out[n < outlen ? n : outlen - 1] = '\0';
	*p = s;
	return n;
}

static int printable(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

void trace_on_marker(struct trace_worker *w, struct trace_cpu *c, const char *text, size_t len)
{
	static const char prefix[] = "exitbench:";
	const char *p = text, *end = text + len;
	char what[16], bench[sizeof("bench=") - 1 + EB_NAME_LEN], rep[32];
	size_t nb;
	int begin, id;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < sizeof(prefix) - 1 || memcmp(p, prefix, sizeof(prefix) - 1))
		return;	/* not ours */
	p += sizeof(prefix) - 1;
	next_word(&p, end, what, sizeof(what));
	nb = next_word(&p, end, bench, sizeof(bench));
	next_word(&p, end, rep, sizeof(rep));
	begin = !strcmp(what, "begin");
	if ((!begin && strcmp(what, "end")) || strncmp(bench, "bench=", 6) || nb <= 6 ||
	    nb - 6 >= EB_NAME_LEN || !printable(bench + 6) || strncmp(rep, "rep=", 4)) {
		BUMP(w->c.bad_markers, 1);
		return;
	}
	BUMP(w->c.markers, 1);
	id = bench_id(w->a, bench + 6, !begin);
	if (begin) {
		if (c->bench)
			BUMP(w->c.unmatched_markers, 1);
		c->bench = (uint16_t)id;
		BUMP(w->reps[id], 1);
	} else {
		if (id < 0 || c->bench != id)
			BUMP(w->c.unmatched_markers, 1);
		c->bench = 0;
	}
}

/* ---- counts and summaries ---- */

static void counts_add(struct trace_counts *d, const struct trace_counts *s)
{
	const uint64_t *sv = (const uint64_t *)s;
	uint64_t *dv = (uint64_t *)d;

	for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		dv[i] += __atomic_load_n(&sv[i], __ATOMIC_RELAXED);
}

void trace_agg_counts(struct trace_agg *a, struct trace_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < a->nworkers; i++) {
		struct trace_worker *w = __atomic_load_n(&a->workers[i], __ATOMIC_ACQUIRE);

		if (w)
			counts_add(out, &w->c);
	}
}

static int node_cmp(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;

	if (a->bench != b->bench)
		return a->bench < b->bench ? -1 : 1;
	if (a->vector != b->vector)
		return a->vector < b->vector ? -1 : 1;
	return (a->kind > b->kind) - (a->kind < b->kind);
}

/*
 * The counts index of v in a histogram of the table's layout: hist.c's counts_index_for(),
 * from the layout fields hist.h documents (test_trace checks it against hist_record()).
 */
static int32_t layout_index(const struct hist *h, int64_t v)
{
	int pow2ceiling = 64 - __builtin_clzll((uint64_t)(v | h->sub_bucket_mask));
	int bi = pow2ceiling - h->unit_magnitude - (h->sub_bucket_half_count_magnitude + 1);
	int32_t sbi = (int32_t)(v >> (bi + h->unit_magnitude));

	return ((bi + 1) << h->sub_bucket_half_count_magnitude) + (sbi - h->sub_bucket_half_count);
}

int32_t trace_hist_index(const struct hist *h, int64_t v)
{
	return layout_index(h, v);
}

/*
 * dst += src, two histograms of the table's layout: their counts add index by index, over
 * src's [min, max] only. hist_merge() gives the same (it re-records each sub-bucket by value)
 * but walks all 32 Ki counts, which made summaries the slowest part of a small trace.
 */
static void hist_add(struct hist *dst, const struct hist *src)
{
	int64_t total = __atomic_load_n(&src->total, __ATOMIC_RELAXED);
	int64_t lo = __atomic_load_n(&src->min, __ATOMIC_RELAXED);
	int64_t hi = __atomic_load_n(&src->max, __ATOMIC_RELAXED);
	int32_t a, b;

	dst->out_of_range += __atomic_load_n(&src->out_of_range, __ATOMIC_RELAXED);
	if (total <= 0 || lo > hi || lo < 0 || hi > src->highest)
		return;
	a = layout_index(src, lo);
	b = layout_index(src, hi);
	if (a < 0 || b >= src->counts_len || a > b)
		return;
	for (int32_t i = a; i <= b; i++) {
		int64_t n = __atomic_load_n(&src->counts[i], __ATOMIC_RELAXED);

		dst->counts[i] += n;
		dst->total += n;
	}
	if (lo < dst->min)
		dst->min = lo;
	if (hi > dst->max)
		dst->max = hi;
}

/*
 * h back to the template's empty state, zeroing only the counts its values touched (a
 * hist_reset() clears all 256 KiB of them, and faults every page of a lazy histogram in).
 */
static void hist_clear(struct hist *h, const struct hist *tmpl)
{
	int64_t *counts = h->counts;

	if (h->total > 0 && h->min <= h->max && h->min >= 0 && h->max <= h->highest) {
		int32_t a = layout_index(h, h->min), b = layout_index(h, h->max);

		if (a >= 0 && b < h->counts_len && a <= b)
			memset(counts + a, 0, (size_t)(b - a + 1) * sizeof(*counts));
	}
	*h = *tmpl;
	h->counts = counts;
}

/*
 * n's slots: their sums and counts added up, and the histogram of their values: the one
 * slot's own when there is one (no copy), else h with all of them merged in.
 */
static const struct hist *node_merge(const struct trace_agg *a, const struct node *n, struct hist *h,
				     uint64_t *sum, uint64_t *events, uint64_t *ooo, uint64_t resume[4])
{
	const struct slot *only = NULL;
	int nslots = 0;

	*sum = *events = *ooo = 0;
	for (int r = 0; r < 4; r++)
		resume[r] = 0;
	for (unsigned i = 0; i < a->nworkers; i++) {
		const struct slot *s = __atomic_load_n(&n->slot[i], __ATOMIC_ACQUIRE);

		if (!s)
			continue;
		only = s;
		nslots++;
		*sum += PEEK(s->sum);
		*events += PEEK(s->events);
		*ooo += PEEK(s->out_of_order);
		for (int r = 0; r < 4; r++)
			resume[r] += PEEK(s->resume[r]);
	}
	if (nslots == 1)
		return only->h;
	hist_clear(h, a->tmpl);
	for (unsigned i = 0; i < a->nworkers; i++) {
		const struct slot *s = __atomic_load_n(&n->slot[i], __ATOMIC_ACQUIRE);

		if (s)
			hist_add(h, s->h);
	}
	return h;
}

/*
 * count, median, p5, p95, p99, min, max in one pass over the sub-buckets, by
 * hist_value_at_percentile()'s rule (hist.h): the highest value equivalent to the first
 * sub-bucket whose cumulative count reaches max(1, round(p/100 * total)), within [min, max].
 */
static void stat_of(const struct hist *h, uint64_t sum, struct trace_stat *st)
{
	static const double ps[4] = { 50, 5, 95, 99 };
	int64_t *out[4] = { &st->median, &st->p5, &st->p95, &st->p99 };
	int64_t total = hist_total_count(h), want[4];
	struct hist_iter it;
	int left = 4;

	memset(st, 0, sizeof(*st));
	st->count = (uint64_t)total;
	st->sum = sum;
	st->min = hist_min(h);
	st->max = hist_max(h);
	if (!total)
		return;
	for (int i = 0; i < 4; i++) {
		want[i] = (int64_t)(ps[i] / 100 * (double)total + 0.5);
		if (want[i] < 1)
			want[i] = 1;
	}
	hist_iter_init(&it, h);
	while (left && hist_iter_next(&it))
		for (int i = 0; i < 4; i++) {
			if (want[i] <= 0 || it.cumulative < want[i])
				continue;
			*out[i] = it.to < st->min ? st->min : it.to > st->max ? st->max : it.to;
			want[i] = 0;
			left--;
		}
	for (int i = 0; i < 4; i++)
		if (want[i] > 0)	/* counts changing under a live reader */
			*out[i] = st->max;
}

static int reason_cmp(const void *x, const void *y)
{
	const struct trace_reason *a = x, *b = y;

	if (a->share != b->share)
		return a->share > b->share ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return (a->vector > b->vector) - (a->vector < b->vector);
}

/* the table's nodes, sorted; NULL (and *n 0) when empty or on ENOMEM */
static struct node **collect_nodes(struct trace_agg *a, size_t *count, int *enomem)
{
	struct node **v = NULL, **nv;
	size_t n = 0, cap = 0;
	struct cds_lfht_iter it;
	struct cds_lfht_node *ln;

	*enomem = 0;
	trace_thread_enter();
	urcu_memb_read_lock();
	cds_lfht_first(a->ht, &it);
	while ((ln = cds_lfht_iter_get_node(&it))) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				*enomem = 1;
				break;
			}
			v = nv;
		}
		v[n++] = caa_container_of(ln, struct node, ln);
		cds_lfht_next(a->ht, &it);
	}
	urcu_memb_read_unlock();
	trace_thread_leave();
	if (*enomem) {
		free(v);
		return NULL;
	}
	if (n)
		qsort(v, n, sizeof(*v), node_cmp);
	*count = n;
	return v;
}

static int summarize(struct trace_agg *a, struct trace_summary *s, int top_only)
{
	struct hist *h = NULL, *bh[TRACE_NKINDS] = { 0 };
	uint64_t bsum[TRACE_NKINDS], reps[TRACE_MAX_BENCH] = { 0 };
	int bused[TRACE_NKINDS] = { 0 };
	struct node **nodes;
	size_t nn = 0, i = 0;
	unsigned nnames;
	int enomem, ret = -ENOMEM;

	memset(s, 0, sizeof(*s));
	trace_agg_counts(a, &s->c);
	nnames = __atomic_load_n(&a->nnames, __ATOMIC_ACQUIRE);
	for (unsigned wi = 0; wi < a->nworkers; wi++) {
		struct trace_worker *w = __atomic_load_n(&a->workers[wi], __ATOMIC_ACQUIRE);

		for (int b = 0; w && b < TRACE_MAX_BENCH; b++)
			reps[b] += PEEK(w->reps[b]);
	}
	nodes = collect_nodes(a, &nn, &enomem);
	if (enomem)
		return -ENOMEM;
	if (!(h = hist_new_lazy(a->tmpl)))
		goto out;
	for (int k = 0; k < TRACE_NKINDS; k++)
		if (!(bh[k] = hist_new_lazy(a->tmpl)))
			goto out;
	/* one benchmark at a time, in id order, "(none)" (id 0) after the others */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned b = pass ? 0 : 1; pass ? b < 1 : b < TRACE_MAX_BENCH; b++) {
			struct trace_bench *tb, *nb;
			size_t first, cap = 0;
			int any_rt = 0;

			if (b >= nnames && b != TRACE_MAX_BENCH - 1 && b != 0)
				continue;
			for (i = 0; i < nn && nodes[i]->bench != b; i++)
				;
			first = i;
			if (first == nn && !reps[b])
				continue;
			nb = realloc(s->b, (s->n + 1) * sizeof(*s->b));
			if (!nb)
				goto out;
			s->b = nb;
			tb = &s->b[s->n++];
			memset(tb, 0, sizeof(*tb));
			snprintf(tb->name, sizeof(tb->name), "%s", a->names[b]);
			tb->reps = reps[b];
			for (int k = 0; k < TRACE_NKINDS; k++) {
				if (bused[k])
					hist_clear(bh[k], a->tmpl);
				bused[k] = 0;
				bsum[k] = 0;
			}
			/* instrumented when any of its exits has a round trip event */
			for (i = first; i < nn && nodes[i]->bench == b; i++) {
				uint64_t ev = 0;

				if (nodes[i]->kind != TRACE_K_ROUND_TRIP)
					continue;
				for (unsigned wi = 0; wi < a->nworkers; wi++) {
					const struct slot *sl = __atomic_load_n(&nodes[i]->slot[wi], __ATOMIC_ACQUIRE);

					ev += sl ? PEEK(sl->events) : 0;
				}
				any_rt |= ev > 0;
			}
			tb->kind = any_rt ? TRACE_K_ROUND_TRIP : TRACE_K_EXIT_REENTER;
			for (i = first; i < nn && nodes[i]->bench == b;) {
				struct trace_reason r = { .vector = nodes[i]->vector, .kind = tb->kind };
				uint32_t v = nodes[i]->vector;

				const char *label = trace_exit_label(v, r.name, sizeof(r.name));

				if (label != r.name)
					snprintf(r.name, sizeof(r.name), "%s", label);
				for (; i < nn && nodes[i]->bench == b && nodes[i]->vector == v; i++) {
					int k = nodes[i]->kind;
					uint64_t sum, events, ooo, resume[4];

					if (top_only && k != TRACE_K_ROUND_TRIP && k != TRACE_K_EXIT_REENTER)
						continue;
					const struct hist *nh = node_merge(a, nodes[i], h, &sum, &events, &ooo, resume);

					stat_of(nh, sum, &r.phase[k]);
					if (k == tb->kind && !top_only && nh->total > 0 && !r.hist) {
						if (!(r.hist = hist_new_lazy(a->tmpl)))
							goto out;
						hist_add(r.hist, nh);
					}
					hist_add(bh[k], nh);
					bused[k] = 1;
					bsum[k] += sum;
					if (k == tb->kind) {
						tb->events += events;
						r.count = events;
						r.out_of_order = ooo;
						memcpy(r.resume, resume, sizeof(r.resume));
					}
				}
				if (!r.count) {
					hist_free(r.hist);
					continue;
				}
				r.stat = r.phase[r.kind];
				if (tb->nreasons == cap) {
					struct trace_reason *nr;

					cap = cap ? 2 * cap : 8;
					nr = realloc(tb->reasons, cap * sizeof(*nr));
					if (!nr) {
						hist_free(r.hist);
						goto out;
					}
					tb->reasons = nr;
				}
				tb->reasons[tb->nreasons++] = r;
			}
			for (int k = 0; k < TRACE_NKINDS; k++) {
				stat_of(bh[k], bsum[k], &tb->phase[k]);
				/* a copy for the phases' "histogram" (only the pages it uses) */
				if (!top_only && bh[k]->total > 0) {
					if (!(tb->hist[k] = hist_new_lazy(a->tmpl)))
						goto out;
					hist_add(tb->hist[k], bh[k]);
				}
			}
			for (size_t j = 0; j < tb->nreasons; j++)
				tb->reasons[j].share = bsum[tb->kind] ?
					(double)tb->reasons[j].stat.sum / (double)bsum[tb->kind] : 0;
			if (tb->nreasons)
				qsort(tb->reasons, tb->nreasons, sizeof(*tb->reasons), reason_cmp);
			if (!tb->events && !tb->reps) {
				for (size_t j = 0; j < tb->nreasons; j++)
					hist_free(tb->reasons[j].hist);
				free(tb->reasons);
				for (int k = 0; k < TRACE_NKINDS; k++)
					hist_free(tb->hist[k]);
				s->n--;
			}
		}
	}
	ret = 0;
out:
	hist_free(h);
	for (int k = 0; k < TRACE_NKINDS; k++)
		hist_free(bh[k]);
	free(nodes);
	if (ret)
		trace_summary_free(s);
	return ret;
}

int trace_summarize(struct trace_agg *a, struct trace_summary *s)
{
	return summarize(a, s, 0);
}

int trace_summarize_top(struct trace_agg *a, struct trace_summary *s)
{
	return summarize(a, s, 1);
}

void trace_summary_free(struct trace_summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->b[i].nreasons; j++)
			hist_free(s->b[i].reasons[j].hist);
		free(s->b[i].reasons);
		for (int k = 0; k < TRACE_NKINDS; k++)
			hist_free(s->b[i].hist[k]);
	}
	free(s->b);
	memset(s, 0, sizeof(*s));
}

const struct trace_bench *trace_summary_find(const struct trace_summary *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->b[i].name, name))
			return &s->b[i];
	return NULL;
}
