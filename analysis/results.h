/* SPDX-License-Identifier: MIT */
/*
 * results.json (docs/design.md, "results.json"): the model and the only code that knows the file.
 * The plain data of the other files exitbench writes (trace.json: struct res_trace_run,
 * compare.json: struct res_cmp) is here too, and results.c is the only code that knows
 * any of them as JSON.
 * Schema 3 (documented in README.md, "results.json"):
 *   schema_version, tool, run_id, environment{...}, benchmarks[...], net_exit_cost[...]
 * and per benchmark, optionally, pmu[...]: the hardware event counts (struct res_pmu), and
 * what `exitbench trace --results` adds: trace{...}, phases[...], exit_reasons[...]
 * (struct res_trace).
 */
#ifndef EB_RESULTS_H
#define EB_RESULTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <exitbench/mailbox.h>	/* EB_NAME_LEN */

#include "compare_seq.h"
#include "compare_stats.h"
#include "hist.h"
#include "stats.h"

/* 2 added run_rounds, variant and the histogram; 3 the benchmarks' pmu counts; 1 and 2 are
 * still read (without pmu) */
#define RES_SCHEMA_VERSION 3
#define RES_SCHEMA_OLDEST 1
/* the histogram holds thousandths of a tick per iteration (up to 10^7 ticks), 4 significant digits */
#define RES_HIST_SCALE 1000
#define RES_HIST_HIGHEST INT64_C(10000000000)
#define RES_HIST_SIGFIGS 4

enum res_status { RES_OK, RES_SKIPPED, RES_FAILED };

/* one hardware event's counts over a benchmark's repetitions (those that counted it) */
struct res_pmu {
	char event[48];			/* "PM_RUN_INST_CMPL", "instructions:k" ... */
	char status[200];		/* as declared: "ok" or "unsupported: why" */
	char encoding[128];		/* how the runner opened it */
	char problem[160];		/* the first repetition that did not count it, and why */
	size_t n;			/* repetitions that counted it */
	double *per_iter;		/* count / iterations, scaled when multiplexed; one a repetition */
	double *per_exit;		/* count / the repetition's exits (NaN when it had none) */
	double running_min;		/* least time_running / time_enabled of them (1: never multiplexed) */
};

/*
 * One set of figures of the trace: a phase of the round trip (or the whole of it), or the
 * time of an exit reason's exits, as `exitbench trace` summarized them.
 */
struct res_tstat {
	char name[32];			/* the phase ("guest", "round_trip"), or the exit reason */
	uint64_t count;			/* values timed (an exit reason: its exits, see timed) */
	double median, p5, p95, p99, min, max;	/* NaN: none (count 0) */
	uint64_t sum;			/* of the values timed, exact */
	char unit[32];			/* "timebase ticks", "ns", ... */
};

/*
 * One comparison round's figure of a phase or an exit reason: make compare traces each
 * round of each side into its own trace.dat (docs/design.md, "results.json").
 */
struct res_round {
	uint32_t round;
	uint64_t count;			/* values timed in that round */
	double figure;			/* their mean over the middle 80% (res_hist_figure) */
};

struct res_phase {
	struct res_tstat st;
	struct hist *hist;		/* its values (NULL: not kept), in units of 1 / hist_scale */
	int64_t hist_scale;
	size_t nround;			/* rounds merged (exitbench trace --round), by round */
	struct res_round *round;
};

/* what a trace timed an exit with */
enum res_timed {
	RES_TIMED_OTHER,		/* a source this exitbench does not know */
	RES_TIMED_ROUND_TRIP,		/* kvm_pr:kvm_pr_exit_timing: the whole round trip */
	RES_TIMED_EXIT_REENTER,		/* kvm_pr:kvm_exit -> kvm_book3s_reenter: the handler only */
};

/* The exits of one exit reason (vector) of a benchmark. */
struct res_reason {
	struct res_tstat st;		/* name: the kernel's name of the reason; count: its exits */
	uint64_t timed;			/* of them, timed (st's figures are over these) */
	uint32_t vector;
	double share;			/* of the benchmark's timed total, 0..1 */
	enum res_timed of;		/* what st is the time of */
	char of_name[32];		/* ... as the file says ("round_trip", "exit_to_reenter") */
	uint64_t resume[4];		/* RESUME_GUEST, RESUME_GUEST_NV, RESUME_HOST(_NV), errors */
	int has_out_of_order;		/* instrumented kernel: stamps out of order, and phases */
	uint64_t out_of_order;
	int has_phases;
	size_t nphase;
	struct res_phase *phase;	/* the phases of this reason's round trips (no histograms;
					   one round's only: dropped when rounds are merged) */
	struct hist *hist;		/* st's values (NULL: not kept), units of 1 / hist_scale */
	int64_t hist_scale;
	size_t nround;			/* as a phase's */
	struct res_round *round;
};

#define RES_RESUME_NAMES { "guest", "guest_nv", "host", "error" }

/* What `exitbench trace` found of a benchmark (each part absent from older files). */
struct res_trace {
	int has_source;			/* "trace": where from */
	char file[1024];		/* the trace.dat */
	uint64_t repetitions_marked;	/* begin markers seen */
	uint64_t exits;
	enum res_timed timed;		/* what the exits were timed by */
	char source[64];		/* ... as the file says */
	int has_phases;			/* "phases": in path order, then round_trip / exit_to_reenter */
	size_t nphase;
	struct res_phase *phase;
	int has_reasons;		/* "exit_reasons": by share of time, largest first */
	size_t nreason;
	struct res_reason *reason;
};

struct res_bench {
	char name[EB_NAME_LEN];		/* the suite's word: file[:param=value,...] */
	char file[EB_NAME_LEN];		/* the benchmark's file, when name has parameters */
	uint32_t nparams;		/* the values it ran with (the defaults too) */
	char param_names[EB_MAX_PARAMS][EB_PARAM_NAME_LEN];
	uint64_t param_values[EB_MAX_PARAMS];
	char what[160];
	char exit_kind[32];
	char guest[16];			/* "": the bare guest kernel; "linux": the Linux guest */
	char guest_kernel[64];		/* the Linux guest's release */
	uint32_t guest_slb_valid;	/* its valid SLB entries at the loop's end (most of any rep) */
	enum res_status status;
	char reason[512];		/* why skipped or failed */
	uint64_t iterations;		/* per repetition */
	uint64_t batches;		/* per repetition */
	uint64_t repetitions;		/* asked for */
	uint32_t claimed_exits_per_iteration;
	double exits_per_iteration;	/* measured, over all repetitions taken */
	uint64_t background_exits;	/* host timer/interrupt exits during the repetitions */
	int exits_ok;			/* every repetition exited as claimed */
	char exits_note[256];		/* first mismatch */
	size_t nruns;
	double *runs;			/* ticks per iteration, one a repetition */
	uint32_t *run_rounds;		/* the comparison round of each run (0: none), nruns of them */
	double attributed_exits;	/* exits the benchmark made, over all repetitions taken */
	double attributed_iterations;	/* iterations of those repetitions */
	size_t nbatch;
	double *batch;			/* ticks per iteration, one a batch, all repetitions */
	struct hist *hist;		/* per-batch ticks per iteration, in RES_HIST_SCALE units */
	struct stats_summary runs_sum;	/* derived on load/collect */
	struct stats_summary batch_sum;
	size_t npmu;
	struct res_pmu *pmu;		/* hardware event counts, in the runner's order */
	struct res_trace trace;		/* phases and exit reasons from a trace (exitbench trace) */
};

/*
 * A benchmark's "file" and "params" ({"segments": 8}) from a record or results.json entry
 * o into b; absent, none. -EINVAL with *why: not a string, not an object of whole numbers,
 * too many or too long.
 */
struct json_t;
int res_take_params(struct res_bench *b, const struct json_t *o, const char **why);

/* trace.json: what `exitbench trace -o` writes of a whole trace */
struct res_trace_counts {
	uint64_t kvm_pr_exit_timing, out_of_order, kvm_exit, kvm_book3s_reenter, paired;
	uint64_t unpaired_exits, unpaired_reenters, markers, bad_markers, unmatched_markers;
	uint64_t short_records, out_of_range;
};

struct res_trace_bench {
	char name[EB_NAME_LEN];
	struct res_trace t;		/* its source, phases and exit reasons (no file) */
};

struct res_trace_run {
	char trace_file[1024];
	int cpus, cpus_with_data, reader_threads;
	char trace_clock[32];
	char exit_to_reenter_unit[32];
	uint64_t events_read, events_lost, lost_pages_uncounted;
	double elapsed_s;
	size_t n;
	struct res_trace_bench *b;	/* in the trace's order */
	struct res_trace_counts counts;
};

/* A value of the environment as plain data: what a JSON value holds. */
enum res_vtype { RES_V_NULL, RES_V_BOOL, RES_V_INT, RES_V_REAL, RES_V_STR, RES_V_ARRAY, RES_V_OBJECT };

struct res_val {
	enum res_vtype type;
	int b;				/* RES_V_BOOL */
	int64_t i;			/* RES_V_INT */
	double d;			/* RES_V_REAL */
	char *s;			/* RES_V_STR */
	size_t n;			/* RES_V_ARRAY, RES_V_OBJECT: its members */
	struct res_val *v;		/* ... their values */
	char **k;			/* RES_V_OBJECT: their keys, in file order */
};

struct results {
	char run_id[64];
	char variant[64];		/* the comparison side these results are of ("" for none) */
	struct res_val env;		/* the environment: an object, members in file order (owned) */
	double tb_hz;			/* from env, for ns */
	size_t n;
	struct res_bench *b;
};

/* Empty results (env an empty object). */
void res_init(struct results *r);
void res_free(struct results *r);
/* Append a benchmark (zeroed, name set); NULL on allocation failure. */
struct res_bench *res_add(struct results *r, const char *name);
struct res_bench *res_find(struct results *r, const char *name);
/* Append to a benchmark's per-run or per-batch values; -ENOMEM on failure. */
int res_push_run(struct res_bench *b, double ticks_per_iter);
/* ... and the comparison round it belongs to (0 for none) */
int res_push_run_round(struct res_bench *b, double ticks_per_iter, uint32_t round);
/* Number of distinct rounds among b's runs (1 when untagged). */
size_t res_rounds(const struct res_bench *b);
/*
 * The samples of a comparison, one per unit of replication: per run, or per round (the
 * mean of the round's runs) when the runs carry rounds (one module load or boot each).
 * stat: what a run's value is (enum res_stat: its mean, or the median or the fastest of its
 * batches; a round's, with RES_STAT_MIN, the fastest of its runs'). *v is malloc'ed.
 */
enum res_stat { RES_STAT_MEAN, RES_STAT_MEDIAN, RES_STAT_MIN };
/*
 * 1 when r's timebase counts instructions (-icount shift=0): the emulated host's
 * instruction-count mode, or a "native" host that is itself emulated so (make native-check),
 * whatever r's mode says. Its figures are exact: a run's is its median batch (RES_STAT_MEDIAN,
 * the mean carrying the host's timer interrupts that land in a few batches); elsewhere its
 * mean. The one rule every reader of a figure (compare, the history, its confirmations, the
 * report) follows.
 */
int res_icount(const struct results *r);
/*
 * The architecture of r's host: "ppc64" (64-bit Book3S, the default of results that do not
 * say) or "ppc32" (32-bit Book3S, book3s_32 PR). Figures of two never compare.
 */
const char *res_arch(const struct results *r);
static inline int res_auto_stat(const struct results *r)
{
	return res_icount(r) ? RES_STAT_MEDIAN : RES_STAT_MEAN;
}
int res_samples(const struct res_bench *b, int stat, double **v, size_t *n);
/*
 * A benchmark's figure, as a night of the history and a bisection step take it: its
 * samples (res_samples: per-run median batches when r is of instruction-count mode, exact
 * there, per-run means otherwise) summarized into s (the figure is s->median). The samples
 * into *v (malloc'ed, *n of them) when v is not NULL. -EINVAL when b was not measured.
 */
int res_figure(const struct results *r, const struct res_bench *b, struct stats_summary *s,
	       double **v, size_t *n);
int res_push_batch(struct res_bench *b, double ticks_per_iter);
/* Recompute summaries from runs and batch values (and the histogram, if none was read). */
void res_derive(struct results *r);
/* The member key of the object obj; NULL when absent (or obj is no object). */
const struct res_val *res_val_get(const struct res_val *obj, const char *key);
/* v's string, or absent when v is NULL or no string. */
const char *res_val_str(const struct res_val *v, const char *absent);
/* v's number (whole or not) into *x: 0, or -EINVAL when v is NULL or no number. */
int res_val_num(const struct res_val *v, double *x);
/* v's truth: 1 true, 0 false, -1 when v is NULL or no boolean. */
int res_val_bool(const struct res_val *v);
/* v as compact JSON text ("512000000", "{\"side\": \"base\", ...}"), malloc'ed; NULL on ENOMEM. */
char *res_val_text(const struct res_val *v);

/* The environment's member key (NULL when absent), and the same typed. */
const struct res_val *res_env(const struct results *r, const char *key);
const char *res_env_str(const struct results *r, const char *key, const char *absent);
int res_env_num(const struct results *r, const char *key, double *x);
int res_env_bool(const struct results *r, const char *key);
/*
 * Set the environment's member key to a copy of v: in its place when it is there, else
 * last. -ENOMEM. The typed ones make v; _json parses v from JSON text (-EINVAL when it is not).
 */
int res_env_set(struct results *r, const char *key, const struct res_val *v);
int res_env_set_str(struct results *r, const char *key, const char *s);
int res_env_set_int(struct results *r, const char *key, int64_t i);
int res_env_set_real(struct results *r, const char *key, double d);
int res_env_set_bool(struct results *r, const char *key, int b);
int res_env_set_json(struct results *r, const char *key, const char *text);
/*
 * Every member of the JSON object in the file at path into r's environment (as
 * res_env_set, in the file's order). -EINVAL (unreadable, not JSON, not an object) or
 * -ENOMEM, with one line in err.
 */
int res_env_load(struct results *r, const char *path, char *err, size_t errlen);
/* Ticks to ns with the run's timebase (NaN when unknown). */
double res_ns(const struct results *r, double ticks);
/*
 * The null loop b's figures are taken against, if present and measured, else NULL: the
 * Linux guest's own (linux-null) for its benchmarks, "null" for the bare guest's (and for
 * b NULL).
 */
const struct res_bench *res_baseline(const struct results *r, const struct res_bench *b);
/*
 * Net cost of one exit of b: its per-run mean minus the baseline's, per claimed exit, with
 * Welch's 95% interval. -1 when b has none (the baseline itself, not ok, no exits, < 2 runs).
 */
int res_net_cost(const struct res_bench *b, const struct res_bench *base, double *d, double *lo,
		 double *hi);
const char *res_status_name(enum res_status s);

/* b's event of that name, added (status "ok", no counts) when absent; NULL on ENOMEM. */
struct res_pmu *res_pmu_get(struct res_bench *b, const char *event);
/* One repetition's figures of an event; -ENOMEM on failure. */
int res_pmu_push(struct res_pmu *p, double per_iter, double per_exit, double running_fraction);
/* Median over the repetitions of per-iteration (or per-exit) figures; NaN when none. */
double res_pmu_median(const struct res_pmu *p, int per_exit);
/* What became of the event: its declared status, or "not counted: why" when it has no counts. */
void res_pmu_status(const struct res_pmu *p, char *buf, size_t len);
/*
 * Net count of one exit: b's median per iteration minus the baseline's of the same event,
 * per claimed exit. -1 when there is none (no baseline count, b claims no exits).
 */
int res_pmu_net_per_exit(const struct res_bench *b, const struct res_bench *base,
			 const struct res_pmu *p, double *net);

/* The names of a timing source in the files ("kvm_pr:kvm_pr_exit_timing" ...; "round_trip" ...). */
const char *res_timed_source(enum res_timed t);
const char *res_timed_kind(enum res_timed t);
/* Free what t holds and empty it. */
void res_trace_free(struct res_trace *t);
/*
 * The figure of a phase (or an exit reason) over many exits: the mean of the middle 80% of
 * its values, from its histogram h (values in 1 / scale units), or sum / count when there
 * is none. Plain means move by a tick or two with a few round trips a host interrupt
 * stretched, and a median of whole ticks flips where a phase straddles two; the trimmed
 * mean holds to a few hundredths of a tick and still moves when an instruction does.
 * NaN when nothing was timed.
 */
double res_hist_figure(const struct hist *h, int64_t scale, uint64_t count, uint64_t sum);
/* st's median, p5, p95, p99, min and max from h (values in 1 / scale units); none when h is empty. */
void res_tstat_from_hist(struct res_tstat *st, const struct hist *h, int64_t scale);
/* The figures of ph's rounds (or a reason's), ordered by round, into *v (malloc'ed). */
int res_round_figures(const struct res_round *r, size_t n, double **v, size_t *nv);
void res_trace_run_free(struct res_trace_run *t);
/* Write trace.json (atomically, as results.json). -errno on failure. */
int res_write_trace(const struct res_trace_run *t, const char *path);

/*
 * A histogram in the form results.json holds it ({"lowest", "highest",
 * "significant_digits", "total_count", "min", "max", "buckets": [[from, to, count], ...]}),
 * from n bytes of JSON text: every field checked against the layout. -EINVAL with a reason
 * in err, -ENOMEM. And back: compact JSON text, malloc'ed (NULL on ENOMEM).
 */
int res_hist_parse(const char *text, size_t n, struct hist **out, char *err, size_t errlen);
char *res_hist_text(const struct hist *h);

/*
 * compare.json: what was compared, how, and a row a benchmark. compare.c fills it; its
 * plain data lives here, with the other files' (compare.h includes this header, never
 * the other way round).
 *
 * What became of a row (its note says it to the reader):
 */
enum res_cmp_state {
	RES_CMP_NONE,			/* not compared yet */
	RES_CMP_DONE,			/* r holds the comparison */
	RES_CMP_NOT_MEASURED,		/* a side failed or was skipped (failed_b: B) */
	RES_CMP_NO_BATCHES,		/* per-run medians asked of results without batch values */
	RES_CMP_BAD_SAMPLES,		/* the statistics refused the samples: fewer than 2 a
					   side, no spread, too large */
};

/*
 * A phase of the round trip, or an exit reason, of a benchmark compared round by round
 * ("where it changed"): its samples are its figures of each round (struct res_round).
 */
struct res_cmp_part {
	char name[32];
	enum res_cmp_state state;	/* DONE, or BAD_SAMPLES (fewer than 2 rounds a side ...) */
	char note[160];
	struct cmp_result r;
	int moved;			/* a proven change (the interval excludes 0) */
	double insn_a, insn_b, insn_change;	/* instruction-count mode, a figure in timebase
					   ticks: the same in instructions (else NaN) */
	double share;			/* of the round trip's change an exit (NaN: not a phase of
					   it, or the round trip did not change) */
};

struct res_cmp_row {
	char name[EB_NAME_LEN];
	enum res_cmp_state state;
	int failed_b;			/* measured on A, failed or skipped on B */
	char note[512];
	struct cmp_result r;
	double p50_a, p50_b, p99_a, p99_b;	/* per-batch percentiles (results only) */
	/* where it changed: both sides traced round by round (results only) */
	char phase_unit[32];		/* of the phases ("timebase ticks") */
	double phase_confidence;	/* of each phase's interval (the family's, Bonferroni) */
	double reason_confidence;	/* ... each exit reason's */
	size_t nphase;			/* in path order, then round_trip (their sum) */
	struct res_cmp_part *phase;
	double rt_change;		/* the round trip's change an exit: r.diff over the claimed
					   exits an iteration (NaN: no exits) */
	double phases_sum;		/* the phases' changes added up (NaN: no phases) */
	double phase_band;		/* a phase's no-change band: +/- threshold of the round
					   trip an exit, in its unit (0: none) */
	int trace_moved;		/* the 'trace' phase (the instrumentation's own) moved */
	char where_note[200];		/* why there is no "where it changed" ("": none asked) */
	char reason_unit[32];
	size_t nreason;			/* exit reasons on both sides, by A's share of time */
	struct res_cmp_part *reason;
	/* compare --sequential: the rounds paired, judged by the confidence sequence */
	struct cseq_result seq;		/* seq.rounds 0: not judged (seq_note says why) */
	char seq_note[160];
};

struct res_cmp {
	char label_a[64], label_b[64];
	char file_a[1024], file_b[1024];
	char unit[64];
	char samples[128];		/* what one sample is */
	struct cmp_opts opts;
	int exit_status;		/* what exitbench compare exits with */
	const struct cseq_summary *seq;	/* compare --sequential (NULL: a fixed comparison) */
	size_t n;
	const struct res_cmp_row *rows;
};

/* Write compare.json (atomically; to stdout when path is NULL). -errno on failure. */
int res_write_compare(const struct res_cmp *c, const char *path);

/*
 * night.json (the nightly's record of one night, docs/design.md, "night.json"): the revision
 * measured, where, how its build went, and the results.json of its runs.
 */
#define RES_NIGHT_FORMAT 1
struct res_night {
	char tree[1024];	/* the kernel tree, as the nightly was given it */
	char ref[256];		/* the ref it followed ("" in a replay) */
	char commit[64];	/* full commit id ("run:<run id>" for runs outside a nightly) */
	char subject[512];
	int64_t commit_time;	/* committer date, seconds since the epoch (0: unknown) */
	double position;	/* order along the tree: commits from the root (or a date) */
	char host[256];
	char started[32];	/* ISO 8601 UTC */
	char build[16];		/* "ok", "failed" (no run), "partial" (stock only) */
	char build_note[512];	/* why not ok */
	char build_log[1024];	/* where the build's log is kept */
	size_t nruns;
	char **runs;		/* the runs' results.json, resolved against night.json's directory */
};
/* Read and check night.json; -EINVAL (with one line in err) or -ENOMEM. */
int res_read_night(const char *path, struct res_night *n, char *err, size_t errlen);
void res_night_free(struct res_night *n);

/* An alert of the nightly history, as `exitbench history alerts` gives it. */
struct res_alert {
	long long id;
	char benchmark[EB_NAME_LEN], mode[16], metric[40];
	char commit[64], subject[512];		/* the first commit with the change */
	char commit_before[64], commit_after[64];	/* the nights' commits: the range */
	char verdict[16];			/* the A/B comparison's */
	double change, change_pct, ci_lo, ci_hi, ci_pct_lo, ci_pct_hi;	/* ... and its figures */
	double before, after;			/* the nights' figures */
	char phase[32];				/* the phase that moved most ("" unknown) */
	double phase_change;
	char bisect[256], bisect_log[1024], comparison[1024];
	char state[16], created[32];		/* triage: new, ack, invalid, expected */
	char fingerprint[512];			/* where it was measured */
	long long fp, night_before, night_after;
};
/* The alerts as a JSON array on f; -errno (one line in err) on failure. */
int res_write_alerts(FILE *f, const struct res_alert *a, size_t n, char *err, size_t errlen);

/*
 * 1 when the file at path looks like a results.json (its first byte but blanks opens a JSON
 * object), 0 when not (a plain sample, say), -errno when it cannot be read.
 */
int res_looks_like(const char *path);
/* Write results.json (atomically: a temporary file renamed). -errno on failure. */
int res_write(const struct results *r, const char *path);
/* Read results.json; on failure -EINVAL etc. with a one-line reason in err. */
int res_read(const char *path, struct results *r, char *err, size_t errlen);

#endif
