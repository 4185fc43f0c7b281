/* SPDX-License-Identifier: MIT */
/*
 * Raw run records (docs/design.md, "Raw records"): one JSON object per line, each line
 * complete and flushed before the next is started, so a truncated file loses only its last
 * line. The writer of the format: the runner composes its records with rec_write_*, the
 * unit tests with the same calls; analysis/collect.c is the reader. Portable C.
 */
#ifndef EB_RECORD_H
#define EB_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exits.h"

/*
 * The format the env record declares (record_format), which a reader must know: 2 added the
 * PMU counts (bench: pmu events, rep: pmu), pinned_cpu and trace_markers; a reader of 2
 * reads 1 (2 only added fields). 3 added the Linux guest (bench: guest, guest_kernel; rep:
 * exits base and slack, guest_slb_valid): a reader of 2 would judge its exits wrong. Raise
 * it when a record changes in a way a reader of the previous format would misread, and
 * teach collect.c the new one.
 */
#define EB_RECORD_FORMAT 3
#define EB_RECORD_FORMAT_OLDEST 1

struct rec {
	FILE *f;
	int sync;	/* fsync after each record (a regular file, a disk) */
	int nfields;
	int depth;
	/* tags written into every record after its type (module variant and round of a
	 * comparison), when set */
	const char *variant;
	uint64_t round;
};

void rec_open(struct rec *r, FILE *f);
/* start a record: {"type":..., then the tags (variant, round) when set */
void rec_begin(struct rec *r, const char *type);
void rec_str(struct rec *r, const char *key, const char *val);
void rec_u64(struct rec *r, const char *key, uint64_t val);
void rec_f64(struct rec *r, const char *key, double val);
void rec_bool(struct rec *r, const char *key, int val);
void rec_u64_array(struct rec *r, const char *key, const uint64_t *v, size_t n);
void rec_obj_begin(struct rec *r, const char *key);
/* close an object: a field's (rec_obj_begin) or an array element's (rec_item_begin) */
void rec_obj_end(struct rec *r);
/* "key":[ ... ] of objects, each opened by rec_item_begin and closed by rec_obj_end */
void rec_arr_begin(struct rec *r, const char *key);
void rec_arr_end(struct rec *r);
void rec_item_begin(struct rec *r);
/* end the record: newline, flush (and fsync); -errno if the write failed */
int rec_end(struct rec *r);

/*
 * The records of a run, in the order a runner writes them: "env" first (it declares the
 * format), then per benchmark "bench", its "rep"s and maybe a "skip" or "error", and "end".
 * Each returns rec_end()'s result. A NULL string is a field left out.
 */
struct rec_env {
	const char *runner;		/* "exitbench-run 0.1" */
	const char *suite;		/* the suite file's path */
	const char *kernel_release, *kernel_version, *machine;	/* uname; NULL: unknown */
	const char *cpu, *cpu_revision, *platform, *model, *mmu;	/* /proc/cpuinfo */
	uint64_t tb_hz;
	uint64_t online_cpus;
	int kvm_api_version;		/* < 0: unknown */
	int pinned_cpu;			/* < 0: not pinned ("none") */
	const char *trace_markers;	/* "on: path" or "off: why" */
	int pmu_counting;		/* 1: the PMU counts the repetitions; 0: --pmu off */
	const char *pmu_library;	/* what names the events, or "off: why" */
	const char *pmu_rotation;	/* how repetitions share the PMU; NULL without one */
};
int rec_write_env(struct rec *r, const struct rec_env *e);

/* a hardware event as the bench record declares it */
struct rec_pmu_event {
	const char *event, *mode, *status, *encoding;	/* encoding NULL or "": not said */
};
struct rec_bench {
	const char *name, *what, *exit_kind;	/* exit_kind: eb_exit_kind_name() */
	uint32_t claimed_exits_per_iteration;
	uint64_t iterations, warmup;
	uint32_t batches, repetitions, timeout_s;
	uint32_t vcpu_pvr;
	size_t npmu;			/* 0: no PMU counts this run */
	const struct rec_pmu_event *pmu;
	const char *exit_timing_stats;	/* NULL: not said; "on", or "off: why" */
	const char *file;		/* the benchmark's file, when name has parameters */
	uint32_t nparams;		/* its parameters, all of them (defaults too) */
	const char *const *param_names;
	const uint64_t *param_values;
	const char *guest;		/* NULL: the bare guest kernel; "linux": the Linux guest */
	const char *guest_kernel;	/* the Linux guest's release */
};
int rec_write_bench(struct rec *r, const struct rec_bench *b);

/* one event's count over a repetition; error set (and the rest ignored) when it failed */
struct rec_pmu_count {
	const char *event, *error;
	uint64_t count, enabled_ns, running_ns;
};
/*
 * One phase's (or one exit reason's round trips') exit timing stats over a repetition (the
 * instrumented kvm-pr's binary stats): the sum of the durations and the histograms' counts,
 * differences of two readings.
 */
struct rec_timing_phase {
	const char *name;
	uint32_t vector;		/* an exit reason's (0: the others'); phases: unused */
	uint64_t sum;
	uint32_t nhist, nlog;
	const uint64_t *hist, *log;	/* one tick a bucket (the last: beyond); log2 buckets */
};
#define REC_SPARSE_MAX 4096	/* buckets a histogram may have (more are not written) */
struct rec_timing {
	uint64_t round_trips;		/* timed */
	uint32_t every;			/* one round trip in this many timed (0: not said) */
	size_t n, nexit;
	const struct rec_timing_phase *ph;
	const struct rec_timing_phase *ex;	/* per exit reason, the whole round trip */
};
struct rec_rep {
	const char *bench;
	uint32_t rep;			/* 0-based */
	uint64_t iterations, rep_ticks;
	uint32_t batches;
	const uint64_t *batch_ticks;	/* batches of them */
	struct eb_exits exits;		/* counter deltas over the repetition */
	uint32_t guest_slb_valid;	/* the Linux guest's valid SLB entries (0: not said) */
	const char *pmu_mode;		/* NULL: no PMU counts in this record */
	size_t ncounts;
	const struct rec_pmu_count *counts;
	const struct rec_timing *timing;	/* NULL: no exit timing stats */
};
int rec_write_rep(struct rec *r, const struct rec_rep *p);
/* type "skip" (not measurable here) or "error"; what: a one-word class ("hang", "kvm") */
int rec_write_problem(struct rec *r, const char *type, const char *bench, const char *what,
		      const char *reason);
int rec_write_end(struct rec *r, uint64_t benchmarks, uint64_t failed, uint64_t skipped);

#endif
