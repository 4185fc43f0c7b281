/* SPDX-License-Identifier: MIT */
/*
 * page (docs/design.md, "The nightly page"): the nightly run's static site, from the history
 * (history.h) and its changes and alerts (alerts.h). Plain HTML and CSS, opened from disk
 * with no server and no network (nothing fetched: no script, font or style sheet from
 * elsewhere), plots drawn by gnuplot (plot.h):
 *
 *   DIR/index.html         per fingerprint (host, emulated or native, QEMU, icount ...) a
 *                          row per benchmark and mode: the latest night's figure with its
 *                          interval, the change since the night before, the open alerts;
 *                          the recent nights (commit, subject, build); environment changes
 *   DIR/alerts.html        every alert: its A/B comparison, bisection, triage state and the
 *                          command that changes it, and the plain-text report (alerts_text)
 *   DIR/feed.xml           the alerts as an Atom 1.0 feed
 *   DIR/series/SLUG.html   a benchmark in a mode under one fingerprint: its trend over the
 *                          nights, its phases, its latest batch histogram against the
 *                          baseline's, its nights and changes; the plots SLUG-*.png beside
 *                          it (gnuplot's data and scripts in DIR/series/plots)
 *
 * Every file is written under a temporary name in its directory and renamed: the plots
 * first, then the series' pages, the alerts, the feed and the index last, so a reader (or a
 * page killed half-way) never sees a page that names what is not there yet. Nothing else in
 * DIR (the history, runs/) is touched. The history is read in one transaction: the page is
 * one snapshot even while a nightly writes.
 *
 * Library code: -errno with one line in err.
 */
#ifndef EB_PAGE_H
#define EB_PAGE_H

#include <stddef.h>

#include "history.h"

struct page_report {
	size_t pages;		/* HTML pages written (and the feed) */
	size_t plots;		/* plots drawn */
	size_t plots_failed;	/* plots gnuplot did not draw: the page says so in their place */
	int plot_err;		/* the first such failure (plot_strerror), 0 when none */
	size_t series, nights, alerts;
};

/* The series' pages and plots, alerts.html, feed.xml and index.html into dir (made). */
int page_write(struct history *h, const char *dir, struct page_report *rep, char *err,
	       size_t len);

/* The file name part of a series' page: "<fingerprint key>-<mode>-<benchmark>", any byte but
 * [A-Za-z0-9._-] as '_'. */
void page_slug(const char *fp_key, const char *mode, const char *bench, char *buf, size_t len);

#endif
