// SPDX-License-Identifier: MIT
/* Changes and alerts of the nightly history (see alerts.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "alerts.h"
#include "history_db.h"
#include "detect.h"

/* phases that are no part of the kernel's path: never "the phase that moved" */
static const char *const not_path[] = { "trace", "vcpu_run", "round_trip", "exit_to_reenter" };

void alerts_opts_default(struct alerts_opts *o)
{
	*o = (struct alerts_opts){ .threshold_pct = 1, .floor = 0, .p_value = 0.001 };
}

/* ---- detect ---- */

/* the nights of a series that already hold a change that is being (or was) dealt with */
static int known_changes(struct history *h, long long fp, const char *bench, const char *mode,
			 const char *metric, long long **nights, size_t *n)
{
	sqlite3_stmt *st;
	char err[64];
	size_t cap = 0;
	int rc;

	*nights = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT night_after FROM changes WHERE fingerprint_id = ? AND benchmark = ?"
		 " AND mode = ? AND metric = ?", err, sizeof(err)))
		return -EIO;
	sqlite3_bind_int64(st, 1, fp);
	history_bind_text(st, 2, bench);
	history_bind_text(st, 3, mode);
	history_bind_text(st, 4, metric);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!history_grow((void **)nights, *n, &cap, sizeof(**nights))) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*nights)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* index of night id in pts (or n) */
static size_t index_of(const struct history_point *pts, size_t n, long long night)
{
	for (size_t i = 0; i < n; i++)
		if (pts[i].night_id == night)
			return i;
	return n;
}

/*
 * Instruction counting is exact wherever it runs: the emulated host's icount mode, and a
 * native series of a "native" host that is itself emulated with -icount shift=0 (make
 * native-check; its fingerprint's icount says so). A real POWER host's never is.
 */
static int exact_series(struct history *h, long long fp, const char *mode)
{
	sqlite3_stmt *st;
	char icount[16] = "", err[256];

	if (history_mode_icount(mode))
		return 1;
	if (strcmp(mode, "native") ||
	    history_prep(h, &st, "SELECT icount FROM fingerprints WHERE id = ?", err, sizeof(err)))
		return 0;
	sqlite3_bind_int64(st, 1, fp);
	if (sqlite3_step(st) == SQLITE_ROW)
		history_col_text(st, 0, icount, sizeof(icount));
	sqlite3_finalize(st);
	return !strcmp(icount, "shift=0");
}

static int detect_series(struct history *h, const struct alerts_opts *o, long long fp,
			 const char *mode, const char *bench, enum history_metric m,
			 const char *phase, struct alerts_detect_report *rep, char *err, size_t len)
{
	struct history_point *pts = NULL;
	struct detect_point *cp = NULL;
	struct detect_opts d;
	long long *known = NULL;
	size_t n = 0, ncp = 0, nknown = 0;
	double *v = NULL;
	char metric[40], now[32];
	int ret;

	snprintf(metric, sizeof(metric), "%s%s", m == HM_MEDIAN ? "median" : m == HM_P99 ? "p99" :
		 "phase:", m == HM_PHASE ? phase : "");
	if ((ret = history_series(h, fp, bench, mode, m, phase, &pts, &n)))
		return history_err(err, len, ret, "%s: reading the series %s %s %s", history_path(h), mode,
			    bench, metric);
	rep->series++;
	if (n < 2)
		goto out;
	v = malloc(n * sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = pts[i].value;
	/* instruction-count mode is exact for the night's figure and the phases' trimmed means;
	 * p99 of the batches follows where the host's interrupts land, as noisy as plain */
	if (exact_series(h, fp, mode) && m != HM_P99) {
		detect_opts_exact(&d);
	} else {
		detect_opts_default(&d);
		d.p_value = o->p_value;
	}
	if ((ret = detect_changes(v, n, &d, &cp, &ncp)) ||
	    (ret = known_changes(h, fp, bench, mode, metric, &known, &nknown))) {
		history_err(err, len, ret, "%s: change points of %s %s %s: %s", history_path(h), mode, bench,
		     metric, strerror(-ret));
		goto out;
	}
	history_now(now, sizeof(now));
	for (size_t i = 0; i < ncp && !ret; i++) {
		const struct detect_point *p = &cp[i];
		const char *state;
		sqlite3_stmt *st;
		int near = 0;

		rep->points++;
		/* an E-Divisive point moves a night or two as nights come: the same change */
		for (size_t k = 0; k < nknown; k++) {
			size_t at = index_of(pts, n, known[k]);

			if (at < n && (d.exact ? at == p->index :
				       (at > p->index ? at - p->index : p->index - at) < d.min_segment))
				near = 1;
		}
		if (near)
			continue;
		if (m != HM_MEDIAN)
			state = "observed";
		else if (fabs(p->change_pct) >= o->threshold_pct && fabs(p->change) >= o->floor)
			state = "candidate";
		else
			state = "below-threshold";
		if ((ret = history_prep(h, &st, "INSERT OR IGNORE INTO changes(fingerprint_id, benchmark, mode,"
				" metric, night_before, night_after, before, after, change, change_pct, p,"
				" method, state, note, detected) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'',?)",
				err, len)))
			break;
		sqlite3_bind_int64(st, 1, fp);
		history_bind_text(st, 2, bench);
		history_bind_text(st, 3, mode);
		history_bind_text(st, 4, metric);
		sqlite3_bind_int64(st, 5, pts[p->index - 1].night_id);
		sqlite3_bind_int64(st, 6, pts[p->index].night_id);
		sqlite3_bind_double(st, 7, p->before);
		sqlite3_bind_double(st, 8, p->after);
		sqlite3_bind_double(st, 9, p->change);
		history_bind_num(st, 10, p->change_pct);
		sqlite3_bind_double(st, 11, p->p);
		history_bind_text(st, 12, d.exact ? "exact" : "e-divisive");
		history_bind_text(st, 13, state);
		history_bind_text(st, 14, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = history_db_fail(h, err, len, "storing a change");
		sqlite3_finalize(st);
		if (ret || !sqlite3_changes(history_db(h)))
			continue;
		rep->new_changes++;
		rep->new_candidates += !strcmp(state, "candidate");
		rep->below_threshold += !strcmp(state, "below-threshold");
		rep->observed += !strcmp(state, "observed");
	}
out:
	free(pts);
	free(cp);
	free(v);
	free(known);
	return ret;
}

static int candidates(struct history *h, struct alerts_candidate **out, size_t *n, char *err,
		      size_t len)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT c.fingerprint_id, c.mode, c.night_before, c.night_after,"
		 " b.commit_id, a.commit_id, group_concat(c.benchmark, ' ') FROM changes c"
		 " JOIN nights b ON b.id = c.night_before JOIN nights a ON a.id = c.night_after"
		 " WHERE c.state = 'candidate' GROUP BY c.fingerprint_id, c.mode, c.night_before,"
		 " c.night_after ORDER BY a.position, c.mode", err, len))
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct alerts_candidate *c;

		if (!history_grow((void **)out, *n, &cap, sizeof(*c))) {
			rc = SQLITE_NOMEM;
			break;
		}
		c = &(*out)[(*n)++];
		c->fp = sqlite3_column_int64(st, 0);
		history_col_text(st, 1, c->mode, sizeof(c->mode));
		c->night_before = sqlite3_column_int64(st, 2);
		c->night_after = sqlite3_column_int64(st, 3);
		history_col_text(st, 4, c->commit_before, sizeof(c->commit_before));
		history_col_text(st, 5, c->commit_after, sizeof(c->commit_after));
		history_col_text(st, 6, c->benchmarks, sizeof(c->benchmarks));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return history_db_fail(h, err, len, "listing candidates");
	}
	return 0;
}

int alerts_detect(struct history *h, const struct alerts_opts *o, struct alerts_candidate **cand,
		  size_t *ncand, struct alerts_detect_report *rep, char *err, size_t len)
{
	struct history_fp *fps = NULL;
	size_t nfp = 0;
	int ret;

	memset(rep, 0, sizeof(*rep));
	*cand = NULL;
	*ncand = 0;
	if ((ret = history_fingerprints(h, &fps, &nfp)))
		return history_db_fail(h, err, len, "reading fingerprints");
	if ((ret = history_exec(h, "BEGIN IMMEDIATE", err, len))) {
		free(fps);
		return ret;
	}
	for (size_t f = 0; f < nfp && !ret; f++) {
		char (*pairs)[64] = NULL, (*phases)[32] = NULL;
		size_t np = 0, nph = 0;

		if ((ret = history_names(h, fps[f].id, &pairs, &np, &phases, &nph))) {
			history_db_fail(h, err, len, "reading series names");
			break;
		}
		for (size_t i = 0; i < np && !ret; i++) {
			char mode[16], *bench = strchr(pairs[i], '\t');

			if (!bench)
				continue;
			snprintf(mode, sizeof(mode), "%.*s", (int)(bench - pairs[i]), pairs[i]);
			bench++;
			ret = detect_series(h, o, fps[f].id, mode, bench, HM_MEDIAN, NULL, rep, err, len);
			if (!ret)
				ret = detect_series(h, o, fps[f].id, mode, bench, HM_P99, NULL, rep, err,
						    len);
			for (size_t k = 0; k < nph && !ret; k++)
				ret = detect_series(h, o, fps[f].id, mode, bench, HM_PHASE, phases[k], rep,
						    err, len);
		}
		free(pairs);
		free(phases);
	}
	free(fps);
	if (!ret)
		ret = history_exec(h, "COMMIT", err, len);
	if (ret) {
		sqlite3_exec(history_db(h), "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	return candidates(h, cand, ncand, err, len);
}

/* ---- confirm ---- */

/*
 * b's samples against a's, as exitbench compare takes them (stat: res_auto_stat's); two
 * constant sides are compared exactly (the difference, no interval). 0, or -EINVAL (too few
 * runs).
 */
static int compare_bench(const struct res_bench *a, const struct res_bench *b, int stat,
			 const struct cmp_opts *co, struct cmp_result *r)
{
	double *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0;
	int ret;

	if (res_samples(a, stat, &va, &na) || res_samples(b, stat, &vb, &nb)) {
		free(va);
		free(vb);
		return -EINVAL;
	}
	ret = cmp_compare(va, na, vb, nb, co, r);
	if (ret == -EDOM && na && nb && va[0] != 0) {
		/* both constant: the difference is exact */
		memset(r, 0, sizeof(*r));
		r->na = na;
		r->nb = nb;
		r->mean_a = r->median_a = va[0];
		r->mean_b = r->median_b = vb[0];
		r->diff = r->diff_lo = r->diff_hi = vb[0] - va[0];
		r->change_pct = r->ci_pct_lo = r->ci_pct_hi = 100 * r->diff / va[0];
		r->verdict = r->diff > 0 ? CMP_REGRESSION : r->diff < 0 ? CMP_IMPROVEMENT : CMP_NO_CHANGE;
		ret = 0;
	}
	free(va);
	free(vb);
	return ret;
}

/*
 * The candidates' benchmarks of a sequential comparison, judged as exitbench compare
 * --sequential judges them: each by its confidence sequence, all at the round where every
 * one had decided (or at their last). r[i] as compare_bench gives it; ok[i] 0 when
 * benchmark i was not measured on both sides or could not be judged.
 */
static void seq_judge(const struct results *base, const struct results *patched,
		      char (*bench)[EB_NAME_LEN], size_t n, int icount, double until,
		      struct cmp_result *r, int *ok)
{
	struct cseq_result q[64], judged[64];
	struct cseq_opts so;
	size_t look, k = 0;

	cseq_opts_default(&so);
	so.until_pct = until;
	for (int pass = 0; pass < 2; pass++) {
		look = pass ? cseq_stop_look(judged, k) : 0;
		if (pass && !look)
			break;	/* one has not decided: each at its last round */
		for (size_t i = 0; i < n; i++) {
			const struct res_bench *a = res_find((struct results *)base, bench[i]);
			const struct res_bench *b = res_find((struct results *)patched, bench[i]);
			double floor;

			if (!pass)
				ok[i] = a && b && a->status == RES_OK && b->status == RES_OK;
			if (!ok[i])
				continue;
			floor = icount ? cseq_icount_floor(base->tb_hz, a->claimed_exits_per_iteration) : 0;
			ok[i] = !cseq_bench(a, b, res_auto_stat(base), floor, look, &so, &q[i]);
			if (ok[i] && !pass)
				judged[k++] = q[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		if (!ok[i])
			continue;
		r[i].na = r[i].nb = q[i].rounds;
		r[i].mean_a = r[i].median_a = q[i].mean_a;
		r[i].mean_b = r[i].median_b = q[i].mean_b;
		r[i].diff = q[i].change;
		r[i].diff_lo = q[i].lo;
		r[i].diff_hi = q[i].hi;
		r[i].change_pct = q[i].change_pct;
		r[i].ci_pct_lo = q[i].lo_pct;
		r[i].ci_pct_hi = q[i].hi_pct;
		r[i].verdict = q[i].verdict;
	}
}

/* the phase of bench whose median moved most in the direction of sign, between two nights */
static void phase_moved(struct history *h, long long fp, const char *mode, const char *bench,
			long long before, long long after, double sign, char *name, size_t len,
			double *moved)
{
	char (*pairs)[64] = NULL, (*phases)[32] = NULL;
	size_t np = 0, nph = 0;
	double best = 0;

	name[0] = '\0';
	*moved = NAN;
	if (history_names(h, fp, &pairs, &np, &phases, &nph))
		return;
	for (size_t k = 0; k < nph; k++) {
		struct history_point *pts = NULL;
		size_t n = 0, ib, ia;
		int skip = 0;

		for (size_t j = 0; j < sizeof(not_path) / sizeof(not_path[0]); j++)
			skip |= !strcmp(phases[k], not_path[j]);
		if (skip || history_series(h, fp, bench, mode, HM_PHASE, phases[k], &pts, &n))
			continue;
		ib = index_of(pts, n, before);
		ia = index_of(pts, n, after);
		if (ib < n && ia < n) {
			double d = pts[ia].value - pts[ib].value;

			if (d * sign > best) {
				best = d * sign;
				snprintf(name, len, "%s", phases[k]);
				*moved = d;
			}
		}
		free(pts);
	}
	free(pairs);
	free(phases);
}

int alerts_confirm(struct history *h, const struct alerts_opts *o, long long fp, const char *mode,
		   long long night_before, long long night_after, const struct results *base,
		   const struct results *patched, const char *comparison,
		   struct alerts_confirm_report *rep, char *err, size_t len)
{
	struct cmp_opts co;
	sqlite3_stmt *st;
	/*
	 * the comparison's figures as exitbench compare took them: instruction counted by what
	 * its results say, not by the series' mode (a native series of a host emulated with
	 * -icount shift=0 is counted too: its per-run means carry the host's timer interrupts)
	 */
	int ret, rc, found = 0, icount = res_icount(base), seq_ok[64];
	struct cmp_result seq_r[64];
	struct {
		long long id;
		char bench[EB_NAME_LEN];
		double change;
	} c[64];
	size_t nc = 0;
	char now[32], commit[64] = "", subject[512] = "";

	memset(rep, 0, sizeof(*rep));
	cmp_opts_default(&co);
	co.threshold_pct = o->threshold_pct;
	if ((ret = history_prep(h, &st, "SELECT c.id, c.benchmark, c.change, n.commit_id, n.subject FROM"
			" changes c JOIN nights n ON n.id = c.night_after WHERE c.fingerprint_id = ?"
			" AND c.mode = ? AND c.night_before = ? AND c.night_after = ?"
			" AND c.state = 'candidate'", err, len)))
		return ret;
	sqlite3_bind_int64(st, 1, fp);
	history_bind_text(st, 2, mode);
	sqlite3_bind_int64(st, 3, night_before);
	sqlite3_bind_int64(st, 4, night_after);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && nc < 64) {
		c[nc].id = sqlite3_column_int64(st, 0);
		history_col_text(st, 1, c[nc].bench, sizeof(c[nc].bench));
		c[nc].change = sqlite3_column_double(st, 2);
		history_col_text(st, 3, commit, sizeof(commit));
		history_col_text(st, 4, subject, sizeof(subject));
		nc++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return history_db_fail(h, err, len, "reading candidates");
	if (!nc)
		return history_err(err, len, -ENOENT, "%s: no candidate change between nights %lld and %lld "
			    "(%s)", history_path(h), night_before, night_after, mode);
	if (o->sequential) {
		char names[64][EB_NAME_LEN];

		for (size_t i = 0; i < nc; i++)
			snprintf(names[i], sizeof(names[i]), "%s", c[i].bench);
		seq_judge(base, patched, names, nc, icount, o->until_pct, seq_r, seq_ok);
	}
	if ((ret = history_exec(h, "BEGIN IMMEDIATE", err, len)))
		return ret;
	history_now(now, sizeof(now));
	for (size_t i = 0; i < nc && !ret; i++) {
		const struct res_bench *a = res_find((struct results *)base, c[i].bench);
		const struct res_bench *b = res_find((struct results *)patched, c[i].bench);
		struct cmp_result r;
		char note[256], phase[32];
		double moved;
		int same_way, judged;

		found++;
		if (o->sequential) {
			judged = seq_ok[i];
			r = seq_r[i];
		} else {
			judged = a && b && a->status == RES_OK && b->status == RES_OK &&
				 !compare_bench(a, b, res_auto_stat(base), &co, &r);
		}
		if (!judged) {
			snprintf(note, sizeof(note), "not confirmed: the comparison did not measure %s "
				 "on both sides", c[i].bench);
			same_way = 0;
			r.verdict = CMP_INCONCLUSIVE;
		} else {
			same_way = (r.verdict == CMP_REGRESSION && c[i].change > 0) ||
				   (r.verdict == CMP_IMPROVEMENT && c[i].change < 0);
			snprintf(note, sizeof(note), "A/B%s: %s, %+.3f ticks (%+.3f%%) [%+.3f, %+.3f]",
				 o->sequential ? " (sequential)" : "", cmp_verdict_name(r.verdict), r.diff,
				 r.change_pct, r.diff_lo, r.diff_hi);
		}
		if ((ret = history_prep(h, &st, "UPDATE changes SET state = ?, note = ? WHERE id = ?", err, len)))
			break;
		history_bind_text(st, 1, same_way ? "confirmed" : "unconfirmed");
		history_bind_text(st, 2, note);
		sqlite3_bind_int64(st, 3, c[i].id);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = history_db_fail(h, err, len, "updating a change");
		sqlite3_finalize(st);
		if (ret)
			break;
		if (!same_way) {
			rep->unconfirmed++;
			continue;
		}
		rep->confirmed++;
		if (r.verdict == CMP_REGRESSION && cmp_regressed(&r, &co))
			rep->new_regressions++;
		phase_moved(h, fp, mode, c[i].bench, night_before, night_after, r.diff > 0 ? 1 : -1,
			    phase, sizeof(phase), &moved);
		if ((ret = history_prep(h, &st, "INSERT INTO alerts(change_id, commit_id, subject, verdict,"
				" change, change_pct, ci_lo, ci_hi, ci_pct_lo, ci_pct_hi, phase,"
				" phase_change, bisect, bisect_log, comparison, created)"
				" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'pending','',?,?)", err, len)))
			break;
		sqlite3_bind_int64(st, 1, c[i].id);
		history_bind_text(st, 2, commit);
		history_bind_text(st, 3, subject);
		history_bind_text(st, 4, cmp_verdict_name(r.verdict));
		history_bind_num(st, 5, r.diff);
		history_bind_num(st, 6, r.change_pct);
		history_bind_num(st, 7, r.diff_lo);
		history_bind_num(st, 8, r.diff_hi);
		history_bind_num(st, 9, r.ci_pct_lo);
		history_bind_num(st, 10, r.ci_pct_hi);
		history_bind_text(st, 11, phase);
		history_bind_num(st, 12, moved);
		history_bind_text(st, 13, comparison ? comparison : "");
		history_bind_text(st, 14, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = history_db_fail(h, err, len, "storing an alert");
		sqlite3_finalize(st);
	}
	if (!ret)
		ret = history_exec(h, "COMMIT", err, len);
	if (ret)
		sqlite3_exec(history_db(h), "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

int alerts_blame(struct history *h, long long fp, const char *mode, long long night_before,
		 long long night_after, const char *commit, const char *subject, const char *how,
		 const char *log, char *err, size_t len)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = history_prep(h, &st, "UPDATE alerts SET commit_id = ?, subject = ?, bisect = ?,"
			" bisect_log = ? WHERE change_id IN (SELECT id FROM changes WHERE"
			" fingerprint_id = ? AND mode = ? AND night_before = ? AND night_after = ?)",
			err, len)))
		return ret;
	history_bind_text(st, 1, commit);
	history_bind_text(st, 2, subject);
	history_bind_text(st, 3, how);
	history_bind_text(st, 4, log ? log : "");
	sqlite3_bind_int64(st, 5, fp);
	history_bind_text(st, 6, mode);
	sqlite3_bind_int64(st, 7, night_before);
	sqlite3_bind_int64(st, 8, night_after);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = history_db_fail(h, err, len, "updating alerts");
	sqlite3_finalize(st);
	if (!ret && !sqlite3_changes(history_db(h)))
		ret = history_err(err, len, -ENOENT, "%s: no alert between nights %lld and %lld (%s)",
			   history_path(h), night_before, night_after, mode);
	return ret;
}

/* ---- reading ---- */

int alerts_list(struct history *h, struct res_alert **out, size_t *n)
{
	struct history_fp *fps = NULL;
	size_t nfp = 0, cap = 0;
	sqlite3_stmt *st;
	char err[64];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_fingerprints(h, &fps, &nfp))
		return -EIO;
	if (history_prep(h, &st, "SELECT a.id, c.benchmark, c.mode, c.metric, a.commit_id, a.subject,"
		 " nb.commit_id, na.commit_id, a.verdict, a.change, a.change_pct, a.ci_lo, a.ci_hi,"
		 " a.ci_pct_lo, a.ci_pct_hi, c.before, c.after, a.phase, a.phase_change, a.bisect,"
		 " a.bisect_log, a.comparison, a.state, a.created, c.fingerprint_id,"
		 " c.night_before, c.night_after FROM alerts a JOIN changes c ON c.id = a.change_id"
		 " JOIN nights nb ON nb.id = c.night_before JOIN nights na ON na.id = c.night_after"
		 " ORDER BY na.position DESC, a.id DESC", err, sizeof(err))) {
		free(fps);
		return -EIO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct res_alert *a;

		if (!history_grow((void **)out, *n, &cap, sizeof(*a))) {
			rc = SQLITE_NOMEM;
			break;
		}
		a = &(*out)[(*n)++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		history_col_text(st, 1, a->benchmark, sizeof(a->benchmark));
		history_col_text(st, 2, a->mode, sizeof(a->mode));
		history_col_text(st, 3, a->metric, sizeof(a->metric));
		history_col_text(st, 4, a->commit, sizeof(a->commit));
		history_col_text(st, 5, a->subject, sizeof(a->subject));
		history_col_text(st, 6, a->commit_before, sizeof(a->commit_before));
		history_col_text(st, 7, a->commit_after, sizeof(a->commit_after));
		history_col_text(st, 8, a->verdict, sizeof(a->verdict));
		a->change = history_col_num(st, 9);
		a->change_pct = history_col_num(st, 10);
		a->ci_lo = history_col_num(st, 11);
		a->ci_hi = history_col_num(st, 12);
		a->ci_pct_lo = history_col_num(st, 13);
		a->ci_pct_hi = history_col_num(st, 14);
		a->before = history_col_num(st, 15);
		a->after = history_col_num(st, 16);
		history_col_text(st, 17, a->phase, sizeof(a->phase));
		a->phase_change = history_col_num(st, 18);
		history_col_text(st, 19, a->bisect, sizeof(a->bisect));
		history_col_text(st, 20, a->bisect_log, sizeof(a->bisect_log));
		history_col_text(st, 21, a->comparison, sizeof(a->comparison));
		history_col_text(st, 22, a->state, sizeof(a->state));
		history_col_text(st, 23, a->created, sizeof(a->created));
		a->fp = sqlite3_column_int64(st, 24);
		a->night_before = sqlite3_column_int64(st, 25);
		a->night_after = sqlite3_column_int64(st, 26);
		for (size_t f = 0; f < nfp; f++)
			if (fps[f].id == a->fp)
				snprintf(a->fingerprint, sizeof(a->fingerprint), "%s", fps[f].summary);
	}
	sqlite3_finalize(st);
	free(fps);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -EIO;
	}
	return 0;
}

int alerts_triage(struct history *h, long long id, const char *state, char *err, size_t len)
{
	static const char *const states[] = { "new", "ack", "invalid", "expected" };
	sqlite3_stmt *st;
	int ret, ok = 0;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		ok |= !strcmp(state, states[i]);
	if (!ok)
		return history_err(err, len, -EINVAL, "%s: not a triage state (new, ack, invalid, expected)",
			    state);
	if ((ret = history_prep(h, &st, "UPDATE alerts SET state = ? WHERE id = ?", err, len)))
		return ret;
	history_bind_text(st, 1, state);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = history_db_fail(h, err, len, "updating an alert");
	sqlite3_finalize(st);
	if (!ret && !sqlite3_changes(history_db(h)))
		ret = history_err(err, len, -ENOENT, "%s: no alert %lld (exitbench history alerts lists them)",
			   history_path(h), id);
	return ret;
}

int alerts_changes(struct history *h, struct alerts_change **out, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	char err[64];
	int rc;

	*out = NULL;
	*n = 0;
	if (history_prep(h, &st, "SELECT c.id, c.fingerprint_id, c.night_before, c.night_after, c.benchmark,"
		 " c.mode, c.metric, c.state, c.note, c.before, c.after, c.change, c.change_pct FROM"
		 " changes c JOIN nights n ON n.id = c.night_after ORDER BY n.position, c.id", err,
		 sizeof(err)))
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct alerts_change *c;

		if (!history_grow((void **)out, *n, &cap, sizeof(*c))) {
			rc = SQLITE_NOMEM;
			break;
		}
		c = &(*out)[(*n)++];
		c->id = sqlite3_column_int64(st, 0);
		c->fp = sqlite3_column_int64(st, 1);
		c->night_before = sqlite3_column_int64(st, 2);
		c->night_after = sqlite3_column_int64(st, 3);
		history_col_text(st, 4, c->benchmark, sizeof(c->benchmark));
		history_col_text(st, 5, c->mode, sizeof(c->mode));
		history_col_text(st, 6, c->metric, sizeof(c->metric));
		history_col_text(st, 7, c->state, sizeof(c->state));
		history_col_text(st, 8, c->note, sizeof(c->note));
		c->before = history_col_num(st, 9);
		c->after = history_col_num(st, 10);
		c->change = history_col_num(st, 11);
		c->change_pct = history_col_num(st, 12);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -EIO;
	}
	return 0;
}

void alerts_text(const struct res_alert *a, char *buf, size_t len)
{
	char phase[128] = "";

	if (a->phase[0])
		snprintf(phase, sizeof(phase), "\nwhere: the %s phase moved most (%+.1f ticks)",
			 a->phase, a->phase_change);
	snprintf(buf, len,
		 "exitbench nightly: %s %s, %s (%s mode)\n"
		 "commit: %s (\"%s\")\n"
		 "change: %+.3f ticks per iteration (%+.2f%%), 95%% interval [%+.3f, %+.3f] ticks "
		 "([%+.2f%%, %+.2f%%]), A/B on the same host\n"
		 "nights: %.12s %.3f -> %.12s %.3f ticks%s\n"
		 "found: %s\n"
		 "measured on: %s",
		 a->benchmark, a->verdict, a->metric, a->mode, a->commit, a->subject, a->change,
		 a->change_pct, a->ci_lo, a->ci_hi, a->ci_pct_lo, a->ci_pct_hi, a->commit_before,
		 a->before, a->commit_after, a->after, phase, a->bisect, a->fingerprint);
}
