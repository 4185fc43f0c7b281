// SPDX-License-Identifier: MIT
/* The nightly history: schema, migrations, import, series (see history.h). */
#define _GNU_SOURCE	/* strptime, timegm */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "history_db.h"
#include "stats.h"
#include "text.h"

struct history {
	sqlite3 *db;
	char path[1024];
};

int history_err(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}

int history_db_fail(struct history *h, char *err, size_t len, const char *what)
{
	return history_err(err, len, -EIO, "%s: %s: %s", h->path, what, sqlite3_errmsg(h->db));
}

/*
 * The schema, by version: migrations[v - 1] takes a database from version v - 1 to v. A
 * version, once released, is never edited: a change is a new entry, which the next open of
 * an older history runs in one transaction.
 */
static const char *const migrations[HISTORY_SCHEMA] = {
	/* 1: nights, fingerprints, runs, benchmarks, phases, exit reasons, changes, alerts */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE fingerprints(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	" host TEXT NOT NULL, mode TEXT NOT NULL, emulator TEXT NOT NULL, qemu_version TEXT NOT NULL,"
	" icount TEXT NOT NULL, kernel_config TEXT NOT NULL, cpu TEXT NOT NULL, model TEXT NOT NULL,"
	" instrument TEXT NOT NULL, first_seen TEXT NOT NULL);"
	"CREATE TABLE nights(id INTEGER PRIMARY KEY, tree TEXT NOT NULL, ref TEXT NOT NULL,"
	" commit_id TEXT NOT NULL, subject TEXT NOT NULL, commit_time INTEGER NOT NULL,"
	" position REAL NOT NULL, host TEXT NOT NULL, started TEXT NOT NULL,"
	" build TEXT NOT NULL CHECK (build IN ('ok', 'failed', 'partial')),"
	" build_note TEXT NOT NULL, build_log TEXT NOT NULL, UNIQUE (host, tree, commit_id));"
	"CREATE TABLE runs(id INTEGER PRIMARY KEY, night_id INTEGER NOT NULL REFERENCES nights(id),"
	" fingerprint_id INTEGER NOT NULL REFERENCES fingerprints(id), mode TEXT NOT NULL,"
	" kernel TEXT NOT NULL CHECK (kernel IN ('stock', 'instrumented')),"
	" run_key TEXT NOT NULL UNIQUE, run_id TEXT NOT NULL, path TEXT NOT NULL, date TEXT NOT NULL);"
	"CREATE TABLE benches(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
	" name TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, exits_ok INTEGER NOT NULL,"
	" exits_per_iteration REAL, figure REAL, lo REAL, hi REAL, median REAL, mean REAL, p99 REAL,"
	" n_runs INTEGER NOT NULL, runs TEXT NOT NULL, hist BLOB, UNIQUE (run_id, name));"
	"CREATE TABLE phases(bench_id INTEGER NOT NULL REFERENCES benches(id), name TEXT NOT NULL,"
	" ord INTEGER NOT NULL, unit TEXT NOT NULL, count INTEGER NOT NULL, mean REAL, median REAL,"
	" p5 REAL, p95 REAL, p99 REAL, PRIMARY KEY (bench_id, name));"
	"CREATE TABLE exit_reasons(bench_id INTEGER NOT NULL REFERENCES benches(id),"
	" reason TEXT NOT NULL, vector INTEGER NOT NULL, count INTEGER NOT NULL, median REAL,"
	" share REAL, PRIMARY KEY (bench_id, reason));"
	"CREATE TABLE changes(id INTEGER PRIMARY KEY,"
	" fingerprint_id INTEGER NOT NULL REFERENCES fingerprints(id), benchmark TEXT NOT NULL,"
	" mode TEXT NOT NULL, metric TEXT NOT NULL,"
	" night_before INTEGER NOT NULL REFERENCES nights(id),"
	" night_after INTEGER NOT NULL REFERENCES nights(id), before REAL NOT NULL,"
	" after REAL NOT NULL, change REAL NOT NULL, change_pct REAL, p REAL NOT NULL,"
	" method TEXT NOT NULL, state TEXT NOT NULL, note TEXT NOT NULL, detected TEXT NOT NULL,"
	" UNIQUE (fingerprint_id, benchmark, mode, metric, night_after));"
	"CREATE TABLE alerts(id INTEGER PRIMARY KEY, change_id INTEGER NOT NULL UNIQUE"
	" REFERENCES changes(id), commit_id TEXT NOT NULL, subject TEXT NOT NULL,"
	" verdict TEXT NOT NULL, change REAL, change_pct REAL, ci_lo REAL, ci_hi REAL,"
	" ci_pct_lo REAL, ci_pct_hi REAL, phase TEXT NOT NULL, phase_change REAL,"
	" bisect TEXT NOT NULL, bisect_log TEXT NOT NULL, comparison TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'new', created TEXT NOT NULL);"
	"CREATE INDEX runs_night ON runs(night_id);"
	"CREATE INDEX benches_name ON benches(name);",
};

int history_exec(struct history *h, const char *sql, char *err, size_t len)
{
	char *msg = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, len, "%s: %s", h->path, msg ? msg : sqlite3_errmsg(h->db));
	sqlite3_free(msg);
	return -EIO;
}

static int pragma_int(struct history *h, const char *pragma, int *v)
{
	sqlite3_stmt *st;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA %s", pragma);
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

static int count_tables(struct history *h, int *n)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
	    SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

/* the first 16 bytes of every SQLite 3 file */
static int is_sqlite_file(const char *path)
{
	char head[16];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n == 0)
		return 1;	/* an empty file: SQLite makes it a database */
	return n == (ssize_t)sizeof(head) && !memcmp(head, "SQLite format 3", 16);
}

static int migrate(struct history *h, int from, char *err, size_t len)
{
	char sql[64];
	int ret;

	if ((ret = history_exec(h, "BEGIN IMMEDIATE", err, len)))
		return ret;
	for (int v = from; v < HISTORY_SCHEMA && !ret; v++)
		ret = history_exec(h, migrations[v], err, len);
	if (!ret && from == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", HISTORY_APP_ID);
		ret = history_exec(h, sql, err, len);
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", HISTORY_SCHEMA);
	if (!ret)
		ret = history_exec(h, sql, err, len);
	if (!ret)
		ret = history_exec(h, "COMMIT", err, len);
	else
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

int history_open(const char *path, int create, struct history **out, char *err, size_t len)
{
	struct history *h = calloc(1, sizeof(*h));
	int ret, app, version, tables, flags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	snprintf(h->path, sizeof(h->path), "%s", path);
	ret = is_sqlite_file(path);
	if (ret == -ENOENT && create) {
		flags |= SQLITE_OPEN_CREATE;
	} else if (ret < 0) {
		free(h);
		return history_err(err, len, ret, "%s: %s", path, strerror(-ret));
	} else if (ret == 0) {
		free(h);
		return history_err(err, len, -EINVAL, "%s: not an SQLite database (not an exitbench history); "
			    "refused, left as it is", path);
	}
	if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		ret = history_err(err, len, -EIO, "%s: %s", path, h->db ? sqlite3_errmsg(h->db) : "cannot open");
		goto bad;
	}
	sqlite3_busy_timeout(h->db, 10000);
	if (pragma_int(h, "application_id", &app) || pragma_int(h, "user_version", &version) ||
	    count_tables(h, &tables)) {
		ret = history_db_fail(h, err, len, "not a readable SQLite database");
		goto bad;
	}
	if (app != HISTORY_APP_ID && (app != 0 || tables != 0)) {
		ret = history_err(err, len, -EINVAL, "%s: an SQLite database of another application "
			   "(application_id %#x), not an exitbench history; refused, left as it is",
			   path, (unsigned)app);
		goto bad;
	}
	if (version > HISTORY_SCHEMA) {
		ret = history_err(err, len, -EINVAL, "%s: history schema %d is newer than this exitbench's "
			   "(%d); use a newer exitbench, the file is left as it is", path, version,
			   HISTORY_SCHEMA);
		goto bad;
	}
	/* WAL: readers (the page) never wait for the writer, and a killed writer loses only
	 * its open transaction */
	if ((ret = history_exec(h, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
			   "PRAGMA synchronous = NORMAL", err, len)))
		goto bad;
	if (version < HISTORY_SCHEMA && (ret = migrate(h, version, err, len)))
		goto bad;
	*out = h;
	return 0;
bad:
	sqlite3_close(h->db);
	free(h);
	return ret;
}

void history_close(struct history *h)
{
	if (!h)
		return;
	sqlite3_close(h->db);
	free(h);
}

struct sqlite3 *history_db(struct history *h)
{
	return h->db;
}

const char *history_path(struct history *h)
{
	return h->path;
}

/* ---- the environment of a run ---- */

const char *history_run_mode(const struct results *r)
{
	/* a native run is native, even on a "native" host that is itself emulated with
	 * instruction counting (make native-check): its fingerprint tells the two apart */
	if (!strcmp(res_env_str(r, "mode", "emulated"), "native"))
		return "native";
	if (!strcmp(res_arch(r), "ppc32"))
		return res_icount(r) ? "ppc32-icount" : "ppc32-plain";
	return res_icount(r) ? "icount" : "plain";
}

int history_mode_icount(const char *mode)
{
	return !strcmp(mode, "icount") || !strcmp(mode, "ppc32-icount");
}

/* 64-bit FNV-1a, as hex: an identity, not a checksum against anyone */
static void fnv_hex(const char *s, size_t n, char out[17])
{
	uint64_t x = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		x ^= (unsigned char)s[i];
		x *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)x);
}

struct fingerprint {
	char key[17];
	char host[256], mode[16], emulator[256], qemu[128], icount[16], config[80], cpu[256],
	     model[256], instrument[80], kernel[128];
};

/*
 * What a figure depends on besides the kernel under test: the host (the machine that ran
 * the emulation, or the POWER host), how it ran, the kernel config fragment (the resolved
 * config is the tree's own business), the CPU, and the instrument (runner and guests).
 */
static void fingerprint_of(const struct results *r, struct fingerprint *f)
{
	char buf[2048];
	int n;

	memset(f, 0, sizeof(*f));
	snprintf(f->host, sizeof(f->host), "%s", res_env_str(r, "host", "unknown host"));
	snprintf(f->mode, sizeof(f->mode), "%s", history_run_mode(r));
	snprintf(f->emulator, sizeof(f->emulator), "%s", res_env_str(r, "emulator", ""));
	snprintf(f->qemu, sizeof(f->qemu), "%s", res_env_str(r, "qemu_version", ""));
	snprintf(f->icount, sizeof(f->icount), "%s", res_env_str(r, "icount", ""));
	snprintf(f->config, sizeof(f->config), "%s",
		 res_env_str(r, "host_kernel_fragment_sha256", ""));
	snprintf(f->cpu, sizeof(f->cpu), "%s", res_env_str(r, "cpu", ""));
	snprintf(f->model, sizeof(f->model), "%s", res_env_str(r, "model", ""));
	snprintf(f->instrument, sizeof(f->instrument), "%s",
		 res_env_str(r, "exitbench_instrument", ""));
	if (!strcmp(f->mode, "native")) {
		/* natively the running kernel is the host's (its release, its config's hash)
		 * and the CPU is the machine's own (env.json's "native": its PVR): a series never
		 * crosses a change of either. Only a native key has these lines: an emulated
		 * run's key is what it always was. */
		const struct res_val *nat = res_env(r, "native");

		snprintf(f->cpu, sizeof(f->cpu), "%s (pvr %s)", res_val_str(res_val_get(nat, "cpu"), "unknown CPU"),
			 res_val_str(res_val_get(nat, "pvr"), "unknown"));
		snprintf(f->model, sizeof(f->model), "%s", res_val_str(res_val_get(nat, "machine_model"), ""));
		snprintf(f->config, sizeof(f->config), "%s",
			 res_val_str(res_val_get(nat, "kernel_config_sha256"), "unknown"));
		snprintf(f->kernel, sizeof(f->kernel), "%s",
			 res_val_str(res_val_get(nat, "kernel_release"), "unknown"));
	}
	n = snprintf(buf, sizeof(buf), "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s", f->host, f->mode,
		     f->emulator, f->qemu, f->icount, f->config, f->cpu, f->model, f->instrument);
	if (f->kernel[0] && n > 0 && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\nkernel %s", f->kernel);
	fnv_hex(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1, f->key);
}

/* instrumented kernel: it says so, or its patches are the exit-timing series */
static const char *kernel_of(const struct results *r)
{
	const char *v = res_env_str(r, "host_kernel_variant", NULL);

	if (v)
		return strcmp(v, "instrumented") ? "stock" : "instrumented";
	return strstr(res_env_str(r, "host_kernel_patches", ""), "exit-timing") ?
	       "instrumented" : "stock";
}

/* a run's identity: its id, date and side, and its figures (a later trace merge keeps them) */
static void run_key_of(const struct results *r, char out[17])
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int k;

	if (!buf) {
		snprintf(out, 17, "%016x", 0);
		return;
	}
	n = snprintf(buf, cap, "%s\n%s\n%s\n", r->run_id, res_env_str(r, "date", ""), r->variant);
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->b[i].nruns; j++) {
			if (n + 64 > cap) {
				char *nb = realloc(buf, cap * 2);

				if (!nb)
					break;
				buf = nb;
				cap *= 2;
			}
			k = snprintf(buf + n, cap - n, "%s %.17g\n", r->b[i].name, r->b[i].runs[j]);
			n += k > 0 ? (size_t)k : 0;
		}
	fnv_hex(buf, n, out);
	free(buf);
}

static double env_num(const struct results *r, const char *key, double absent)
{
	double x;

	return res_env_num(r, key, &x) ? absent : x;
}

/* the night a run outside a nightly makes: itself, ordered by its date */
static void night_of_run(const struct results *r, struct res_night *n)
{
	struct tm tm = { 0 };
	const char *date = res_env_str(r, "date", "");

	memset(n, 0, sizeof(*n));
	snprintf(n->tree, sizeof(n->tree), "%s", res_env_str(r, "nightly_tree",
							     res_env_str(r, "host_kernel_source", "unknown tree")));
	snprintf(n->ref, sizeof(n->ref), "%s", res_env_str(r, "nightly_ref", ""));
	if (res_env_str(r, "nightly_commit", NULL))
		snprintf(n->commit, sizeof(n->commit), "%s", res_env_str(r, "nightly_commit", ""));
	else
		snprintf(n->commit, sizeof(n->commit), "run:%.58s", r->run_id);
	snprintf(n->subject, sizeof(n->subject), "%s", res_env_str(r, "nightly_subject", r->run_id));
	n->commit_time = (int64_t)env_num(r, "nightly_commit_time", 0);
	if (strptime(date, "%Y-%m-%dT%H:%M:%SZ", &tm))
		n->position = (double)timegm(&tm);
	n->position = env_num(r, "nightly_position", n->position);
	snprintf(n->host, sizeof(n->host), "%s", res_env_str(r, "host", "unknown host"));
	snprintf(n->started, sizeof(n->started), "%s", date);
	snprintf(n->build, sizeof(n->build), "ok");
}

/* ---- statements ---- */

int history_prep(struct history *h, sqlite3_stmt **st, const char *sql, char *err, size_t len)
{
	if (sqlite3_prepare_v2(h->db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	return history_db_fail(h, err, len, "preparing a statement");
}

void history_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void history_bind_num(sqlite3_stmt *st, int i, double x)
{
	if (isfinite(x))
		sqlite3_bind_double(st, i, x);
	else
		sqlite3_bind_null(st, i);
}

double history_col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

void history_col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

/* run a statement that returns nothing (or one id); the statement is finalized */
static int step_done(struct history *h, sqlite3_stmt *st, char *err, size_t len)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return history_db_fail(h, err, len, "writing");
}

/* the id of a row found by a one-column key query, or 0 when there is none (< 0: error) */
static long long find_id(struct history *h, sqlite3_stmt *st)
{
	long long id = 0;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_finalize(st);
	(void)h;
	return id;
}

int history_grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t want;

	if (n < *cap)
		return 1;
	want = *cap ? 2 * *cap : 16;
	if (!(nv = realloc(*v, want * size)))
		return 0;
	*v = nv;
	*cap = want;
	return 1;
}

void history_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long fingerprint_id(struct history *h, const struct fingerprint *f, char *err,
				size_t len)
{
	sqlite3_stmt *st;
	char now[32];
	long long id;

	if (history_prep(h, &st, "SELECT id FROM fingerprints WHERE key = ?", err, len))
		return -1;
	history_bind_text(st, 1, f->key);
	if ((id = find_id(h, st)) != 0)
		return id;
	if (history_prep(h, &st, "INSERT INTO fingerprints(key, host, mode, emulator, qemu_version, icount,"
		 " kernel_config, cpu, model, instrument, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		 err, len))
		return -1;
	history_now(now, sizeof(now));
	history_bind_text(st, 1, f->key);
	history_bind_text(st, 2, f->host);
	history_bind_text(st, 3, f->mode);
	history_bind_text(st, 4, f->emulator);
	history_bind_text(st, 5, f->qemu);
	history_bind_text(st, 6, f->icount);
	history_bind_text(st, 7, f->config);
	history_bind_text(st, 8, f->cpu);
	history_bind_text(st, 9, f->model);
	history_bind_text(st, 10, f->instrument);
	history_bind_text(st, 11, now);
	if (step_done(h, st, err, len))
		return -1;
	return sqlite3_last_insert_rowid(h->db);
}

/* the night's id, made when new (*added set) */
static long long night_id(struct history *h, const struct res_night *n, int *added,
			  char *err, size_t len)
{
	sqlite3_stmt *st;
	long long id;

	*added = 0;
	if (history_prep(h, &st, "SELECT id FROM nights WHERE host = ? AND tree = ? AND commit_id = ?",
		 err, len))
		return -1;
	history_bind_text(st, 1, n->host);
	history_bind_text(st, 2, n->tree);
	history_bind_text(st, 3, n->commit);
	if ((id = find_id(h, st)) != 0)
		return id;
	if (history_prep(h, &st, "INSERT INTO nights(tree, ref, commit_id, subject, commit_time, position,"
		 " host, started, build, build_note, build_log) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		 err, len))
		return -1;
	history_bind_text(st, 1, n->tree);
	history_bind_text(st, 2, n->ref);
	history_bind_text(st, 3, n->commit);
	history_bind_text(st, 4, n->subject);
	sqlite3_bind_int64(st, 5, n->commit_time);
	sqlite3_bind_double(st, 6, n->position);
	history_bind_text(st, 7, n->host);
	history_bind_text(st, 8, n->started);
	history_bind_text(st, 9, n->build[0] ? n->build : "ok");
	history_bind_text(st, 10, n->build_note);
	history_bind_text(st, 11, n->build_log);
	if (step_done(h, st, err, len))
		return -1;
	*added = 1;
	return sqlite3_last_insert_rowid(h->db);
}

/* a histogram as the history keeps it: lowest, highest, sigfigs, then (value, count) pairs
 * of the non-empty sub-buckets, each a little-endian int64 */
static void put64(unsigned char *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

static unsigned char *hist_blob(const struct hist *hg, size_t *len)
{
	struct hist_iter it;
	size_t n = 0, k = 3;
	unsigned char *b;

	hist_iter_init(&it, hg);
	while (hist_iter_next(&it))
		n++;
	b = malloc((3 + 2 * n) * 8);
	if (!b)
		return NULL;
	put64(b, hg->lowest);
	put64(b + 8, hg->highest);
	put64(b + 16, hg->sigfigs);
	hist_iter_init(&it, hg);
	while (hist_iter_next(&it)) {
		put64(b + 8 * k++, it.from);
		put64(b + 8 * k++, it.count);
	}
	*len = k * 8;
	return b;
}

static int store_bench(struct history *h, long long run, const struct results *r,
		       const struct res_bench *b, char *err, size_t len)
{
	double *v = NULL, figure = NAN, lo = NAN, hi = NAN;
	size_t nv = 0;
	sqlite3_stmt *st;
	struct stats_summary s;
	unsigned char *blob = NULL;
	size_t bloblen = 0;
	char *runs;
	long long id;
	int ret;

	if (!res_figure(r, b, &s, &v, &nv)) {
		figure = s.median;
		lo = s.ci_lo;
		hi = s.ci_hi;
	}
	runs = malloc(b->nruns * 26 + 3);
	if (!runs) {
		free(v);
		return -ENOMEM;
	}
	runs[0] = '\0';
	for (size_t i = 0, n = 0; i < nv; i++)
		n += sprintf(runs + n, i ? " %.17g" : "%.17g", v[i]);
	free(v);
	if (b->hist && !(blob = hist_blob(b->hist, &bloblen))) {
		free(runs);
		return -ENOMEM;
	}
	ret = history_prep(h, &st, "INSERT INTO benches(run_id, name, status, reason, exits_ok,"
		   " exits_per_iteration, figure, lo, hi, median, mean, p99, n_runs, runs, hist)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err, len);
	if (!ret) {
		sqlite3_bind_int64(st, 1, run);
		history_bind_text(st, 2, b->name);
		history_bind_text(st, 3, res_status_name(b->status));
		history_bind_text(st, 4, b->reason);
		sqlite3_bind_int(st, 5, b->exits_ok);
		history_bind_num(st, 6, b->exits_per_iteration);
		history_bind_num(st, 7, figure);
		history_bind_num(st, 8, lo);
		history_bind_num(st, 9, hi);
		history_bind_num(st, 10, b->runs_sum.median);
		history_bind_num(st, 11, b->runs_sum.mean);
		history_bind_num(st, 12, b->batch_sum.p99);
		sqlite3_bind_int64(st, 13, (sqlite3_int64)nv);
		history_bind_text(st, 14, runs);
		if (blob)
			sqlite3_bind_blob(st, 15, blob, (int)bloblen, SQLITE_TRANSIENT);
		ret = step_done(h, st, err, len);
	}
	free(runs);
	free(blob);
	if (ret)
		return ret;
	id = sqlite3_last_insert_rowid(h->db);

	for (size_t k = 0; k < b->trace.nphase && !ret; k++) {
		const struct res_tstat *p = &b->trace.phase[k].st;

		if ((ret = history_prep(h, &st, "INSERT INTO phases(bench_id, name, ord, unit, count, mean,"
				" median, p5, p95, p99) VALUES (?,?,?,?,?,?,?,?,?,?)", err, len)))
			break;
		sqlite3_bind_int64(st, 1, id);
		history_bind_text(st, 2, p->name);
		sqlite3_bind_int(st, 3, (int)k);
		history_bind_text(st, 4, p->unit);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)p->count);
		history_bind_num(st, 6, res_hist_figure(b->trace.phase[k].hist, b->trace.phase[k].hist_scale,
							     b->trace.phase[k].st.count,
							     b->trace.phase[k].st.sum));
		history_bind_num(st, 7, p->median);
		history_bind_num(st, 8, p->p5);
		history_bind_num(st, 9, p->p95);
		history_bind_num(st, 10, p->p99);
		ret = step_done(h, st, err, len);
	}
	for (size_t k = 0; k < b->trace.nreason && !ret; k++) {
		const struct res_reason *x = &b->trace.reason[k];

		if ((ret = history_prep(h, &st, "INSERT OR IGNORE INTO exit_reasons(bench_id, reason, vector,"
				" count, median, share) VALUES (?,?,?,?,?,?)", err, len)))
			break;
		sqlite3_bind_int64(st, 1, id);
		history_bind_text(st, 2, x->st.name);
		sqlite3_bind_int64(st, 3, x->vector);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)x->st.count);
		history_bind_num(st, 5, x->st.median);
		history_bind_num(st, 6, x->share);
		ret = step_done(h, st, err, len);
	}
	return ret;
}

/* one run: 1 added, 0 known already, < 0 error */
static int store_run(struct history *h, long long night, const struct results *r,
		     const char *path, char *err, size_t len)
{
	struct fingerprint f;
	sqlite3_stmt *st;
	char key[17];
	long long fp, id;
	int ret;

	run_key_of(r, key);
	fingerprint_of(r, &f);
	if ((ret = history_prep(h, &st, "SELECT f.host FROM runs r JOIN fingerprints f ON "
				"f.id = r.fingerprint_id WHERE r.run_key = ?", err, len)))
		return ret;
	history_bind_text(st, 1, key);
	ret = sqlite3_step(st);
	if (ret == SQLITE_ROW) {
		char host[256];

		history_col_text(st, 0, host, sizeof(host));
		sqlite3_finalize(st);
		if (!strcmp(host, f.host))
			return 0;
		/* the same id, date and figures on another host (a fleet's twin hosts): not it */
		snprintf(err, len, "%s: run %s has the id, date and figures of a run stored for "
			 "host '%s', not '%s': give each host's runs their own ids", path, r->run_id,
			 host, f.host);
		return -EEXIST;
	}
	sqlite3_finalize(st);
	if (ret != SQLITE_DONE)
		return history_db_fail(h, err, len, "reading runs");
	if ((fp = fingerprint_id(h, &f, err, len)) < 0)
		return -EIO;
	if ((ret = history_prep(h, &st, "INSERT INTO runs(night_id, fingerprint_id, mode, kernel, run_key,"
			" run_id, path, date) VALUES (?,?,?,?,?,?,?,?)", err, len)))
		return ret;
	sqlite3_bind_int64(st, 1, night);
	sqlite3_bind_int64(st, 2, fp);
	history_bind_text(st, 3, f.mode);
	history_bind_text(st, 4, kernel_of(r));
	history_bind_text(st, 5, key);
	history_bind_text(st, 6, r->run_id);
	history_bind_text(st, 7, path);
	history_bind_text(st, 8, res_env_str(r, "date", ""));
	if ((ret = step_done(h, st, err, len)))
		return ret;
	id = sqlite3_last_insert_rowid(h->db);
	for (size_t i = 0; i < r->n && !ret; i++)
		ret = store_bench(h, id, r, &r->b[i], err, len);
	return ret ? ret : 1;
}

int history_import(struct history *h, const struct res_night *night,
		   struct results *const *r, const char *const *paths, size_t n,
		   struct history_import_report *rep, char *err, size_t len)
{
	struct res_night own;
	long long nid = 0;
	int ret, added;

	memset(rep, 0, sizeof(*rep));
	if ((ret = history_exec(h, "BEGIN IMMEDIATE", err, len)))
		return ret;
	if (night) {
		nid = night_id(h, night, &added, err, len);
		ret = nid < 0 ? -EIO : 0;
		rep->nights_added += added;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		if (!night) {
			night_of_run(r[i], &own);
			nid = night_id(h, &own, &added, err, len);
			if (nid < 0) {
				ret = -EIO;
				break;
			}
			rep->nights_added += added;
		}
		ret = store_run(h, nid, r[i], paths[i], err, len);
		if (ret == 1)
			rep->runs_added++;
		else if (ret == 0)
			rep->runs_known++;
		ret = ret < 0 ? ret : 0;
	}
	/* a test seam: die here, as a machine that loses power, with the night half written */
	if (!ret && getenv("EXITBENCH_TEST_DIE_BEFORE_COMMIT"))
		raise(SIGKILL);
	if (!ret)
		ret = history_exec(h, "COMMIT", err, len);
	if (ret)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	rep->night_id = nid;
	return ret;
}

/* ---- reading back ---- */

int history_fingerprints(struct history *h, struct history_fp **out, size_t *n)
{
	sqlite3_stmt *st;
	struct history_fp *v = NULL;
	size_t cap = 0;
	char err[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT id, key, host, mode, qemu_version, icount, cpu, model FROM "
		 "fingerprints ORDER BY id", err, sizeof(err)))
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct history_fp *f;
		char qemu[128], icount[16], cpu[256], model[256];

		if (!history_grow((void **)&v, *n, &cap, sizeof(*v))) {
			rc = SQLITE_NOMEM;
			break;
		}
		f = &v[(*n)++];
		f->id = sqlite3_column_int64(st, 0);
		history_col_text(st, 1, f->key, sizeof(f->key));
		history_col_text(st, 2, f->host, sizeof(f->host));
		history_col_text(st, 3, f->mode, sizeof(f->mode));
		history_col_text(st, 4, qemu, sizeof(qemu));
		history_col_text(st, 5, icount, sizeof(icount));
		history_col_text(st, 6, cpu, sizeof(cpu));
		history_col_text(st, 7, model, sizeof(model));
		text_fmt(f->summary, sizeof(f->summary), "%s: %s%s%s, %s%s%s", f->host,
			 strcmp(f->mode, "native") ? "emulated " : "native ",
			 qemu[0] ? qemu : "", history_mode_icount(f->mode) ? " -icount shift=0" : "",
			 cpu[0] ? cpu : "unknown CPU", model[0] ? ", " : "", model);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return -EIO;
	}
	*out = v;
	return 0;
}

static void night_from_row(sqlite3_stmt *st, struct history_nightrow *r)
{
	struct res_night *n = &r->n;

	r->id = sqlite3_column_int64(st, 0);
	history_col_text(st, 1, n->tree, sizeof(n->tree));
	history_col_text(st, 2, n->ref, sizeof(n->ref));
	history_col_text(st, 3, n->commit, sizeof(n->commit));
	history_col_text(st, 4, n->subject, sizeof(n->subject));
	n->commit_time = sqlite3_column_int64(st, 5);
	n->position = sqlite3_column_double(st, 6);
	history_col_text(st, 7, n->host, sizeof(n->host));
	history_col_text(st, 8, n->started, sizeof(n->started));
	history_col_text(st, 9, n->build, sizeof(n->build));
	history_col_text(st, 10, n->build_note, sizeof(n->build_note));
	history_col_text(st, 11, n->build_log, sizeof(n->build_log));
}

int history_nights(struct history *h, struct history_nightrow **out, size_t *n)
{
	sqlite3_stmt *st;
	struct history_nightrow *v = NULL;
	size_t cap = 0;
	char err[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT id, tree, ref, commit_id, subject, commit_time, position, host,"
		 " started, build, build_note, build_log FROM nights ORDER BY position, id",
		 err, sizeof(err)))
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!history_grow((void **)&v, *n, &cap, sizeof(*v))) {
			rc = SQLITE_NOMEM;
			break;
		}
		night_from_row(st, &v[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return -EIO;
	}
	*out = v;
	return 0;
}

int history_runs(struct history *h, struct history_run **out, size_t *n)
{
	sqlite3_stmt *st;
	struct history_run *v = NULL;
	size_t cap = 0;
	char err[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT r.id, r.night_id, r.fingerprint_id, r.mode, r.kernel, r.run_id,"
		 " r.path FROM runs r JOIN nights n ON n.id = r.night_id"
		 " ORDER BY n.position, n.id, r.id", err, sizeof(err)))
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct history_run *r;

		if (!history_grow((void **)&v, *n, &cap, sizeof(*v))) {
			rc = SQLITE_NOMEM;
			break;
		}
		r = &v[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->night_id = sqlite3_column_int64(st, 1);
		r->fp = sqlite3_column_int64(st, 2);
		history_col_text(st, 3, r->mode, sizeof(r->mode));
		history_col_text(st, 4, r->kernel, sizeof(r->kernel));
		history_col_text(st, 5, r->run_id, sizeof(r->run_id));
		history_col_text(st, 6, r->path, sizeof(r->path));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return -EIO;
	}
	*out = v;
	return 0;
}

int history_series(struct history *h, long long fp, const char *bench, const char *mode,
		   enum history_metric metric, const char *phase, struct history_point **out,
		   size_t *n)
{
	static const char *const sql_bench =
		"SELECT r.night_id, b.figure, b.lo, b.hi, b.p99, b.id FROM benches b"
		" JOIN runs r ON r.id = b.run_id JOIN nights n ON n.id = r.night_id"
		" WHERE r.fingerprint_id = ? AND b.name = ? AND r.mode = ? AND r.kernel = 'stock'"
		" AND b.status = 'ok' AND b.figure IS NOT NULL ORDER BY n.position, n.id, r.id";
	/* the phases: the instrumented kernel's runs where there are any, else the stock one's
	 * (exit_to_reenter of the stock tracepoints) */
	static const char *const sql_phase =
		"SELECT r.night_id, coalesce(p.mean, p.median), NULL, NULL, p.p99, b.id FROM phases p"
		" JOIN benches b ON b.id = p.bench_id JOIN runs r ON r.id = b.run_id"
		" JOIN nights n ON n.id = r.night_id WHERE r.fingerprint_id = ? AND b.name = ?"
		" AND r.mode = ? AND p.name = ? AND coalesce(p.mean, p.median) IS NOT NULL"
		/* the benchmark's own round trips: measured, exiting, and enough of them */
		" AND b.status = 'ok' AND b.exits_per_iteration >= 0.5 AND p.count >= 100"
		" AND (r.kernel = 'instrumented' OR NOT EXISTS (SELECT 1 FROM runs r2"
		"  WHERE r2.night_id = r.night_id AND r2.kernel = 'instrumented'"
		"  AND r2.fingerprint_id = r.fingerprint_id AND r2.mode = r.mode))"
		" ORDER BY n.position, n.id, r.id";
	struct history_point *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	char err[256];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, metric == HM_PHASE ? sql_phase : sql_bench, err, sizeof(err)))
		return -EIO;
	sqlite3_bind_int64(st, 1, fp);
	history_bind_text(st, 2, bench);
	history_bind_text(st, 3, mode);
	if (metric == HM_PHASE)
		history_bind_text(st, 4, phase);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct history_point *p;
		long long night = sqlite3_column_int64(st, 0);

		/* one point a night: the night's first run of that kind */
		if (*n && v[*n - 1].night_id == night)
			continue;
		if (!history_grow((void **)&v, *n, &cap, sizeof(*v))) {
			rc = SQLITE_NOMEM;
			break;
		}
		p = &v[(*n)++];
		p->night_id = night;
		p->value = history_col_num(st, 1);
		p->lo = history_col_num(st, 2);
		p->hi = history_col_num(st, 3);
		p->p99 = history_col_num(st, 4);
		p->bench_id = sqlite3_column_int64(st, 5);
		if (metric == HM_P99)
			p->value = p->p99, p->lo = p->hi = NAN;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return -EIO;
	}
	*out = v;
	return 0;
}

int history_names(struct history *h, long long fp, char (**pairs)[64], size_t *npairs,
		  char (**phases)[32], size_t *nphases)
{
	static const char *const sql[2] = {
		"SELECT DISTINCT r.mode || char(9) || b.name FROM benches b JOIN runs r ON"
		" r.id = b.run_id WHERE r.fingerprint_id = ? AND r.kernel = 'stock' ORDER BY 1",
		"SELECT p.name FROM phases p JOIN benches b ON b.id = p.bench_id JOIN runs r ON"
		" r.id = b.run_id WHERE r.fingerprint_id = ? GROUP BY p.name ORDER BY min(p.ord)",
	};
	char err[256];
	int ret = 0;

	*pairs = NULL;
	*phases = NULL;
	*npairs = *nphases = 0;
	for (int q = 0; q < 2 && !ret; q++) {
		size_t cap = 0, *n = q ? nphases : npairs, width = q ? 32 : 64;
		char *v = NULL;
		sqlite3_stmt *st;
		int rc;

		if (history_prep(h, &st, sql[q], err, sizeof(err)))
			return -EIO;
		sqlite3_bind_int64(st, 1, fp);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!history_grow((void **)&v, *n, &cap, width)) {
				rc = SQLITE_NOMEM;
				break;
			}
			history_col_text(st, 0, v + width * (*n)++, width);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			ret = -EIO;
		if (q)
			*phases = (char (*)[32])v;
		else
			*pairs = (char (*)[64])v;
	}
	if (ret) {
		free(*pairs);
		free(*phases);
		*pairs = NULL;
		*phases = NULL;
		*npairs = *nphases = 0;
	}
	return ret;
}

int history_last_status(struct history *h, long long fp, const char *bench, const char *mode,
			char *status, size_t slen, char *reason, size_t rlen)
{
	sqlite3_stmt *st;
	char err[256];
	int rc;

	if (history_prep(h, &st, "SELECT b.status, b.reason FROM benches b JOIN runs r ON r.id = b.run_id"
		 " JOIN nights n ON n.id = r.night_id WHERE r.fingerprint_id = ? AND b.name = ?"
		 " AND r.mode = ? AND r.kernel = 'stock' ORDER BY n.position DESC, n.id DESC LIMIT 1",
		 err, sizeof(err)))
		return -EIO;
	sqlite3_bind_int64(st, 1, fp);
	history_bind_text(st, 2, bench);
	history_bind_text(st, 3, mode);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		history_col_text(st, 0, status, slen);
		history_col_text(st, 1, reason, rlen);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : -EIO;
}

int history_hist(struct history *h, long long bench_id, struct hist **out)
{
	sqlite3_stmt *st;
	char err[256];
	const unsigned char *b;
	int len, ret = 0;

	*out = NULL;
	if (history_prep(h, &st, "SELECT hist FROM benches WHERE id = ?", err, sizeof(err)))
		return -EIO;
	sqlite3_bind_int64(st, 1, bench_id);
	if (sqlite3_step(st) == SQLITE_ROW && (b = sqlite3_column_blob(st, 0)) &&
	    (len = sqlite3_column_bytes(st, 0)) >= 24 && len % 16 == 8) {
		ret = hist_init(get64(b), get64(b + 8), (int)get64(b + 16), out);
		for (int k = 24; !ret && k < len; k += 16)
			ret = hist_record_n(*out, get64(b + k), get64(b + k + 8));
		if (ret) {
			hist_free(*out);
			*out = NULL;
		}
	}
	sqlite3_finalize(st);
	return ret;
}
