/* SPDX-License-Identifier: MIT */
/*
 * Changes and alerts of the nightly history (docs/design.md, "Changes and alerts"):
 *
 *   detect   every series of every fingerprint (benchmark x mode x metric: the round
 *            trip's median, its p99, each phase's median) through detect.h; a new change
 *            point is kept as a change: "candidate" when it is the round trip's median and
 *            at least the threshold (percent) and the floor (ticks), "below-threshold"
 *            when smaller, "observed" for p99 and phases (drawn, listed, never an alert)
 *   confirm  a candidate's two nights compared A/B on this host (make compare's runs,
 *            given here as the two sides' results): "confirmed" when the comparison proves
 *            a change in the same direction, which makes an alert naming the later
 *            night's commit and the phase that moved most; "unconfirmed" otherwise
 *   blame    the first commit with the change, once a bisection found it
 *   triage   an alert's state: new, ack, invalid, expected
 *
 * Library code: -errno with one line in err.
 */
#ifndef EB_ALERTS_H
#define EB_ALERTS_H

#include <stddef.h>

#include "compare_stats.h"
#include "history.h"
#include "results.h"

struct alerts_opts {
	double threshold_pct;	/* THRESHOLD: smaller changes raise no alert (1) */
	double floor;		/* FLOOR: nor do changes smaller than this many ticks (0) */
	double p_value;		/* E-Divisive's significance (0.001) */
	int sequential;		/* confirm: the comparison was sequential (make compare UNTIL=):
				   judged by its confidence sequence against +/-until_pct, at the
				   round where every candidate had decided; 0: fixed, Welch */
	double until_pct;
};
void alerts_opts_default(struct alerts_opts *o);

/* A comparison to make: the two nights of one or more candidate changes. */
struct alerts_candidate {
	long long fp;
	char mode[16];
	long long night_before, night_after;
	char commit_before[64], commit_after[64];
	char benchmarks[256];	/* the candidates' benchmarks, space-separated */
};

struct alerts_detect_report {
	size_t series, points, new_changes, new_candidates, below_threshold, observed;
};
/*
 * Find the change points of every series and keep the new ones; *cand (malloc'ed) lists the
 * comparisons the candidates not yet confirmed need, one per pair of nights.
 */
int alerts_detect(struct history *h, const struct alerts_opts *o, struct alerts_candidate **cand,
		  size_t *ncand, struct alerts_detect_report *rep, char *err, size_t len);

struct alerts_confirm_report {
	size_t confirmed, unconfirmed, new_regressions;	/* regressions: beyond the threshold */
};
/*
 * Judge the candidates of the pair (night_before, night_after) of fingerprint fp's mode with
 * an A/B comparison's two sides: base ran night_before's commit, patched night_after's
 * (o->sequential: by the sequential rule, compare_seq.h). comparison: where its files are,
 * for the alert. -ENOENT when the pair has no candidate.
 */
int alerts_confirm(struct history *h, const struct alerts_opts *o, long long fp, const char *mode,
		   long long night_before, long long night_after, const struct results *base,
		   const struct results *patched, const char *comparison,
		   struct alerts_confirm_report *rep, char *err, size_t len);
/*
 * The first commit with the change of the pair's alerts (a bisection's answer, or the later
 * night's commit when the range is one commit): how ("bisected", "one commit", "not
 * bisected: why") and the log.
 */
int alerts_blame(struct history *h, long long fp, const char *mode, long long night_before,
		 long long night_after, const char *commit, const char *subject, const char *how,
		 const char *log, char *err, size_t len);

/* Every alert (results.h's struct res_alert), newest first; free() the array. */
int alerts_list(struct history *h, struct res_alert **rows, size_t *n);
/* Set an alert's triage state ("new", "ack", "invalid", "expected"); -ENOENT: no such id. */
int alerts_triage(struct history *h, long long id, const char *state, char *err, size_t len);

/* A change point as stored (for the page): every change, alert or not. */
struct alerts_change {
	long long id, fp, night_before, night_after;
	char benchmark[EB_NAME_LEN], mode[16], metric[40], state[20], note[256];
	double before, after, change, change_pct;
};
int alerts_changes(struct history *h, struct alerts_change **rows, size_t *n);

/* The plain-text report of an alert, for a mailing-list reply. */
void alerts_text(const struct res_alert *a, char *buf, size_t len);

#endif
