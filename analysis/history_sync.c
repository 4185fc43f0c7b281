// SPDX-License-Identifier: MIT
/*
 * One host's changes and alerts, from its own history into a fleet's (docs/design.md, "A
 * fleet of hosts"). A host detects, confirms A/B and bisects on its own machine; the fleet's
 * master holds its nights (imported from night.json) and takes its changes and alerts as
 * this file describes them:
 *
 *   {"exitbench_changes": 1, "host": H, "changes": [
 *      {"fingerprint": KEY, "benchmark", "mode", "metric", "before_tree", "before_commit",
 *       "after_tree", "after_commit", "before", "after", "change", "change_pct", "p",
 *       "method", "state", "note", "detected", "alert": null | {"commit_id", "subject",
 *       "verdict", "change", "change_pct", "ci_lo", "ci_hi", "ci_pct_lo", "ci_pct_hi",
 *       "phase", "phase_change", "bisect", "bisect_log", "comparison", "state",
 *       "created"}}, ...]}
 *
 * Nights are named by (host, tree, commit) and environments by their fingerprint's key,
 * which are the same in every history; ids are not.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "history.h"
#include "history_db.h"

#define FORMAT 1

/* the alert's columns, in the order of both statements below */
static const char *const alert_cols[] = {
	"commit_id", "subject", "verdict", "change", "change_pct", "ci_lo", "ci_hi", "ci_pct_lo",
	"ci_pct_hi", "phase", "phase_change", "bisect", "bisect_log", "comparison", "state",
	"created",
};
#define NALERT (sizeof(alert_cols) / sizeof(alert_cols[0]))

static json_t *column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	default:
		return json_string((const char *)sqlite3_column_text(st, i));
	}
}

int history_export_changes(struct history *h, const char *host, FILE *f, size_t *nchanges,
			   size_t *nalerts, char *err, size_t len)
{
	static const char sql[] =
		"SELECT f.key AS fingerprint, c.benchmark, c.mode, c.metric, nb.tree AS before_tree,"
		" nb.commit_id AS before_commit, na.tree AS after_tree, na.commit_id AS after_commit,"
		" c.before, c.after, c.change, c.change_pct, c.p, c.method, c.state, c.note,"
		" c.detected, a.id, a.commit_id, a.subject, a.verdict, a.change, a.change_pct,"
		" a.ci_lo, a.ci_hi, a.ci_pct_lo, a.ci_pct_hi, a.phase, a.phase_change, a.bisect,"
		" a.bisect_log, a.comparison, a.state, a.created"
		" FROM changes c JOIN fingerprints f ON f.id = c.fingerprint_id"
		" JOIN nights nb ON nb.id = c.night_before JOIN nights na ON na.id = c.night_after"
		" LEFT JOIN alerts a ON a.change_id = c.id WHERE f.host = ? ORDER BY c.id";
	const int nchange_cols = 17;
	json_t *doc, *arr;
	sqlite3_stmt *st;
	int rc, ret;

	*nchanges = *nalerts = 0;
	if ((ret = history_prep(h, &st, sql, err, len)))
		return ret;
	history_bind_text(st, 1, host);
	doc = json_pack("{s:i, s:s, s:[]}", "exitbench_changes", FORMAT, "host", host, "changes");
	if (!doc) {
		sqlite3_finalize(st);
		return history_err(err, len, -ENOMEM, "out of memory");
	}
	arr = json_object_get(doc, "changes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *c = json_object(), *a = json_null();

		for (int i = 0; i < nchange_cols; i++)
			json_object_set_new(c, sqlite3_column_name(st, i), column_json(st, i));
		if (sqlite3_column_type(st, nchange_cols) != SQLITE_NULL) {
			json_decref(a);
			a = json_object();
			for (size_t k = 0; k < NALERT; k++)
				json_object_set_new(a, alert_cols[k],
						    column_json(st, nchange_cols + 1 + (int)k));
			(*nalerts)++;
		}
		json_object_set_new(c, "alert", a);
		json_array_append_new(arr, c);
		(*nchanges)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(doc);
		return history_db_fail(h, err, len, "reading changes");
	}
	ret = json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF;
	json_decref(doc);
	return ret ? history_err(err, len, -EIO, "writing the changes: %s", strerror(errno)) : 0;
}

/* bind the JSON value v (null, number, string) at i; -EINVAL for anything else */
static int bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	if (!v || json_is_null(v))
		return sqlite3_bind_null(st, i), 0;
	if (json_is_integer(v))
		return sqlite3_bind_int64(st, i, json_integer_value(v)), 0;
	if (json_is_real(v))
		return sqlite3_bind_double(st, i, json_real_value(v)), 0;
	if (json_is_string(v))
		return sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT), 0;
	return -EINVAL;
}

/* the id a one-row query with text parameters finds; 0 none, < 0 error */
static long long lookup(struct history *h, const char *sql, const char *const *args, int n,
			char *err, size_t len)
{
	sqlite3_stmt *st;
	long long id = 0;
	int rc;

	if (history_prep(h, &st, sql, err, len))
		return -EIO;
	for (int i = 0; i < n; i++)
		history_bind_text(st, i + 1, args[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return history_db_fail(h, err, len, "reading");
	return id;
}

static const char *str_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* one change (and its alert) of host: 1 stored, 0 skipped (its nights are not here) */
static int import_change(struct history *h, const char *host, const json_t *c, size_t idx,
			 int *alert, char *err, size_t len)
{
	static const char *const cols[] = { "benchmark", "mode", "metric", "before", "after",
					    "change", "change_pct", "p", "method", "state", "note",
					    "detected" };
	const char *fpq[2] = { str_of(c, "fingerprint"), host };
	const char *nbq[3] = { host, str_of(c, "before_tree"), str_of(c, "before_commit") };
	const char *naq[3] = { host, str_of(c, "after_tree"), str_of(c, "after_commit") };
	static const char nightq[] =
		"SELECT id FROM nights WHERE host = ? AND tree = ? AND commit_id = ?";
	const json_t *a = json_object_get(c, "alert");
	long long fp, nb, na, cid;
	sqlite3_stmt *st;
	int ret;

	static const char *const keys[] = { "fingerprint", "before_tree", "before_commit",
					    "after_tree", "after_commit", "benchmark", "mode",
					    "metric" };

	*alert = 0;
	if (!json_is_object(c) || (a && !json_is_null(a) && !json_is_object(a)))
		return history_err(err, len, -EINVAL, "change %zu: not an object", idx);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!json_is_string(json_object_get(c, keys[k])))
			return history_err(err, len, -EINVAL, "change %zu: no '%s' (a string)", idx,
					   keys[k]);
	fp = lookup(h, "SELECT id FROM fingerprints WHERE key = ? AND host = ?", fpq, 2, err, len);
	nb = fp > 0 ? lookup(h, nightq, nbq, 3, err, len) : fp;
	na = nb > 0 ? lookup(h, nightq, naq, 3, err, len) : nb;
	if (fp < 0 || nb < 0 || na < 0)
		return -EIO;
	if (!fp || !nb || !na)
		return 0;
	if ((ret = history_prep(h, &st,
			"INSERT INTO changes(fingerprint_id, night_before, night_after, benchmark, mode,"
			" metric, before, after, change, change_pct, p, method, state, note, detected)"
			" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			" ON CONFLICT (fingerprint_id, benchmark, mode, metric, night_after) DO UPDATE SET"
			" night_before = excluded.night_before, before = excluded.before,"
			" after = excluded.after, change = excluded.change,"
			" change_pct = excluded.change_pct, p = excluded.p, method = excluded.method,"
			" state = excluded.state, note = excluded.note, detected = excluded.detected"
			" RETURNING id", err, len)))
		return ret;
	sqlite3_bind_int64(st, 1, fp);
	sqlite3_bind_int64(st, 2, nb);
	sqlite3_bind_int64(st, 3, na);
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		if (bind_json(st, 4 + (int)k, json_object_get(c, cols[k]))) {
			sqlite3_finalize(st);
			return history_err(err, len, -EINVAL, "change %zu: '%s' is not a number, "
					   "a string or null", idx, cols[k]);
		}
	/* the change's id, added or brought up to date */
	ret = sqlite3_step(st);
	cid = ret == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!cid)
		return history_err(err, len, -EINVAL, "change %zu: %s", idx, sqlite3_errmsg(history_db(h)));
	if (!a || json_is_null(a))
		return 1;
	/* the alert: the host's figures; its triage the host's until the fleet's own */
	if ((ret = history_prep(h, &st,
			"INSERT INTO alerts(change_id, commit_id, subject, verdict, change, change_pct,"
			" ci_lo, ci_hi, ci_pct_lo, ci_pct_hi, phase, phase_change, bisect, bisect_log,"
			" comparison, state, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			" ON CONFLICT (change_id) DO UPDATE SET commit_id = excluded.commit_id,"
			" subject = excluded.subject, verdict = excluded.verdict, change = excluded.change,"
			" change_pct = excluded.change_pct, ci_lo = excluded.ci_lo, ci_hi = excluded.ci_hi,"
			" ci_pct_lo = excluded.ci_pct_lo, ci_pct_hi = excluded.ci_pct_hi,"
			" phase = excluded.phase, phase_change = excluded.phase_change,"
			" bisect = excluded.bisect, bisect_log = excluded.bisect_log,"
			" comparison = excluded.comparison,"
			" state = CASE WHEN alerts.state = 'new' THEN excluded.state ELSE alerts.state END",
			err, len)))
		return ret;
	sqlite3_bind_int64(st, 1, cid);
	for (size_t k = 0; k < NALERT; k++)
		if (bind_json(st, 2 + (int)k, json_object_get(a, alert_cols[k]))) {
			sqlite3_finalize(st);
			return history_err(err, len, -EINVAL, "change %zu: its alert's '%s' is not a "
					   "number, a string or null", idx, alert_cols[k]);
		}
	ret = sqlite3_step(st);
	sqlite3_finalize(st);
	if (ret != SQLITE_DONE)
		return history_err(err, len, -EINVAL, "change %zu: its alert: %s", idx,
				   sqlite3_errmsg(history_db(h)));
	*alert = 1;
	return 1;
}

int history_import_changes(struct history *h, const char *host, const char *path,
			   struct history_sync_report *rep, char *err, size_t len)
{
	json_error_t jerr;
	json_t *doc, *arr;
	char e[512];
	int ret = 0;

	memset(rep, 0, sizeof(*rep));
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		return history_err(err, len, -EINVAL, "%s: not JSON: %s (line %d)", path, jerr.text,
				   jerr.line);
	arr = json_object_get(doc, "changes");
	if (json_integer_value(json_object_get(doc, "exitbench_changes")) != FORMAT ||
	    !json_is_array(arr)) {
		json_decref(doc);
		return history_err(err, len, -EINVAL, "%s: not exitbench's changes (format %d)",
				   path, FORMAT);
	}
	if (strcmp(str_of(doc, "host"), host)) {
		ret = history_err(err, len, -EINVAL, "%s: the changes of host '%s', not '%s'", path,
				  str_of(doc, "host"), host);
		json_decref(doc);
		return ret;
	}
	if ((ret = history_exec(h, "BEGIN IMMEDIATE", err, len))) {
		json_decref(doc);
		return ret;
	}
	for (size_t i = 0; i < json_array_size(arr) && !ret; i++) {
		int alert, r = import_change(h, host, json_array_get(arr, i), i, &alert, e, sizeof(e));

		if (r < 0)
			ret = history_err(err, len, r, "%s: %s", path, e);
		else if (r == 0)
			rep->skipped++;
		else {
			rep->changes++;
			rep->alerts += alert;
		}
	}
	if (!ret)
		ret = history_exec(h, "COMMIT", err, len);
	if (ret)
		sqlite3_exec(history_db(h), "ROLLBACK", NULL, NULL, NULL);
	json_decref(doc);
	return ret;
}
