/* SPDX-License-Identifier: MIT */
/*
 * trace: the collector of kernel trace events recorded inside the POWER host (a trace.dat of
 * trace-cmd, or the running system's tracefs) into per-benchmark, per-exit-reason, per-phase
 * latency histograms (docs/design.md, "Trace events": read with libtracecmd/libtraceevent only).
 *
 * Events (fields read by name, so any field layout of the same names works):
 *   kvm_pr:kvm_pr_exit_timing  the instrumented kernel (module/patches): one per guest round
 *                              trip, exit_nr, resume, entry, flags and ten phases in timebase
 *                              ticks, in path order
 *   kvm_pr:kvm_exit, kvm_pr:kvm_book3s_reenter
 *                              any kernel: paired per task, the time kvmppc_handle_exit_pr()
 *                              took from one to the other, in trace clock units
 *   ftrace:print               the runner's markers "exitbench: begin|end bench=NAME rep=R";
 *                              the events of a CPU between a begin and its end belong to NAME,
 *                              the others to "(none)"
 *
 * Aggregation: a lock-free hash table (liburcu's cds_lfht, urcu-memb flavour) keyed by
 * (benchmark, exit vector, phase); each node holds one histogram (hist.h) per worker (reader
 * thread), recorded into by that worker alone and merged when summarized, so recording takes
 * no lock and no atomic read-modify-write. Memory is fixed by the number of keys (capped),
 * never by the number of events.
 *
 * Threads: every thread that feeds a worker or reads the table calls trace_thread_enter()
 * first (RCU registration) and trace_thread_leave() when done. Library code: returns -errno
 * (with a one-line reason where the caller passes err) and prints nothing but what it is
 * asked to print.
 */
#ifndef EB_TRACE_H
#define EB_TRACE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <exitbench/mailbox.h>	/* EB_NAME_LEN */

#include "hist.h"
#include "results.h"

/* the phases of kvm_pr_exit_timing in path order, then two derived kinds */
enum trace_kind {
	TRACE_K_VCPU_RUN,	 /* kvmppc_vcpu_run_pr() to __kvmppc_vcpu_run (entry -1 only) */
	TRACE_K_TRACE,		 /* the previous round trip's trace event (entry != -1 only) */
	TRACE_K_LOOP_ENTRY,
	TRACE_K_COPY_TO_SVCPU,
	TRACE_K_TRAMPOLINE_ENTER,
	TRACE_K_GUEST,
	TRACE_K_REALMODE_EXIT,
	TRACE_K_COPY_FROM_SVCPU,
	TRACE_K_STORE_NVGPRS,
	TRACE_K_HANDLE_EXIT,
	TRACE_K_ROUND_TRIP,	 /* the sum of the ten: one whole round trip, ticks */
	TRACE_K_EXIT_REENTER,	 /* kvm_exit -> kvm_book3s_reenter of a task, trace clock units */
	TRACE_NKINDS
};
#define TRACE_NPHASES 10

#define TRACE_MAX_BENCH 256	/* distinct benchmark names; more are "(other)" */
#define TRACE_MAX_KEYS 2048	/* (benchmark, exit) pairs; more fold into vector TRACE_OTHER */
#define TRACE_MAX_CPUS 4096
#define TRACE_MAX_THREADS 64
#define TRACE_NONE "(none)"	/* events outside every begin/end pair */
#define TRACE_OTHER 0xffffffffu	/* the exit vector of everything past TRACE_MAX_KEYS */
#define TRACE_PENDING 16	/* kvm_exit events waiting for their reenter, per CPU */
/* histograms: 1 to 2^40 (ticks or ns) at 3 significant digits (0.1%) */
#define TRACE_HIST_HIGHEST (INT64_C(1) << 40)
#define TRACE_HIST_SIGFIGS 3

/* The name of phase or kind k ("guest", "round_trip", "exit_to_reenter"). */
const char *trace_kind_name(int k);
/* The kernel's name of an exit vector (kvm_trace_symbol_exit), NULL when it has none. */
const char *trace_exit_name(uint32_t vector);
/* Name or "0x%x" into buf (>= 16 bytes); returns buf or the static name. */
const char *trace_exit_label(uint32_t vector, char *buf, size_t len);

/* kvm_pr:kvm_pr_exit_timing, decoded */
struct trace_timing {
	uint32_t exit_nr;
	int32_t resume;		/* 0 RESUME_GUEST, 1 RESUME_GUEST_NV, 2/3 RESUME_HOST(_NV), < 0 error */
	int32_t entry;		/* -1: came from KVM_RUN, else the previous resume */
	uint32_t flags;		/* bit 0: stamps out of order: counted, phases not used */
	uint32_t phase[TRACE_NPHASES];
};
#define TRACE_FL_OUT_OF_ORDER 1u

/* What was seen, summed over the workers (each counts its own, read racily when live). */
struct trace_counts {
	uint64_t records;	/* every record read, of any event */
	uint64_t timing;	/* kvm_pr_exit_timing */
	uint64_t out_of_order;	/* ... of them flagged */
	uint64_t exits;		/* kvm_exit */
	uint64_t reenters;	/* kvm_book3s_reenter */
	uint64_t paired;	/* exit -> reenter pairs timed */
	uint64_t unpaired_exits;	/* an exit without its reenter (or the table was full) */
	uint64_t unpaired_reenters;	/* a reenter without its exit (tracing began in between) */
	uint64_t markers;	/* exitbench markers */
	uint64_t bad_markers;	/* "exitbench:" lines that are not begin/end bench=NAME */
	uint64_t unmatched_markers;	/* an end of another benchmark, a begin inside a begin */
	uint64_t short_records;	/* records too short for their event's fields: skipped */
	uint64_t lost;		/* events the ring buffer lost, as the pages say */
	uint64_t lost_pages;	/* pages that say they lost events without a count */
	uint64_t out_of_range;	/* values beyond the histograms' range (counted, not timed) */
};

struct trace_agg;
struct trace_worker;

/* Per-CPU state: which benchmark the CPU is in, and its exits waiting for their reenter. */
struct trace_cpu {
	int cpu;
	uint16_t bench;		/* 0: "(none)" */
	struct {
		int pid;	/* 0: free */
		uint16_t bench;
		uint32_t vector;
		uint64_t ts;
		uint64_t seq;	/* age, to evict the oldest */
	} pending[TRACE_PENDING];
	uint64_t seq;
};

/* RCU registration of the calling thread (counted: nested calls are fine). */
void trace_thread_enter(void);
void trace_thread_leave(void);

/* A table for nworkers workers (1..TRACE_MAX_THREADS); -EINVAL, -ENOMEM. */
int trace_agg_new(unsigned nworkers, struct trace_agg **out);
/* Free the table (no worker or reader may use it any more). */
void trace_agg_free(struct trace_agg *a);
/* Worker w of a (w < nworkers): recording state for one thread at a time; a frees it. */
int trace_worker_new(struct trace_agg *a, unsigned w, struct trace_worker **out);
void trace_cpu_init(struct trace_cpu *c, int cpu);

/* The per-event handlers: what the readers call, and what the tests feed. */
void trace_on_timing(struct trace_worker *w, struct trace_cpu *c, const struct trace_timing *t);
void trace_on_exit(struct trace_worker *w, struct trace_cpu *c, int pid, uint64_t ts,
		   uint32_t exit_nr);
void trace_on_reenter(struct trace_worker *w, struct trace_cpu *c, int pid, uint64_t ts, int r);
/* A marker's text (not NUL-terminated; trailing newline and NULs are fine). */
void trace_on_marker(struct trace_worker *w, struct trace_cpu *c, const char *text, size_t len);
/* Worker counters the readers keep themselves (records, short records, lost events). */
struct trace_counts *trace_worker_counts(struct trace_worker *w);
/* Counters of all workers (racy while they run, exact after). */
void trace_agg_counts(struct trace_agg *a, struct trace_counts *out);

/* ---- summaries: plain data from the table ---- */
struct trace_stat {
	uint64_t count;		/* values timed */
	uint64_t sum;		/* exact sum of them */
	int64_t median, p5, p95, p99, min, max;
};

struct trace_reason {
	uint32_t vector;
	char name[24];		/* the kernel's name, or "0x..." */
	uint64_t count;		/* its events: kvm_pr_exit_timing if any, else kvm_exit */
	uint64_t out_of_order;	/* kvm_pr_exit_timing flagged: counted, not timed */
	uint64_t resume[4];	/* RESUME_GUEST, RESUME_GUEST_NV, RESUME_HOST(_NV), errors */
	int kind;		/* what stat and share are of: ROUND_TRIP or EXIT_REENTER */
	struct trace_stat stat;	/* = phase[kind] */
	double share;		/* of the benchmark's sum of kind over all its exits (0..1) */
	struct trace_stat phase[TRACE_NKINDS];
	struct hist *hist;	/* stat's values (trace_summarize only; else NULL) */
};

struct trace_bench {
	char name[EB_NAME_LEN];
	uint64_t reps;		/* begin markers seen */
	uint64_t events;	/* its exits: kvm_pr_exit_timing events if any, else kvm_exit */
	int kind;		/* the exit reasons' kind: ROUND_TRIP when instrumented */
	struct trace_stat phase[TRACE_NKINDS];	/* over all exit reasons */
	/* their histograms (trace_summarize only; NULL when not counted or from _top) */
	struct hist *hist[TRACE_NKINDS];
	size_t nreasons;
	struct trace_reason *reasons;	/* by share of time, largest first */
};

/* Where the events came from, for the reports. */
struct trace_source {
	char path[1024];	/* the trace.dat, or the tracefs directory when live */
	int cpus;		/* the CPU count the file declares */
	int cpus_with_data;
	unsigned threads;	/* reader threads used */
	char clock[32];		/* the trace clock ("local", "ppc-tb", ...; "" if unknown) */
	char pair_unit[32];	/* unit of exit_to_reenter: "ns", "timebase ticks", ... */
	uint64_t lost_file;	/* events lost as the file's CPU statistics say (overrun, dropped) */
	int have_timing, have_exit, have_reenter, have_print;	/* formats the file has */
	double elapsed_s;	/* reading time */
};

struct trace_summary {
	size_t n;
	struct trace_bench *b;	/* in order of first appearance, "(none)" last */
	struct trace_counts c;
};

/* The counts index of v in a histogram of the table's layout (for the tests). */
int32_t trace_hist_index(const struct hist *h, int64_t v);
/* Summarize the table (safe while workers still record: a racy snapshot). -ENOMEM. */
int trace_summarize(struct trace_agg *a, struct trace_summary *s);
/* The same with only the exit reasons' round_trip / exit_to_reenter (cheaper, for frames). */
int trace_summarize_top(struct trace_agg *a, struct trace_summary *s);
void trace_summary_free(struct trace_summary *s);
/* The benchmark of that name, or NULL. */
const struct trace_bench *trace_summary_find(const struct trace_summary *s, const char *name);

/* ---- output (trace_out.c) ---- */
/* The human table: per benchmark, the phases in path order, then the exit reasons. */
void trace_print(FILE *f, const struct trace_summary *s, const struct trace_source *src);
/* A kvm_stat-like frame of the busiest (benchmark, exit) rows; prev/now for the rate. */
void trace_print_top(FILE *f, const struct trace_summary *s, const struct trace_summary *prev,
		     double dt, double elapsed, int rows);
/*
 * A benchmark's trace in the results model: source, phases (in path order, the counted ones
 * with their histogram) and exit reasons (with their phases, no histograms). -ENOMEM.
 */
int trace_bench_result(const struct trace_bench *b, const struct trace_source *src,
		       struct res_trace *t);
/* The whole trace, as trace.json has it (res_write_trace). -ENOMEM. */
int trace_run_result(const struct trace_summary *s, const struct trace_source *src,
		     struct res_trace_run *t);
/*
 * Each benchmark's trace into the benchmark of the same name of r (replacing what it had).
 * *unmatched: trace benchmarks (but "(none)") r lacks. -ENOMEM.
 */
int trace_merge_results(struct results *r, const struct trace_summary *s,
			const struct trace_source *src, size_t *unmatched);
/*
 * The same for round `round` of a comparison (make compare traces each round of a side into
 * its own file): each phase and exit reason gains that round's figure (res_hist_figure) in
 * its rounds; the first round merged replaces what the benchmark had (a trace without
 * rounds), later ones add to it (histograms merged, counts summed, figures recomputed; the
 * exit reasons' own phases, which keep no histogram, are dropped). Rounds are merged in
 * ascending order: -EEXIST when a benchmark has that round or a later one already; -ENOMEM.
 */
int trace_merge_round(struct results *r, const struct trace_summary *s,
		      const struct trace_source *src, uint32_t round, size_t *unmatched);

/* ---- reading (trace_read.c, trace_check.c) ---- */
/*
 * Check a trace.dat's container (versions 6 and 7: header, sections, options, CPU data
 * bounds) for what libtracecmd does not check itself; -errno with one line in err.
 */
int trace_check_file(const char *path, char *err, size_t len);
struct trace_read_opts {
	unsigned threads;	/* reader threads; 0: one per CPU buffer with data */
	int live;		/* a frame of the busiest rows once a second while reading */
	FILE *live_out;		/* where frames go (stderr when NULL) */
	int live_rows;		/* rows a frame shows (0: 20) */
	const volatile sig_atomic_t *stop;	/* live tracefs: read until *stop */
	int library_noise;	/* let libtracecmd print what it prints on bad files (normally hushed) */
};

/*
 * Read a trace.dat: one reader thread per CPU buffer (each with its own libtracecmd handle),
 * into a fresh table, summarized into s. Bad input (not a trace.dat, truncated, corrupt,
 * no kvm_pr events, a field missing, CPUs the file does not declare): -EINVAL with one line
 * in err. s is valid (and must be freed) only on success.
 */
int trace_read_file(const char *path, const struct trace_read_opts *o, struct trace_summary *s,
		    struct trace_source *src, char *err, size_t len);
/*
 * Read the running system's tracefs (top-level buffer, where the runner's markers go):
 * enable the kvm_pr events that exist, read every CPU's buffer until *o->stop, disable what
 * was enabled. -errno with one line in err (no tracefs, no permission, no kvm_pr events).
 */
int trace_read_tracefs(const struct trace_read_opts *o, struct trace_summary *s,
		       struct trace_source *src, char *err, size_t len);

#endif
