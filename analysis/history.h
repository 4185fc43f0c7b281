/* SPDX-License-Identifier: MIT */
/*
 * The nightly history (docs/design.md, "The nightly history"): every night kept in one
 * SQLite database (WAL, schema versioned with migrations, application_id "EXBH"). A night is
 * one revision of a kernel tree measured on one host: its build status, and the runs of it
 * (one results.json each: a mode, a kernel kind, the environment's fingerprint) with their
 * benchmarks' figures, batch histograms, phases and exit reasons. Series are read back per
 * (fingerprint, benchmark, mode, metric), nights in tree order; a series never crosses a
 * fingerprint. results.json stays the artifact of a run: the history can be rebuilt from
 * those files, and importing one twice adds nothing.
 *
 * Library code: -errno with one line in err; nothing printed.
 */
#ifndef EB_HISTORY_H
#define EB_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "results.h"

#define HISTORY_SCHEMA 1
#define HISTORY_APP_ID 0x45584248	/* "EXBH" */

struct history;

/* Open (create: make it when absent) and check: an SQLite file of this schema or older
 * (migrated), of this application. Refused with one line: not SQLite, another
 * application's database, a newer schema, a read-only or locked file. */
int history_open(const char *path, int create, struct history **h, char *err, size_t len);
void history_close(struct history *h);

struct history_import_report {
	size_t runs_added, runs_known;	/* known: imported before (same run), skipped */
	size_t nights_added;
	long long night_id;		/* the night of the last import */
};
/*
 * One night and its runs, in one transaction: what is already there (the night, a run
 * imported before) is kept and counted, never duplicated. r[i] is the results read from
 * paths[i] (night's own runs list is not read). night NULL: each run makes (or joins) the
 * night its environment names.
 */
int history_import(struct history *h, const struct res_night *night,
		   struct results *const *r, const char *const *paths, size_t n,
		   struct history_import_report *rep, char *err, size_t len);

/* ---- reading back ---- */
struct history_fp {
	long long id;
	char key[20];		/* a hash of the fields below */
	char host[256], mode[16], summary[512];	/* summary: "QEMU 7.2 icount, POWER8, ..." */
};
struct history_nightrow {
	long long id;
	struct res_night n;	/* without its runs */
};
/* Fingerprints, nights (tree order), of the whole history; free() the arrays. */
int history_fingerprints(struct history *h, struct history_fp **fp, size_t *n);
int history_nights(struct history *h, struct history_nightrow **nights, size_t *n);
struct history_run {
	long long id, night_id, fp;
	char mode[16], kernel[16];	/* "icount", "plain", "native"; "stock", "instrumented" */
	char run_id[64];
	char path[1024];		/* the results.json it was imported from */
};
/* Every run, its night's in tree order then as stored (which fingerprints a night used); free(). */
int history_runs(struct history *h, struct history_run **runs, size_t *n);

enum history_metric { HM_MEDIAN, HM_P99, HM_PHASE };
struct history_point {
	long long night_id;	/* nights[] index is the caller's business */
	double value;		/* the night's figure */
	double lo, hi;		/* its 95% interval over runs (NaN: none) */
	double p99;		/* of the batches */
	long long bench_id;	/* for the histogram */
};
/*
 * The series of one benchmark in one mode of one fingerprint, nights in tree order, only
 * nights that measured it. metric HM_PHASE: the phase named phase, the mean of the middle
 * 80% of the night's round trips (robust to a few stretched ones, and still moving when an
 * instruction does, where a median of whole ticks flips by one), from the instrumented
 * kernel's runs (the stock kernel's otherwise), of benchmarks that exit (at least 100 round
 * trips of it).
 */
int history_series(struct history *h, long long fp, const char *bench, const char *mode,
		   enum history_metric metric, const char *phase, struct history_point **pts,
		   size_t *n);
/* The benchmarks, modes and phases a fingerprint has, as "mode\tbenchmark" and names. */
int history_names(struct history *h, long long fp, char (**pairs)[64], size_t *npairs,
		  char (**phases)[32], size_t *nphases);
/*
 * What became of a benchmark in the latest night that ran it (stock kernel, one mode of one
 * fingerprint): its status ("ok", "skipped", "failed") and reason. -ENOENT when none ran it.
 */
int history_last_status(struct history *h, long long fp, const char *bench, const char *mode,
			char *status, size_t slen, char *reason, size_t rlen);
/* A benchmark's batch histogram of one night's run (NULL with 0 when none); hist_free it. */
int history_hist(struct history *h, long long bench_id, struct hist **out);

/* The connection and the file, for the modules that query the history (alerts.c, page.c). */
struct sqlite3 *history_db(struct history *h);
const char *history_path(struct history *h);

/* ---- a fleet: one host's changes and alerts carried to another history (history_sync.c) ---- */
struct history_sync_report {
	size_t changes, alerts;	/* stored (added or brought up to date) */
	size_t skipped;		/* changes whose nights or environment are not in this history */
};
/*
 * host's changes (each with its alert, if any) as JSON on f: its environments by key, its
 * nights by tree and commit (docs/design.md, "A fleet of hosts").
 */
int history_export_changes(struct history *h, const char *host, FILE *f, size_t *nchanges,
			   size_t *nalerts, char *err, size_t len);
/*
 * The changes of host that history_export_changes wrote to path, in one transaction: each
 * added or brought up to date, its alert too (whose triage stays this history's once it is
 * not 'new' here); those whose nights are not here skipped and counted. A file of another
 * host, or malformed: -EINVAL, nothing stored.
 */
int history_import_changes(struct history *h, const char *host, const char *path,
			   struct history_sync_report *rep, char *err, size_t len);

/*
 * The run's mode as the history names it: "icount", "plain" or "native"; a run of the
 * 32-bit Book3S host (res_arch "ppc32") "ppc32-icount" or "ppc32-plain", so that its series,
 * changes and alerts are never taken for the 64-bit host's, and say so wherever they show.
 */
const char *history_run_mode(const struct results *r);
/* 1 when runs of mode count instructions on the emulated host ("icount", "ppc32-icount") */
int history_mode_icount(const char *mode);

#endif
