// SPDX-License-Identifier: MIT
/* The nightly page: a static site from the history (see page.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "alerts.h"
#include "hist.h"
#include "history.h"
#include "page.h"
#include "plot.h"
#include "results.h"

/* instruction-count mode: the timebase advances 0.512 ticks per guest instruction */
#define TICKS_PER_INSN 0.512
#define RECENT_NIGHTS 30
#define HIST_BINS 60
#define NPLOTS 3

enum { P_TREND, P_PHASES, P_HIST };
static const char *const plot_suffix[NPLOTS] = { "trend", "phases", "hist" };

/* phases that are no part of the kernel's path (as alerts.c): not stacked */
static const char *const not_path[] = { "trace", "vcpu_run", "round_trip", "exit_to_reenter" };

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
	"#9c755f", "#bab0ac",
};

/* a benchmark in a mode under one fingerprint */
struct series {
	size_t fp;			/* index into page.fps */
	char mode[16], bench[EB_NAME_LEN], slug[192];
	struct history_point *pts;	/* the night's figure, nights in tree order */
	size_t n;
	int plot[NPLOTS];		/* 1 drawn, 0 nothing to draw, < 0 gnuplot failed */
	size_t baseline;		/* the histogram's baseline: an index into pts (n: none) */
};

struct fpinfo {
	size_t first, last;		/* ordinals of its first and last night (nnights: none) */
	size_t prev, next;		/* the environment before / after it on its host and mode
					   (an index into fps; nfp: none) */
	char (*phases)[32];		/* its phases in path order, not_path left out */
	size_t nphases;
};

struct nightidx {
	long long id;
	size_t ord;
};

struct page {
	struct history *h;
	char dir[PATH_MAX], sdir[PATH_MAX];
	char now[32];
	struct history_fp *fps;
	struct fpinfo *fpi;
	size_t nfp;
	int fleet;			/* the fingerprints are of more than one host */
	struct history_nightrow *nights;
	struct nightidx *byid;
	size_t nnights;
	struct history_run *runs;
	size_t nruns;
	struct res_alert *alerts;
	size_t nalerts;
	struct alerts_change *changes;
	size_t nchanges;
	struct series *s;
	size_t ns;
	struct page_report *rep;
	char *err;
	size_t len;
};

static int fail(struct page *pg, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct page *pg, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pg->err, pg->len, fmt, ap);
	va_end(ap);
	return ret;
}

static int is_icount(const char *mode)
{
	return history_mode_icount(mode);
}

static int on_path(const char *phase)
{
	for (size_t i = 0; i < sizeof(not_path) / sizeof(not_path[0]); i++)
		if (!strcmp(phase, not_path[i]))
			return 0;
	return 1;
}

/* what is not a letter, digit, '.', '-' or '_' as '_': a file name, an HTML id */
static void slugify(char *buf)
{
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
}

void page_slug(const char *fp_key, const char *mode, const char *bench, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s-%s", fp_key, mode, bench);
	slugify(buf);
}

static void host_slug(const char *host, char *buf, size_t len)
{
	snprintf(buf, len, "%s", host);
	slugify(buf);
}

/* ---- text: HTML and XML ---- */

/* the length of the UTF-8 sequence at p that XML allows, 0 when it is none */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0], cp;
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		   (c & 0xf8) == 0xf0 ? 4 : 0;

	if (n == 1)
		return c >= 0x20 || c == '\n' || c == '\t' || c == '\r' ? 1 : 0;
	if (!n)
		return 0;
	cp = c & (0xff >> (n + 1));
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * s as HTML or XML text: the markup's characters as entities; control characters and
 * bytes that are no UTF-8 (a commit subject is whatever its author typed) as U+FFFD, so
 * the feed stays well-formed.
 */
static void esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		size_t n = utf8_len(p);

		if (!n) {
			fputs("\xef\xbf\xbd", f);
			p++;
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fwrite(p, 1, n, f);
		}
		p += n;
	}
}

/* printf, then the result escaped */
static void __attribute__((format(printf, 2, 3))) escf(FILE *f, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	esc(f, buf);
}

/* a number, or "-" when there is none */
static void num(FILE *f, const char *fmt, double v)
{
	if (isfinite(v))
		fprintf(f, fmt, v);
	else
		fputs("-", f);
}

/* s for a POSIX shell: as it is when plain, else single-quoted */
static void sh_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	int plain = *s != '\0';

	for (const char *p = s; *p; p++)
		plain &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			 (*p >= '0' && *p <= '9') || strchr("_./-+:=,@", *p);
	if (plain) {
		snprintf(buf, len, "%s", s);
		return;
	}
	buf[o++] = '\'';
	for (const char *p = s; *p && o + 6 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o++] = '\'';
	buf[o] = '\0';
}

/* ---- files: written under a temporary name, renamed when whole ---- */

struct pfile {
	FILE *f;
	char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
};

static int pf_open(struct page *pg, struct pfile *pf, const char *dir, const char *name)
{
	snprintf(pf->path, sizeof(pf->path), "%s/%s", dir, name);
	snprintf(pf->tmp, sizeof(pf->tmp), "%s/.%s.tmp", dir, name);
	if (!(pf->f = fopen(pf->tmp, "w")))
		return fail(pg, -errno, "%s: %s", pf->tmp, strerror(errno));
	return 0;
}

static int pf_commit(struct page *pg, struct pfile *pf)
{
	int ret = 0;

	if (fflush(pf->f) || ferror(pf->f) || fsync(fileno(pf->f)))
		ret = -EIO;
	if (fclose(pf->f))
		ret = -EIO;
	if (!ret && rename(pf->tmp, pf->path))
		ret = -errno;
	if (ret) {
		unlink(pf->tmp);
		return fail(pg, ret, "%s: %s", pf->path, strerror(-ret));
	}
	pg->rep->pages++;
	return 0;
}

static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:100em}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1.05em}\n"
	"nav a{margin-right:1.2em}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f0f0f0}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.chg{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.commit{min-width:24em}td.when{white-space:nowrap}\n"
	".up{color:#b00020}.down{color:#1b7f3b}\n"
	".state{padding:0 .4em;border-radius:.3em;font-size:.9em}\n"
	".state-new{background:#fdd;color:#900}.state-ack{background:#ffe9b3;color:#7a5200}\n"
	".state-invalid,.state-expected{background:#eee;color:#555}\n"
	"tr.build-failed td{background:#fde8e8}tr.build-partial td{background:#fff4d6}\n"
	".env{background:#e8f0ff;padding:.3em .5em}\n"
	".note{color:#555;font-size:.9em}.missing{color:#b00020}\n"
	"pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;white-space:pre-wrap}\n"
	"code{font-family:ui-monospace,monospace}\n"
	"img{max-width:100%;height:auto;border:1px solid #ddd}\n"
	"section.alert{border-top:2px solid #ccc;margin-top:1.5em}\n";

/* the page's head and navigation; up: the way to DIR ("" or "../") */
static void head(FILE *f, const char *title, const char *up)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<link rel=\"icon\" href=\"data:,\">\n", f);
	fprintf(f, "<link rel=\"alternate\" type=\"application/atom+xml\" "
		"title=\"exitbench nightly: alerts\" href=\"%sfeed.xml\">\n<title>", up);
	esc(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fprintf(f, "<nav><a href=\"%sindex.html\">Nightly</a><a href=\"%salerts.html\">Alerts</a>"
		"<a href=\"%sfeed.xml\">Atom feed</a></nav>\n", up, up, up);
}

static void foot(struct page *pg, FILE *f)
{
	fputs("<p class=\"note\">Written by <code>exitbench history page</code> at ", f);
	esc(f, pg->now);
	fputs(" from ", f);
	esc(f, history_path(pg->h));
	fputs(".</p>\n</body>\n</html>\n", f);
}

/* an ISO 8601 UTC time as "2026-01-08 03:00", anything else as it is */
static void when(FILE *f, const char *iso)
{
	if (strlen(iso) >= 16 && iso[10] == 'T')
		escf(f, "%.10s %.5s", iso, iso + 11);
	else
		esc(f, iso);
}

static void state_badge(FILE *f, const char *state)
{
	fputs("<span class=\"state state-", f);
	esc(f, state);
	fputs("\">", f);
	esc(f, state);
	fputs("</span>", f);
}

/* a change's class: an increase costs more */
static const char *updown(double change)
{
	return !isfinite(change) || change == 0 ? "" : change > 0 ? "up" : "down";
}

/* ---- the history, read once ---- */

static int by_id(const void *a, const void *b)
{
	long long x = ((const struct nightidx *)a)->id, y = ((const struct nightidx *)b)->id;

	return x < y ? -1 : x > y;
}

/* a night's ordinal in tree order, nnights when there is none of that id */
static size_t night_ord(const struct page *pg, long long id)
{
	struct nightidx key = { .id = id }, *at;

	at = bsearch(&key, pg->byid, pg->nnights, sizeof(*pg->byid), by_id);
	return at ? at->ord : pg->nnights;
}

static const struct res_night *night_of(const struct page *pg, long long id)
{
	size_t o = night_ord(pg, id);

	return o < pg->nnights ? &pg->nights[o].n : NULL;
}

static size_t fp_index(const struct page *pg, long long id)
{
	for (size_t i = 0; i < pg->nfp; i++)
		if (pg->fps[i].id == id)
			return i;
	return pg->nfp;
}

/* index of the night in a series' points, n when it has none */
static size_t point_of(const struct series *s, long long night)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pts[i].night_id == night)
			return i;
	return s->n;
}

/* each fingerprint's first and last night, and the one it replaced on its host and mode */
static void link_environments(struct page *pg)
{
	for (size_t i = 1; i < pg->nfp; i++)
		pg->fleet |= strcmp(pg->fps[i].host, pg->fps[0].host) != 0;
	for (size_t i = 0; i < pg->nfp; i++) {
		pg->fpi[i].first = pg->fpi[i].last = pg->nnights;
		pg->fpi[i].prev = pg->fpi[i].next = pg->nfp;
	}
	for (size_t r = 0; r < pg->nruns; r++) {
		size_t f = fp_index(pg, pg->runs[r].fp), o = night_ord(pg, pg->runs[r].night_id);

		if (f == pg->nfp || o == pg->nnights)
			continue;
		if (pg->fpi[f].first == pg->nnights || o < pg->fpi[f].first)
			pg->fpi[f].first = o;
		if (pg->fpi[f].last == pg->nnights || o > pg->fpi[f].last)
			pg->fpi[f].last = o;
	}
	/* on one host and mode, the environment that came next (by its first night) */
	for (size_t i = 0; i < pg->nfp; i++) {
		struct fpinfo *a = &pg->fpi[i];

		for (size_t j = 0; j < pg->nfp; j++) {
			struct fpinfo *b = &pg->fpi[j];

			if (j == i || strcmp(pg->fps[i].host, pg->fps[j].host) ||
			    strcmp(pg->fps[i].mode, pg->fps[j].mode) || b->first == pg->nnights ||
			    a->first == pg->nnights || b->first <= a->first)
				continue;
			if (a->next == pg->nfp || b->first < pg->fpi[a->next].first)
				a->next = j;
		}
	}
	for (size_t i = 0; i < pg->nfp; i++)
		if (pg->fpi[i].next < pg->nfp)
			pg->fpi[pg->fpi[i].next].prev = i;
}

/* the series of one fingerprint: a benchmark and mode each, and its phases */
static int load_series(struct page *pg, size_t f)
{
	char (*pairs)[64] = NULL, (*phases)[32] = NULL;
	size_t np = 0, nph = 0, keep = 0;
	struct series *ns;
	int ret;

	if (history_names(pg->h, pg->fps[f].id, &pairs, &np, &phases, &nph))
		return fail(pg, -EIO, "%s: reading the series' names failed", history_path(pg->h));
	for (size_t k = 0; k < nph; k++)
		if (on_path(phases[k]))
			memmove(phases[keep++], phases[k], sizeof(phases[k]));
	pg->fpi[f].phases = phases;
	pg->fpi[f].nphases = keep;
	if (np && !(ns = realloc(pg->s, (pg->ns + np) * sizeof(*ns)))) {
		free(pairs);
		return fail(pg, -ENOMEM, "out of memory");
	} else if (np) {
		pg->s = ns;
	}
	for (size_t i = 0; i < np; i++) {
		char *tab = strchr(pairs[i], '\t');
		struct series *s = &pg->s[pg->ns];

		if (!tab)
			continue;
		memset(s, 0, sizeof(*s));
		s->fp = f;
		snprintf(s->mode, sizeof(s->mode), "%.*s", (int)(tab - pairs[i]), pairs[i]);
		snprintf(s->bench, sizeof(s->bench), "%s", tab + 1);
		page_slug(pg->fps[f].key, s->mode, s->bench, s->slug, sizeof(s->slug));
		ret = history_series(pg->h, pg->fps[f].id, s->bench, s->mode, HM_MEDIAN, NULL, &s->pts,
				     &s->n);
		if (ret) {
			free(pairs);
			return fail(pg, ret, "%s: reading the series %s %s failed", history_path(pg->h),
				    s->mode, s->bench);
		}
		pg->ns++;
	}
	free(pairs);
	return 0;
}

static int load(struct page *pg)
{
	if (history_fingerprints(pg->h, &pg->fps, &pg->nfp) ||
	    history_nights(pg->h, &pg->nights, &pg->nnights) ||
	    history_runs(pg->h, &pg->runs, &pg->nruns) ||
	    alerts_list(pg->h, &pg->alerts, &pg->nalerts) ||
	    alerts_changes(pg->h, &pg->changes, &pg->nchanges))
		return fail(pg, -EIO, "%s: reading the history failed", history_path(pg->h));
	pg->byid = calloc(pg->nnights ? pg->nnights : 1, sizeof(*pg->byid));
	pg->fpi = calloc(pg->nfp ? pg->nfp : 1, sizeof(*pg->fpi));
	if (!pg->byid || !pg->fpi)
		return fail(pg, -ENOMEM, "out of memory");
	for (size_t i = 0; i < pg->nnights; i++)
		pg->byid[i] = (struct nightidx){ .id = pg->nights[i].id, .ord = i };
	qsort(pg->byid, pg->nnights, sizeof(*pg->byid), by_id);
	link_environments(pg);
	for (size_t f = 0; f < pg->nfp; f++) {
		int ret = load_series(pg, f);

		if (ret)
			return ret;
	}
	pg->rep->series = pg->ns;
	pg->rep->nights = pg->nnights;
	pg->rep->alerts = pg->nalerts;
	return 0;
}

static void unload(struct page *pg)
{
	for (size_t i = 0; i < pg->ns; i++)
		free(pg->s[i].pts);
	for (size_t f = 0; f < pg->nfp && pg->fpi; f++)
		free(pg->fpi[f].phases);
	free(pg->s);
	free(pg->fpi);
	free(pg->fps);
	free(pg->nights);
	free(pg->byid);
	free(pg->runs);
	free(pg->alerts);
	free(pg->changes);
}

/* does alert a / change c belong to series s (metric: NULL any) */
static int alert_of(const struct page *pg, const struct series *s, const struct res_alert *a)
{
	return a->fp == pg->fps[s->fp].id && !strcmp(a->benchmark, s->bench) &&
	       !strcmp(a->mode, s->mode);
}

static int change_of(const struct page *pg, const struct series *s, const struct alerts_change *c,
		     const char *metric)
{
	return c->fp == pg->fps[s->fp].id && !strcmp(c->benchmark, s->bench) &&
	       !strcmp(c->mode, s->mode) && (!metric || !strcmp(c->metric, metric));
}

/* the alert a change raised, NULL when none */
static const struct res_alert *alert_of_change(const struct page *pg, const struct alerts_change *c)
{
	for (size_t i = 0; i < pg->nalerts; i++) {
		const struct res_alert *a = &pg->alerts[i];

		if (a->fp == c->fp && a->night_after == c->night_after && !strcmp(a->metric, c->metric) &&
		    !strcmp(a->benchmark, c->benchmark) && !strcmp(a->mode, c->mode))
			return a;
	}
	return NULL;
}

static int open_alert(const struct res_alert *a)
{
	return !strcmp(a->state, "new") || !strcmp(a->state, "ack");
}

/* ---- plots ---- */

struct marks {
	size_t n;
	double x[256];
	char text[256][96];
	const char *labels[256];
};

static void mark(struct marks *m, double x, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void mark(struct marks *m, double x, const char *fmt, ...)
{
	va_list ap;

	if (m->n == sizeof(m->x) / sizeof(m->x[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(m->text[m->n], sizeof(m->text[m->n]), fmt, ap);
	va_end(ap);
	m->labels[m->n] = m->text[m->n];
	m->x[m->n++] = x;
}

static size_t mark_at(const struct marks *m, double x)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->x[i] == x)
			return i;
	return m->n;
}

/*
 * The changes of metrics starting with prefix as marks, between the two nights of each
 * (x counts the series' nights from 1): an alert's with its commit, others with the later
 * night's commit and the state (median), the metric (p99) or the phases (stacked ones
 * only), one label a place.
 */
static void change_marks(const struct page *pg, const struct series *s, const char *prefix,
			 struct marks *changes, struct marks *alerts)
{
	for (size_t k = 0; k < pg->nchanges; k++) {
		const struct alerts_change *c = &pg->changes[k];
		const struct res_night *n = night_of(pg, c->night_after);
		const char *phase = !strncmp(c->metric, "phase:", 6) ? c->metric + 6 : NULL;
		const struct res_alert *a;
		size_t i, at;
		double x;

		if (!change_of(pg, s, c, NULL) || strncmp(c->metric, prefix, strlen(prefix)) ||
		    (phase && !on_path(phase)) || (i = point_of(s, c->night_after)) == s->n)
			continue;
		x = (double)i + 0.5;
		if ((a = alert_of_change(pg, c))) {
			if ((at = mark_at(changes, x)) < changes->n)	/* the alert says it */
				changes->x[at] = NAN;
			mark(alerts, x, "alert %lld: %.12s", a->id, a->commit);
		} else if (mark_at(alerts, x) < alerts->n) {
			continue;
		} else if ((at = mark_at(changes, x)) < changes->n) {
			size_t used = strlen(changes->text[at]);

			if (phase)
				snprintf(changes->text[at] + used, sizeof(changes->text[at]) - used,
					 ", %s", phase);
		} else if (phase) {
			mark(changes, x, "%.12s %s", n ? n->commit : "?", phase);
		} else {
			mark(changes, x, "%.12s %s", n ? n->commit : "?",
			     !strcmp(c->metric, "median") ? c->state : c->metric);
		}
	}
}

static void add_marks(struct plot *p, struct marks *m, const char *title, const char *colour,
		      int dashed)
{
	size_t keep = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (isnan(m->x[i]))
			continue;
		m->x[keep] = m->x[i];
		memmove(m->text[keep], m->text[i], sizeof(m->text[i]));
		m->labels[keep] = m->text[keep];
		keep++;
	}
	m->n = keep;
	plot_add(p, &(struct plot_series){ .kind = PLOT_VMARKS, .title = title, .colour = colour,
					   .dashed = dashed, .line_width = dashed ? 1 : 1.5, .n = m->n,
					   .x = m->x, .labels = m->labels });
}

static int new_plot(struct page *pg, const struct series *s, int which, int width, int height,
		    const char *title, struct plot **p)
{
	char name[256];

	snprintf(name, sizeof(name), "%s-%s", s->slug, plot_suffix[which]);
	return plot_new(&(struct plot_figure){ .dir = pg->sdir, .name = name, .width = width,
					       .height = height, .title = title, .atomic = 1 }, p);
}

/* draw and count; a figure gnuplot did not draw is said on the page in its place */
static void draw(struct page *pg, struct series *s, int which, struct plot *p)
{
	int ret = plot_draw(p);

	plot_free(p);
	s->plot[which] = ret ? ret : 1;
	if (!ret) {
		pg->rep->plots++;
		return;
	}
	pg->rep->plots_failed++;
	if (!pg->rep->plot_err)
		pg->rep->plot_err = ret;
}

/* the night's figure with its interval as a band, p99, changes and alerts marked */
static int trend_plot(struct page *pg, struct series *s)
{
	double *v = malloc(5 * s->n * sizeof(*v)), *x, *y, *lo, *hi, *p99;
	struct marks *m = calloc(2, sizeof(*m));
	char title[512];
	struct plot *p;
	int ret, icount = is_icount(s->mode);

	if (!s->n) {
		free(v);
		free(m);
		return 0;
	}
	if (!v || !m) {
		free(v);
		free(m);
		return -ENOMEM;
	}
	x = v, y = v + s->n, lo = v + 2 * s->n, hi = v + 3 * s->n, p99 = v + 4 * s->n;
	for (size_t i = 0; i < s->n; i++) {
		x[i] = (double)i + 1;
		y[i] = s->pts[i].value;
		lo[i] = s->pts[i].lo;
		hi[i] = s->pts[i].hi;
		p99[i] = s->pts[i].p99;
	}
	change_marks(pg, s, "median", &m[0], &m[1]);
	change_marks(pg, s, "p99", &m[0], &m[1]);
	snprintf(title, sizeof(title), "%s (%s): the night's figure over %zu night%s", s->bench,
		 s->mode, s->n, s->n == 1 ? "" : "s");
	if ((ret = new_plot(pg, s, P_TREND, 1000, 440, title, &p)))
		goto out;
	plot_panel(p, &(struct plot_panel){
		.x = { .label = "night of this series (tree order, as numbered in the table below)",
		       .fixed = PLOT_MIN | PLOT_MAX, .min = 0.5, .max = (double)s->n + 0.5,
		       .step = s->n <= 20 ? 1 : 0, .format = "%.0f" },
		.y = { .label = "timebase ticks per iteration", .grid = 1 },
		.y2_scale = icount ? 1 / TICKS_PER_INSN : 0,
		.y2 = { .label = "guest instructions (ticks / 0.512)", .format = "%.0f" },
		.key = PLOT_KEY_OUTSIDE, .headroom = 0.25 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_BAND, .title = "95% interval", .n = s->n,
					   .x = x, .lo = lo, .hi = hi, .colour = "#3060a0" });
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = "figure", .n = s->n, .x = x,
					   .y = y, .colour = "#3060a0", .line_width = 1.5 });
	if (s->n <= 60)
		plot_add(p, &(struct plot_series){ .kind = PLOT_POINTS, .n = s->n, .x = x, .y = y,
						   .colour = "#3060a0", .point_type = 7,
						   .point_size = 0.6 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = "p99 of the batches",
					   .n = s->n, .x = x, .y = p99, .colour = "#c04020",
					   .dashed = 1 });
	add_marks(p, &m[0], "change point", "#777777", 1);
	add_marks(p, &m[1], "alert", "#d00000", 0);
	draw(pg, s, P_TREND, p);
out:
	free(v);
	free(m);
	return ret;
}

/* the phases' means stacked over the nights that have them (x as in the trend) */
static int phases_plot(struct page *pg, struct series *s)
{
	const struct fpinfo *fi = &pg->fpi[s->fp];
	size_t nph = fi->nphases, nx = 0;
	double *x = NULL, *v = NULL;
	const double **layers = NULL;
	const char **titles = NULL;
	unsigned char *has = NULL;
	struct marks *m = NULL;
	char title[512];
	struct plot *p;
	int ret = 0;

	if (!nph || !s->n)
		return 0;
	x = calloc(s->n, sizeof(*x));
	v = malloc(nph * s->n * sizeof(*v));
	has = calloc(s->n, 1);
	layers = calloc(nph, sizeof(*layers));
	titles = calloc(nph, sizeof(*titles));
	m = calloc(1, sizeof(*m));
	if (!x || !v || !has || !layers || !titles || !m) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nph * s->n; i++)
		v[i] = NAN;
	for (size_t k = 0; k < nph; k++) {
		struct history_point *pts;
		size_t n, i = 0;

		if ((ret = history_series(pg->h, pg->fps[s->fp].id, s->bench, s->mode, HM_PHASE,
					  fi->phases[k], &pts, &n)))
			goto out;
		/* both in tree order: one pass */
		for (size_t j = 0; j < n; j++) {
			size_t o = night_ord(pg, pts[j].night_id);

			while (i < s->n && night_ord(pg, s->pts[i].night_id) < o)
				i++;
			if (i < s->n && s->pts[i].night_id == pts[j].night_id) {
				v[k * s->n + i] = pts[j].value;
				has[i] = 1;
			}
		}
		free(pts);
	}
	/* only the nights with phases: the areas join across the others */
	for (size_t i = 0; i < s->n; i++) {
		if (!has[i])
			continue;
		x[nx] = (double)i + 1;
		for (size_t k = 0; k < nph; k++)
			v[k * s->n + nx] = v[k * s->n + i];
		nx++;
	}
	if (!nx)
		goto out;
	for (size_t k = 0; k < nph; k++) {
		layers[k] = v + k * s->n;
		titles[k] = fi->phases[k];
	}
	change_marks(pg, s, "phase:", m, m);
	snprintf(title, sizeof(title), "%s (%s): the phases of the round trip, %zu night%s traced",
		 s->bench, s->mode, nx, nx == 1 ? "" : "s");
	if ((ret = new_plot(pg, s, P_PHASES, 1000, 440, title, &p)))
		goto out;
	plot_panel(p, &(struct plot_panel){
		.x = { .label = "night of this series (as in the trend)", .fixed = PLOT_MIN | PLOT_MAX,
		       .min = 0.5, .max = (double)s->n + 0.5, .step = s->n <= 20 ? 1 : 0,
		       .format = "%.0f" },
		.y = { .label = "phase means, stacked (timebase ticks)", .grid = 1,
		       .fixed = PLOT_MIN, .min = 0 },
		.key = PLOT_KEY_OUTSIDE, .key_invert = 1, .key_title = "phase (path order)",
		.fill = 0.75, .headroom = 0.25 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_STACKED_AREAS, .n = nx, .x = x,
					   .nlayers = nph, .layers = layers, .layer_titles = titles,
					   .palette = palette,
					   .npalette = sizeof(palette) / sizeof(palette[0]) });
	add_marks(p, m, "phase change", "#555555", 1);
	draw(pg, s, P_PHASES, p);
out:
	free(x);
	free(v);
	free(has);
	free(layers);
	free(titles);
	free(m);
	return ret;
}

/* the baseline of the histogram: the night before the series' latest change, else the first */
static size_t baseline_of(const struct page *pg, const struct series *s)
{
	size_t b = 0;

	for (size_t k = 0; k < pg->nchanges; k++) {
		size_t i;

		if (change_of(pg, s, &pg->changes[k], "median") &&
		    (i = point_of(s, pg->changes[k].night_before)) < s->n)
			b = i;	/* changes are in tree order: the last one stays */
	}
	return b;
}

/* a histogram's share of batches per bin of [lo, lo + HIST_BINS * w), the rest in the last */
static void bin_hist(const struct hist *h, double lo, double w, double *share)
{
	struct hist_iter it;
	double total = (double)hist_total_count(h);

	for (size_t k = 0; k < HIST_BINS; k++)
		share[k] = 0;
	if (total <= 0)
		return;
	hist_iter_init(&it, h);
	while (hist_iter_next(&it)) {
		double v = ((double)it.from + (double)it.to) / 2 / RES_HIST_SCALE;
		double k = floor((v - lo) / w);

		k = k < 0 ? 0 : k >= HIST_BINS ? HIST_BINS - 1 : k;
		share[(size_t)k] += 100 * (double)it.count / total;
	}
}

/* the latest night's batch histogram over the baseline's */
static int hist_plot(struct page *pg, struct series *s)
{
	struct hist *hl = NULL, *hb = NULL;
	double lo, hi, w, edge[HIST_BINS + 2], sl[HIST_BINS + 2], centre[HIST_BINS], sb[HIST_BINS];
	const struct res_night *nl, *nb;
	char title[512], tl[128], tb[128];
	size_t last = s->n ? s->n - 1 : 0;
	struct plot *p;
	int ret;

	s->baseline = s->n;
	if (!s->n || history_hist(pg->h, s->pts[last].bench_id, &hl) || !hl ||
	    hist_total_count(hl) <= 0) {
		hist_free(hl);
		return 0;
	}
	s->baseline = baseline_of(pg, s);
	if (s->baseline == last || history_hist(pg->h, s->pts[s->baseline].bench_id, &hb) || !hb ||
	    hist_total_count(hb) <= 0) {
		hist_free(hb);
		hb = NULL;
		s->baseline = s->n;
	}
	/* x: from the least value to the 99.9th percentile of either; slower batches in the last bar */
	lo = (double)hist_min(hl);
	hi = (double)hist_value_at_percentile(hl, 99.9);
	if (hb) {
		lo = fmin(lo, (double)hist_min(hb));
		hi = fmax(hi, (double)hist_value_at_percentile(hb, 99.9));
	}
	lo /= RES_HIST_SCALE;
	hi /= RES_HIST_SCALE;
	if (hi - lo < 0.01) {
		lo -= 0.5;
		hi += 0.5;
	}
	w = (hi - lo) / (HIST_BINS - 1);
	bin_hist(hl, lo, w, sl + 1);
	/* the latest as an outline: up from 0 at the first edge, down to 0 after the last */
	edge[0] = lo;
	sl[0] = 0;
	for (size_t k = 0; k <= HIST_BINS; k++)
		edge[k + 1] = lo + (double)k * w;
	sl[HIST_BINS + 1] = 0;
	if (hb) {
		bin_hist(hb, lo, w, sb);
		for (size_t k = 0; k < HIST_BINS; k++)
			centre[k] = lo + ((double)k + 0.5) * w;
	}
	nl = night_of(pg, s->pts[last].night_id);
	nb = hb ? night_of(pg, s->pts[s->baseline].night_id) : NULL;
	snprintf(tl, sizeof(tl), "latest: night %zu, %.12s", last + 1, nl ? nl->commit : "?");
	snprintf(tb, sizeof(tb), "baseline: night %zu, %.12s", s->baseline + 1, nb ? nb->commit : "?");
	snprintf(title, sizeof(title), "%s (%s): ticks per iteration of each batch", s->bench, s->mode);
	if ((ret = new_plot(pg, s, P_HIST, 1000, 400, title, &p)))
		goto out;
	plot_panel(p, &(struct plot_panel){
		.x = { .label = "timebase ticks per iteration (a batch's mean)", .rotate = -30 },
		.y = { .label = "share of the night's batches (%)", .fixed = PLOT_MIN, .min = 0,
		       .grid = 1 },
		.key = PLOT_KEY_TOP_RIGHT, .fill = 0.35, .box_width = w });
	if (hb)
		plot_add(p, &(struct plot_series){ .kind = PLOT_BOXES, .title = tb, .n = HIST_BINS,
						   .x = centre, .y = sb, .colour = "#999999" });
	plot_add(p, &(struct plot_series){ .kind = PLOT_STEPS, .title = tl, .n = HIST_BINS + 2,
					   .x = edge, .y = sl, .colour = "#3060a0",
					   .line_width = 2 });
	draw(pg, s, P_HIST, p);
out:
	hist_free(hl);
	hist_free(hb);
	return ret;
}

static int series_plots(struct page *pg, struct series *s)
{
	int (*const fn[NPLOTS])(struct page *, struct series *) = { trend_plot, phases_plot,
								    hist_plot };

	for (int k = 0; k < NPLOTS; k++) {
		int ret = fn[k](pg, s);

		/* gnuplot's failures are the page's to say (draw); these end it */
		if (ret < 0)
			return fail(pg, ret, "%s: the %s plot of %s %s: %s", pg->sdir,
				    plot_suffix[k], s->mode, s->bench, strerror(-ret));
	}
	return 0;
}

/* ---- a series' page ---- */

static void img(FILE *f, const struct series *s, int which, const char *alt, const char *none)
{
	if (s->plot[which] > 0) {
		fprintf(f, "<p><img src=\"");
		esc(f, s->slug);
		fprintf(f, "-%s.png\" alt=\"", plot_suffix[which]);
		esc(f, alt);
		fputs("\"></p>\n", f);
	} else if (s->plot[which] < 0) {
		fputs("<p class=\"missing\">Plot not drawn: ", f);
		esc(f, plot_strerror(s->plot[which]));
		fputs(".</p>\n", f);
	} else {
		fputs("<p class=\"note\">", f);
		esc(f, none);
		fputs("</p>\n", f);
	}
}

static void commit_cell(FILE *f, const struct res_night *n)
{
	fputs("<td><code>", f);
	escf(f, "%.12s", n ? n->commit : "?");
	fputs("</code></td><td>", f);
	esc(f, n ? n->subject : "");
	fputs("</td>", f);
}

/* a link to an alert on alerts.html: id, state, verdict, commit and subject */
static void alert_link(FILE *f, const struct res_alert *a, const char *up)
{
	fprintf(f, "<a href=\"%salerts.html#alert-%lld\">#%lld</a> ", up, a->id, a->id);
	state_badge(f, a->state);
	fputs(" ", f);
	esc(f, a->verdict);
	fputs(" ", f);
	num(f, "%+.2f%%", a->change_pct);
	fputs(" at <code>", f);
	escf(f, "%.12s", a->commit);
	fputs("</code> &ldquo;", f);
	esc(f, a->subject);
	fputs("&rdquo;", f);
}

/* a link to a series' page; to: the way to DIR/series ("series/" or "") */
static void series_link(FILE *f, const struct series *s, const char *to, const char *text)
{
	fprintf(f, "<a href=\"%s", to);
	esc(f, s->slug);
	fputs(".html\">", f);
	esc(f, text);
	fputs("</a>", f);
}

static const struct series *find_series(const struct page *pg, size_t fp, const char *mode,
					const char *bench)
{
	for (size_t i = 0; i < pg->ns; i++)
		if (pg->s[i].fp == fp && !strcmp(pg->s[i].mode, mode) && !strcmp(pg->s[i].bench, bench))
			return &pg->s[i];
	return NULL;
}

/* the environment this one replaced or was replaced by, and its series of the benchmark */
static void series_env(struct page *pg, FILE *f, const struct series *s)
{
	const struct fpinfo *fi = &pg->fpi[s->fp];
	size_t other[2] = { fi->prev, fi->next };
	static const char *const what[2] = { "It replaced", "It was replaced by" };

	for (int k = 0; k < 2; k++) {
		const struct series *o;

		if (other[k] >= pg->nfp)
			continue;
		fprintf(f, "<p class=\"env\">The environment changed: %s ", what[k]);
		esc(f, pg->fps[other[k]].summary);
		fputs(" (a series never crosses an environment: figures across the change are not "
		      "compared).", f);
		if ((o = find_series(pg, other[k], s->mode, s->bench))) {
			fputs(" ", f);
			series_link(f, o, "", "This benchmark there.");
		}
		fputs("</p>\n", f);
	}
}

static void changes_table(struct page *pg, FILE *f, const struct series *s)
{
	size_t shown = 0;

	fputs("<h2 id=\"changes\">Changes</h2>\n", f);
	for (size_t k = pg->nchanges; k-- > 0;) {
		const struct alerts_change *c = &pg->changes[k];
		const struct res_night *nb, *na;
		const struct res_alert *a;

		if (!change_of(pg, s, c, NULL))
			continue;
		if (!shown++)
			fputs("<table>\n<tr><th>Metric</th><th>Nights (before &rarr; after)</th>"
			      "<th class=\"num\">Before</th><th class=\"num\">After</th>"
			      "<th class=\"num\">Change (ticks)</th><th class=\"num\">%</th>"
			      "<th>State</th><th>Note</th></tr>\n", f);
		nb = night_of(pg, c->night_before);
		na = night_of(pg, c->night_after);
		fputs("<tr><td>", f);
		esc(f, c->metric);
		fprintf(f, "</td><td>%zu <code>", point_of(s, c->night_before) + 1);
		escf(f, "%.12s", nb ? nb->commit : "?");
		fprintf(f, "</code> &rarr; %zu <code>", point_of(s, c->night_after) + 1);
		escf(f, "%.12s", na ? na->commit : "?");
		fputs("</code></td><td class=\"num\">", f);
		num(f, "%.3f", c->before);
		fputs("</td><td class=\"num\">", f);
		num(f, "%.3f", c->after);
		fprintf(f, "</td><td class=\"num %s\">", updown(c->change));
		num(f, "%+.3f", c->change);
		fprintf(f, "</td><td class=\"num %s\">", updown(c->change));
		num(f, "%+.2f%%", c->change_pct);
		fputs("</td><td>", f);
		esc(f, c->state);
		fputs("</td><td>", f);
		esc(f, c->note);
		if ((a = alert_of_change(pg, c))) {
			fputs(c->note[0] ? "<br>" : "", f);
			alert_link(f, a, "../");
		}
		fputs("</td></tr>\n", f);
	}
	if (shown)
		fputs("</table>\n", f);
	else
		fputs("<p class=\"note\">No change point in this series.</p>\n", f);
}

static void nights_table(struct page *pg, FILE *f, const struct series *s)
{
	int icount = is_icount(s->mode);

	fputs("<h2 id=\"nights\">Nights</h2>\n<table>\n<tr><th class=\"num\">#</th><th>Started (UTC)</th>"
	      "<th>Commit</th><th>Subject</th><th class=\"num\">Figure (ticks)</th>"
	      "<th class=\"num\">95% interval (ticks)</th><th class=\"num\">p99 (ticks)</th>", f);
	if (icount)
		fputs("<th class=\"num\">Instructions</th>", f);
	fputs("</tr>\n", f);
	for (size_t i = s->n; i-- > 0;) {
		const struct history_point *p = &s->pts[i];
		const struct res_night *n = night_of(pg, p->night_id);

		fprintf(f, "<tr%s><td class=\"num\">%zu</td><td class=\"when\">",
			n && !strcmp(n->build, "partial") ? " class=\"build-partial\"" : "", i + 1);
		when(f, n ? n->started : "");
		fputs("</td>", f);
		commit_cell(f, n);
		fputs("<td class=\"num\">", f);
		num(f, "%.3f", p->value);
		fputs("</td><td class=\"num\">", f);
		if (isfinite(p->lo) && isfinite(p->hi))
			fprintf(f, "[%.3f, %.3f]", p->lo, p->hi);
		else
			fputs("-", f);
		fputs("</td><td class=\"num\">", f);
		num(f, "%.3f", p->p99);
		fputs("</td>", f);
		if (icount) {
			fputs("<td class=\"num\">", f);
			num(f, "%.1f", p->value / TICKS_PER_INSN);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static int series_page(struct page *pg, const struct series *s)
{
	const struct history_fp *fp = &pg->fps[s->fp];
	struct pfile pf;
	char name[256], title[512], none[256];
	FILE *f;
	int ret, icount = is_icount(s->mode);

	snprintf(name, sizeof(name), "%s.html", s->slug);
	if ((ret = pf_open(pg, &pf, pg->sdir, name)))
		return ret;
	f = pf.f;
	snprintf(title, sizeof(title), "%s (%s) on %s: exitbench nightly", s->bench, s->mode, fp->host);
	head(f, title, "../");
	fputs("<h1>", f);
	escf(f, "%s, %s mode", s->bench, s->mode);
	fputs("</h1>\n<p>Measured on ", f);
	esc(f, fp->summary);
	fputs(". The night's figure is in timebase ticks per iteration: ", f);
	fputs(icount ? "the median over the runs of each run's median batch (instruction-count mode: "
		       "exact; one guest instruction is 0.512 ticks, so instructions = ticks / 0.512)" :
		       "the median over the runs of each run's mean", f);
	fputs(", with its 95% interval over the runs; p99 is over the night's batches.</p>\n", f);
	series_env(pg, f, s);
	if (!s->n) {
		char status[16] = "", reason[512] = "";

		history_last_status(pg->h, pg->fps[s->fp].id, s->bench, s->mode, status,
				    sizeof(status), reason, sizeof(reason));
		fputs("<p class=\"not-measured\" id=\"not-measured\">Not measured in any night: the "
		      "latest says ", f);
		escf(f, "%s: %s", status[0] ? status : "not run", reason[0] ? reason : "(no reason given)");
		fputs(".</p>\n", f);
		changes_table(pg, f, s);
		nights_table(pg, f, s);
		foot(pg, f);
		return pf_commit(pg, &pf);
	}
	fputs("<h2 id=\"trend\">Trend</h2>\n", f);
	img(f, s, P_TREND, "the night's figure over the nights", "No night measured it.");
	fputs("<p class=\"note\">Dashed grey: a change point (its later night's commit and state); "
	      "red: an alert (the first commit with the change). A change lies between the two "
	      "nights it is drawn between.</p>\n", f);
	fputs("<h2 id=\"phases\">Phases</h2>\n", f);
	snprintf(none, sizeof(none), "No phases in this series: no instrumented (traced) run of %s "
		 "in this environment.", s->bench);
	img(f, s, P_PHASES, "the phases' means stacked over the nights", none);
	fputs("<p class=\"note\">Each phase's mean over the round trips of the night's traced run "
	      "(the instrumented kernel; the mean, exact from the phase's sum, moves by a fraction "
	      "of a tick when one instruction does, where a median of whole ticks flips), in path "
	      "order from the bottom; their sum is the round trip's mean.</p>\n", f);
	fputs("<h2 id=\"histogram\">Batch histogram</h2>\n", f);
	img(f, s, P_HIST, "the latest night's batches against the baseline's",
	    "No batch histogram stored for the latest night.");
	if (s->plot[P_HIST] > 0) {
		const struct res_night *nb = s->baseline < s->n ?
					     night_of(pg, s->pts[s->baseline].night_id) : NULL;

		fputs("<p class=\"note\">The latest night's batches (outline) ", f);
		if (nb) {
			fprintf(f, "against the baseline's (grey): night %zu, <code>", s->baseline + 1);
			escf(f, "%.12s", nb->commit);
			fputs("</code>, the night before the series' latest change (the first night "
			      "when it has none)", f);
		} else {
			fputs("alone (no other night to set it against)", f);
		}
		fputs("; up to the 99.9th percentile, slower batches in the last bar.</p>\n", f);
	}
	changes_table(pg, f, s);
	nights_table(pg, f, s);
	foot(pg, f);
	return pf_commit(pg, &pf);
}

/* ---- alerts.html ---- */

/* " on host H" where a path is a file of the host that measured it (a fleet's are not here) */
static void on_host(const struct page *pg, FILE *f, size_t f_i)
{
	if (f_i >= pg->nfp)
		return;
	fputs(" on host ", f);
	esc(f, pg->fps[f_i].host);
}

static void alert_section(struct page *pg, FILE *f, const struct res_alert *a)
{
	size_t f_i = fp_index(pg, a->fp);
	const struct series *s = f_i < pg->nfp ? find_series(pg, f_i, a->mode, a->benchmark) : NULL;
	static const char *const states[] = { "ack", "invalid", "expected", "new" };
	char hist[PATH_MAX + 8], text[8192];
	int icount = is_icount(a->mode);

	sh_quote(history_path(pg->h), hist, sizeof(hist));
	fprintf(f, "<section class=\"alert\" id=\"alert-%lld\">\n<h2>#%lld ", a->id, a->id);
	escf(f, "%s (%s mode): %s ", a->benchmark, a->mode, a->verdict);
	num(f, "%+.2f%%", a->change_pct);
	fputs(" ", f);
	state_badge(f, a->state);
	fputs("</h2>\n<table>\n<tr><th>First commit with the change</th><td><code>", f);
	esc(f, a->commit);
	fputs("</code> &ldquo;", f);
	esc(f, a->subject);
	fputs("&rdquo;</td></tr>\n<tr><th>Bisection</th><td>", f);
	esc(f, a->bisect);
	if (a->bisect_log[0]) {
		fputs("<br><span class=\"note\">log", f);
		on_host(pg, f, f_i);
		fputs(": ", f);
		esc(f, a->bisect_log);
		fputs("</span>", f);
	}
	fputs("</td></tr>\n<tr><th>Comparison (A/B on this host)</th><td>", f);
	esc(f, a->verdict);
	fputs(": ", f);
	num(f, "%+.3f", a->change);
	fputs(" ticks per iteration (", f);
	num(f, "%+.2f%%", a->change_pct);
	fputs("), 95% interval [", f);
	num(f, "%+.3f", a->ci_lo);
	fputs(", ", f);
	num(f, "%+.3f", a->ci_hi);
	fputs("] ticks ([", f);
	num(f, "%+.2f%%", a->ci_pct_lo);
	fputs(", ", f);
	num(f, "%+.2f%%", a->ci_pct_hi);
	fputs("])", f);
	if (icount) {
		fputs("; ", f);
		num(f, "%+.1f", a->change / TICKS_PER_INSN);
		fputs(" guest instructions", f);
	}
	if (a->comparison[0]) {
		fputs("<br><span class=\"note\">files", f);
		on_host(pg, f, f_i);
		fputs(": ", f);
		esc(f, a->comparison);
		fputs("</span>", f);
	}
	fputs("</td></tr>\n<tr><th>Nights</th><td><code>", f);
	escf(f, "%.12s", a->commit_before);
	fputs("</code> ", f);
	num(f, "%.3f", a->before);
	fputs(" &rarr; <code>", f);
	escf(f, "%.12s", a->commit_after);
	fputs("</code> ", f);
	num(f, "%.3f", a->after);
	fputs(" ticks (", f);
	esc(f, a->metric);
	fputs(")", f);
	if (s) {
		fputs(" &mdash; ", f);
		series_link(f, s, "series/", "the series");
	}
	fputs("</td></tr>\n<tr><th>Phase that moved most</th><td>", f);
	if (a->phase[0]) {
		esc(f, a->phase);
		fputs(" (", f);
		num(f, "%+.3f", a->phase_change);
		fputs(" ticks)", f);
	} else {
		fputs("unknown (no traced run on both nights)", f);
	}
	fputs("</td></tr>\n<tr><th>Measured on</th><td>", f);
	esc(f, a->fingerprint);
	fputs("</td></tr>\n<tr><th>Triage</th><td>", f);
	state_badge(f, a->state);
	fputs(" since ", f);
	esc(f, a->created);
	fputs(" (raised)<pre>", f);
	for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
		if (!strcmp(states[k], a->state))
			continue;
		escf(f, "exitbench history %s %lld --history %s\n", states[k], a->id, hist);
	}
	fputs("</pre></td></tr>\n</table>\n<h3>Report (for a mailing-list reply)</h3>\n<pre>", f);
	alerts_text(a, text, sizeof(text));
	esc(f, text);
	fputs("</pre>\n</section>\n", f);
}

static int alerts_page(struct page *pg)
{
	size_t open = 0;
	struct pfile pf;
	FILE *f;
	int ret;

	if ((ret = pf_open(pg, &pf, pg->dir, "alerts.html")))
		return ret;
	f = pf.f;
	head(f, "Alerts: exitbench nightly", "");
	for (size_t i = 0; i < pg->nalerts; i++)
		open += open_alert(&pg->alerts[i]);
	fprintf(f, "<h1>Alerts</h1>\n<p>%zu alert%s, %zu open (new or acknowledged), newest first. "
		"An alert is a change across nights confirmed by an A/B comparison of the two "
		"commits on the same host, then bisected to its first commit.</p>\n", pg->nalerts,
		pg->nalerts == 1 ? "" : "s", open);
	if (pg->nalerts) {
		fputs("<table>\n<tr><th>#</th><th>Benchmark</th><th>Mode</th><th>Verdict</th>"
		      "<th class=\"num\">Change (ticks)</th><th class=\"num\">%</th><th>Commit</th>"
		      "<th>Subject</th><th>State</th></tr>\n", f);
		for (size_t i = 0; i < pg->nalerts; i++) {
			const struct res_alert *a = &pg->alerts[i];

			fprintf(f, "<tr><td><a href=\"#alert-%lld\">#%lld</a></td><td>", a->id, a->id);
			esc(f, a->benchmark);
			fputs("</td><td>", f);
			esc(f, a->mode);
			fputs("</td><td>", f);
			esc(f, a->verdict);
			fprintf(f, "</td><td class=\"num %s\">", updown(a->change));
			num(f, "%+.3f", a->change);
			fprintf(f, "</td><td class=\"num %s\">", updown(a->change));
			num(f, "%+.2f%%", a->change_pct);
			fputs("</td><td><code>", f);
			escf(f, "%.12s", a->commit);
			fputs("</code></td><td>", f);
			esc(f, a->subject);
			fputs("</td><td>", f);
			state_badge(f, a->state);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	for (size_t i = 0; i < pg->nalerts; i++)
		alert_section(pg, f, &pg->alerts[i]);
	foot(pg, f);
	return pf_commit(pg, &pf);
}

/* ---- feed.xml: Atom 1.0 ---- */

static uint64_t fnv(uint64_t x, const char *s)
{
	for (; *s; s++) {
		x ^= (unsigned char)*s;
		x *= 0x100000001b3ULL;
	}
	return x;
}

/* a name-based UUID (RFC 9562 version 8) of s: an Atom id that stays the same for the same s */
static void uuid_of(const char *s, char *buf, size_t len)
{
	uint64_t a = fnv(0xcbf29ce484222325ULL, s), b = fnv(0x84222325cbf29ce4ULL, s);

	a = (a & ~0xf000ULL) | 0x8000ULL;
	b = (b & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(buf, len, "urn:uuid:%08llx-%04llx-%04llx-%04llx-%012llx",
		 (unsigned long long)(a >> 32), (unsigned long long)(a >> 16) & 0xffff,
		 (unsigned long long)a & 0xffff, (unsigned long long)(b >> 48),
		 (unsigned long long)b & 0xffffffffffffULL);
}

static int feed(struct page *pg)
{
	char id[128], key[PATH_MAX + 64], text[8192], abs[PATH_MAX];
	const char *updated = pg->now;
	struct pfile pf;
	FILE *f;
	int ret;

	if ((ret = pf_open(pg, &pf, pg->dir, "feed.xml")))
		return ret;
	f = pf.f;
	/* the feed is the history's: the same id wherever the page is written from */
	snprintf(key, sizeof(key), "exitbench nightly %s",
		 realpath(history_path(pg->h), abs) ? abs : history_path(pg->h));
	uuid_of(key, id, sizeof(id));
	for (size_t i = 0; i < pg->nalerts; i++)
		if (pg->alerts[i].created[0] && (updated == pg->now ||
						 strcmp(pg->alerts[i].created, updated) > 0))
			updated = pg->alerts[i].created;
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	      "<title>exitbench nightly: alerts</title>\n", f);
	fprintf(f, "<id>%s</id>\n<updated>", id);
	esc(f, updated);
	fputs("</updated>\n<author><name>exitbench nightly</name></author>\n"
	      "<generator>exitbench history page</generator>\n"
	      "<link rel=\"self\" href=\"feed.xml\"/>\n"
	      "<link rel=\"alternate\" type=\"text/html\" href=\"alerts.html\"/>\n", f);
	for (size_t i = 0; i < pg->nalerts; i++) {
		const struct res_alert *a = &pg->alerts[i];
		char eid[128];

		snprintf(key, sizeof(key), "%s alert %lld %s", id, a->id, a->created);
		uuid_of(key, eid, sizeof(eid));
		fprintf(f, "<entry>\n<id>%s</id>\n<title>", eid);
		escf(f, "%s (%s): %s %+.2f%% at %.12s %s [%s]", a->benchmark, a->mode, a->verdict,
		     a->change_pct, a->commit, a->subject, a->state);
		fputs("</title>\n<updated>", f);
		esc(f, a->created[0] ? a->created : pg->now);
		fprintf(f, "</updated>\n<link rel=\"alternate\" type=\"text/html\" "
			"href=\"alerts.html#alert-%lld\"/>\n<category term=\"", a->id);
		esc(f, a->state);
		fputs("\"/>\n<content type=\"text\">", f);
		alerts_text(a, text, sizeof(text));
		esc(f, text);
		fputs("</content>\n</entry>\n", f);
	}
	fputs("</feed>\n", f);
	return pf_commit(pg, &pf);
}

/* ---- index.html ---- */

/* the modes and kernels of a night's runs ("icount: stock, instrumented; plain: stock") */
static void night_runs(const struct page *pg, FILE *f, long long night)
{
	int any = 0;

	for (size_t r = 0; r < pg->nruns; r++) {
		const struct history_run *x = &pg->runs[r];

		if (x->night_id != night)
			continue;
		fputs(any++ ? ", " : "", f);
		escf(f, "%s %s", x->mode, x->kernel);
	}
	if (!any)
		fputs("none", f);
}

/* the environments that began on this night after another one of their host and mode: a
 * row each under the night's */
static void night_env(const struct page *pg, FILE *f, size_t ord)
{
	for (size_t i = 0; i < pg->nfp; i++) {
		const struct fpinfo *fi = &pg->fpi[i];

		if (fi->first != ord || fi->prev >= pg->nfp)
			continue;
		fputs("<tr><td></td><td colspan=\"5\" class=\"env\">Environment changed (", f);
		esc(f, pg->fps[i].mode);
		fputs("): ", f);
		esc(f, pg->fps[fi->prev].summary);
		fputs(" &rarr; ", f);
		esc(f, pg->fps[i].summary);
		fputs("; its series start again.</td></tr>\n", f);
	}
}

static void build_cell(FILE *f, const struct res_night *n)
{
	fputs("<td>", f);
	if (!strcmp(n->build, "ok")) {
		fputs("ok", f);
	} else {
		esc(f, !strcmp(n->build, "partial") ? "partial (stock kernel only: no phases)" :
			"failed (nothing measured)");
		if (n->build_note[0]) {
			fputs(": ", f);
			esc(f, n->build_note);
		}
		if (n->build_log[0]) {
			fputs("<br><span class=\"note\">log: ", f);
			esc(f, n->build_log);
			fputs("</span>", f);
		}
	}
	fputs("</td>", f);
}

static void recent_nights(struct page *pg, FILE *f)
{
	size_t shown = 0;

	fputs("<h2 id=\"nights\">Recent nights</h2>\n", f);
	if (!pg->nnights) {
		fputs("<p class=\"note\">No night in the history yet.</p>\n", f);
		return;
	}
	fprintf(f, "<p class=\"note\">The last %zu of %zu nights, newest first (tree order).</p>\n"
		"<table>\n<tr><th class=\"num\">Night</th><th>Started (UTC)</th><th>Commit</th>"
		"<th>Host</th><th>Build</th><th>Runs</th></tr>\n",
		pg->nnights < RECENT_NIGHTS ? pg->nnights : RECENT_NIGHTS, pg->nnights);
	for (size_t i = pg->nnights; i-- > 0 && shown++ < RECENT_NIGHTS;) {
		const struct res_night *n = &pg->nights[i].n;

		fputs("<tr", f);
		if (strcmp(n->build, "ok"))
			fprintf(f, " class=\"build-%s\"", !strcmp(n->build, "partial") ? "partial" :
				"failed");
		fprintf(f, "><td class=\"num\">%lld</td><td class=\"when\">", pg->nights[i].id);
		when(f, n->started);
		fputs("</td><td class=\"commit\"><code>", f);
		escf(f, "%.12s", n->commit);
		fputs("</code> ", f);
		esc(f, n->subject);
		fputs("</td><td>", f);
		esc(f, n->host);
		fputs("</td>", f);
		build_cell(f, n);
		fputs("<td>", f);
		night_runs(pg, f, pg->nights[i].id);
		fputs("</td></tr>\n", f);
		night_env(pg, f, i);
	}
	fputs("</table>\n", f);
}

static void series_row(struct page *pg, FILE *f, const struct series *s)
{
	const struct history_point *p = s->n ? &s->pts[s->n - 1] : NULL;
	const struct res_night *n = p ? night_of(pg, p->night_id) : NULL;
	int icount = is_icount(s->mode), any = 0;

	fputs("<tr><td>", f);
	series_link(f, s, "series/", s->bench);
	fputs("</td><td>", f);
	esc(f, s->mode);
	fprintf(f, "</td><td class=\"num\">%zu</td><td><code>", s->n);
	escf(f, "%.12s", n ? n->commit : "-");
	fputs("</code><br><span class=\"note\">", f);
	escf(f, "%.10s", n ? n->started : "");
	fputs("</span></td><td class=\"num\">", f);
	if (!p) {
		char status[16] = "", reason[512] = "";

		history_last_status(pg->h, pg->fps[s->fp].id, s->bench, s->mode, status,
				    sizeof(status), reason, sizeof(reason));
		fputs("not measured</td><td colspan=\"", f);
		fprintf(f, "%d\" class=\"note\">", icount ? 3 : 2);
		escf(f, "%s: %s", status[0] ? status : "not run", reason);
		fputs("</td><td>none</td></tr>\n", f);
		return;
	}
	num(f, "%.3f", p ? p->value : NAN);
	fputs("</td><td class=\"num\">", f);
	if (p && isfinite(p->lo) && isfinite(p->hi))
		fprintf(f, "[%.3f, %.3f]", p->lo, p->hi);
	else
		fputs("-", f);
	fputs("</td>", f);
	if (icount) {
		fputs("<td class=\"num\">", f);
		num(f, "%.1f", p ? p->value / TICKS_PER_INSN : NAN);
		fputs("</td>", f);
	}
	if (s->n >= 2) {
		double d = p->value - s->pts[s->n - 2].value;
		const struct res_night *nb = night_of(pg, s->pts[s->n - 2].night_id);

		fprintf(f, "<td class=\"chg %s\">", updown(d));
		num(f, "%+.3f", d);
		fputs(" (", f);
		num(f, "%+.2f%%", s->pts[s->n - 2].value ? 100 * d / s->pts[s->n - 2].value : NAN);
		fputs(")", f);
		if (icount) {
			fputs(", ", f);
			num(f, "%+.1f", d / TICKS_PER_INSN);
			fputs(" instr.", f);
		}
		fputs("<br><span class=\"note\">since <code>", f);
		escf(f, "%.12s", nb ? nb->commit : "?");
		fputs("</code></span></td>", f);
	} else {
		fputs("<td class=\"note\">first night</td>", f);
	}
	fputs("<td>", f);
	for (size_t i = 0; i < pg->nalerts; i++) {
		const struct res_alert *a = &pg->alerts[i];

		if (!alert_of(pg, s, a) || !open_alert(a))
			continue;
		fputs(any++ ? "<br>" : "", f);
		alert_link(f, a, "");
	}
	if (!any)
		fputs("none", f);
	fputs("</td></tr>\n", f);
}

static void fingerprint_section(struct page *pg, FILE *f, size_t fp)
{
	const struct fpinfo *fi = &pg->fpi[fp];
	int icount = is_icount(pg->fps[fp].mode), any = 0;

	fprintf(f, "<h3 id=\"env-%s\">", pg->fps[fp].key);
	esc(f, pg->fps[fp].summary);
	fputs("</h3>\n", f);
	if (fi->first < pg->nnights) {
		size_t n = 0;
		long long last = -1;

		/* (the runs come by night: a night's runs of one environment are together) */
		for (size_t i = 0; i < pg->nruns; i++)
			if (pg->runs[i].fp == pg->fps[fp].id && pg->runs[i].night_id != last) {
				last = pg->runs[i].night_id;
				n++;
			}
		fprintf(f, "<p class=\"note\">%zu night%s, night %lld to night %lld (environment "
			"%s).</p>\n", n, n == 1 ? "" : "s", pg->nights[fi->first].id,
			pg->nights[fi->last].id, pg->fps[fp].key);
	}
	if (fi->next < pg->nfp)
		fprintf(f, "<p class=\"env\">Superseded: the environment changed at night %lld "
			"(<a href=\"#env-%s\">the one that replaced it</a>).</p>\n",
			pg->nights[pg->fpi[fi->next].first].id, pg->fps[fi->next].key);
	for (size_t i = 0; i < pg->ns; i++) {
		if (pg->s[i].fp != fp)
			continue;
		if (!any++) {
			fputs("<table>\n<tr><th>Benchmark</th><th>Mode</th><th>Nights</th>"
			      "<th>Latest night</th><th class=\"num\">Ticks per iteration</th>"
			      "<th class=\"num\">95% interval (ticks)</th>", f);
			if (icount)
				fputs("<th class=\"num\">Instructions</th>", f);
			fputs("<th>Change since the night before (ticks, %)</th><th>Open alerts</th>"
			      "</tr>\n", f);
		}
		series_row(pg, f, &pg->s[i]);
	}
	if (any)
		fputs("</table>\n", f);
	else
		fputs("<p class=\"note\">No benchmark measured on the stock kernel here.</p>\n", f);
}

/* the open alerts, each with its benchmark and mode */
static void open_alerts(struct page *pg, FILE *f)
{
	int any = 0;
	size_t k;

	/* in a fleet's history, each alert says which host it is */
	for (size_t i = 0; i < pg->nalerts; i++) {
		const struct res_alert *a = &pg->alerts[i];

		if (!open_alert(a))
			continue;
		fputs(any++ ? "" : "<h2 id=\"open\">Open alerts</h2>\n<ul>\n", f);
		fputs("<li>", f);
		if (pg->fleet && (k = fp_index(pg, a->fp)) < pg->nfp)
			escf(f, "%s (%s, on %s): ", a->benchmark, a->mode, pg->fps[k].host);
		else
			escf(f, "%s (%s): ", a->benchmark, a->mode);
		alert_link(f, a, "");
		fputs("</li>\n", f);
	}
	if (any)
		fputs("</ul>\n", f);
}

static int by_host(const void *a, const void *b)
{
	return strcmp((*(const struct history_fp *const *)a)->host,
		      (*(const struct history_fp *const *)b)->host);
}

/*
 * A section per host (a fleet's history holds several; each host has its own
 * environments, never mixed), in the order of the hosts' names; in each, its current
 * environments first, then those superseded.
 */
static void host_sections(struct page *pg, FILE *f)
{
	const struct history_fp **hosts;
	size_t nhosts = 0;

	if (!pg->nfp || !(hosts = calloc(pg->nfp, sizeof(*hosts))))
		return;
	for (size_t i = 0; i < pg->nfp; i++) {
		size_t k = 0;

		while (k < nhosts && strcmp(hosts[k]->host, pg->fps[i].host))
			k++;
		if (k == nhosts)
			hosts[nhosts++] = &pg->fps[i];
	}
	qsort(hosts, nhosts, sizeof(*hosts), by_host);
	if (pg->fleet) {
		fprintf(f, "<p>%zu hosts:", nhosts);
		for (size_t k = 0; k < nhosts; k++) {
			char slug[300];

			host_slug(hosts[k]->host, slug, sizeof(slug));
			fprintf(f, "%s <a href=\"#host-%s\">", k ? "," : "", slug);
			esc(f, hosts[k]->host);
			fputs("</a>", f);
		}
		fputs(".</p>\n", f);
	}
	for (size_t k = 0; k < nhosts; k++) {
		char slug[300];
		size_t nenv = 0;

		for (size_t i = 0; i < pg->nfp; i++)
			nenv += !strcmp(pg->fps[i].host, hosts[k]->host);
		host_slug(hosts[k]->host, slug, sizeof(slug));
		fprintf(f, "<h2 id=\"host-%s\">Host ", slug);
		esc(f, hosts[k]->host);
		fprintf(f, "</h2>\n<p class=\"note\">%zu environment%s.</p>\n", nenv,
			nenv == 1 ? "" : "s");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < pg->nfp; i++)
				if (!strcmp(pg->fps[i].host, hosts[k]->host) &&
				    (pg->fpi[i].next >= pg->nfp) == !pass)
					fingerprint_section(pg, f, i);
	}
	free(hosts);
}

static int index_page(struct page *pg)
{
	size_t open = 0, nnew = 0;
	struct pfile pf;
	FILE *f;
	int ret;

	if ((ret = pf_open(pg, &pf, pg->dir, "index.html")))
		return ret;
	f = pf.f;
	head(f, "exitbench nightly", "");
	for (size_t i = 0; i < pg->nalerts; i++) {
		open += open_alert(&pg->alerts[i]);
		nnew += !strcmp(pg->alerts[i].state, "new");
	}
	fprintf(f, "<h1>exitbench nightly</h1>\n<p>%zu night%s, %zu environment%s. "
		"<a href=\"alerts.html\">%zu open alert%s</a> (%zu new) of %zu; "
		"<a href=\"feed.xml\">Atom feed</a> of the alerts.</p>\n",
		pg->nnights, pg->nnights == 1 ? "" : "s", pg->nfp, pg->nfp == 1 ? "" : "s", open,
		open == 1 ? "" : "s", nnew, pg->nalerts);
	fputs("<p class=\"note\">Figures in timebase ticks per iteration of each benchmark's loop "
	      "(one exit and entry an iteration, less the loop's own cost in null), the night's "
	      "figure with its 95% interval over the runs. In instruction-count mode one guest "
	      "instruction is 0.512 ticks. A series never crosses an environment (host, emulated or "
	      "native, QEMU, icount, CPU, kernel config): a change of environment starts new "
	      "series and is shown as such, never as a regression.</p>\n", f);
	open_alerts(pg, f);
	host_sections(pg, f);
	if (!pg->nfp)
		fputs("<p class=\"note\">Nothing measured yet.</p>\n", f);
	recent_nights(pg, f);
	foot(pg, f);
	return pf_commit(pg, &pf);
}

/* ---- the site ---- */

static int make_dir(struct page *pg, const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return fail(pg, -errno, "%s: %s", path, strerror(errno));
	return 0;
}

static void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int page_write(struct history *h, const char *dir, struct page_report *rep, char *err, size_t len)
{
	struct page pg = { .h = h, .rep = rep, .err = err, .len = len };
	sqlite3 *db = history_db(h);
	int ret;

	memset(rep, 0, sizeof(*rep));
	snprintf(pg.dir, sizeof(pg.dir), "%s", dir);
	snprintf(pg.sdir, sizeof(pg.sdir), "%s/series", dir);
	now_iso(pg.now, sizeof(pg.now));
	if ((ret = make_dir(&pg, pg.dir)) || (ret = make_dir(&pg, pg.sdir)))
		return ret;
	/* one snapshot: a nightly storing a night meanwhile is not half seen */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail(&pg, -EIO, "%s: %s", history_path(h), sqlite3_errmsg(db));
	ret = load(&pg);
	/* plots first, pages after, the index last: nothing links to what is not there */
	for (size_t i = 0; i < pg.ns && !ret; i++)
		ret = series_plots(&pg, &pg.s[i]);
	for (size_t i = 0; i < pg.ns && !ret; i++)
		ret = series_page(&pg, &pg.s[i]);
	if (!ret)
		ret = alerts_page(&pg);
	if (!ret)
		ret = feed(&pg);
	if (!ret)
		ret = index_page(&pg);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	unload(&pg);
	return ret;
}
