// SPDX-License-Identifier: MIT
/* plot: gnuplot charts from plain data (see plot.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"

/* a growing string */
struct sbuf {
	char *s;
	size_t len, cap;
};

static int __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return 0;
		}
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap <= b->len + (size_t)n)
			cap *= 2;
		if (!(ns = realloc(b->s, cap)))
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
}

/* a gnuplot string in the script: double-quoted, its quotes and backslashes escaped */
static void sb_quote(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(b, "\\%c", *s);
		else
			sb_printf(b, "%c", *s == '\n' || *s == '\t' ? ' ' : *s);
	}
	sb_printf(b, "\"");
}

struct panel {
	int y2;				/* has the right axis: the next panel unsets it */
	char *title;
	struct sbuf settings, marks, clauses;
	size_t nclauses;
	int stacked_bars;
	int categories;			/* x tic labels from the data: names, taken as they are */
};

struct plot {
	struct plot_figure fig;
	char *title;
	char dat[4096], gp[4096], png[4096];
	char out[4096];			/* what gnuplot writes: png, or its temporary name */
	FILE *data;
	size_t blocks;			/* gnuplot indexes written to data */
	size_t npanels;
	struct panel *panels;
	int err;			/* the first failure */
};

static int fail(struct plot *p, int err)
{
	if (!p->err)
		p->err = err;
	return err;
}

int plot_new(const struct plot_figure *fig, struct plot **out)
{
	struct plot *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->fig = *fig;
	p->title = fig->title ? strdup(fig->title) : NULL;
	snprintf(p->dat, sizeof(p->dat), "%s/plots", fig->dir);
	if (mkdir(p->dat, 0755) && errno != EEXIST) {
		ret = -errno;
		goto out;
	}
	snprintf(p->dat, sizeof(p->dat), "%s/plots/%s.dat", fig->dir, fig->name);
	snprintf(p->gp, sizeof(p->gp), "%s/plots/%s.gp", fig->dir, fig->name);
	snprintf(p->png, sizeof(p->png), "%s/%s.png", fig->dir, fig->name);
	if (fig->atomic)
		snprintf(p->out, sizeof(p->out), "%s/.%s.png.tmp", fig->dir, fig->name);
	else
		snprintf(p->out, sizeof(p->out), "%s", p->png);
	if (!(p->data = fopen(p->dat, "w"))) {
		ret = -errno;
		goto out;
	}
	if (fig->title && !p->title) {
		ret = -ENOMEM;
		goto out;
	}
	/* the caller's strings may go: what is kept is copied */
	p->fig.title = p->title;
	p->fig.dir = p->fig.name = NULL;
	*out = p;
	return 0;
out:
	plot_free(p);
	return ret == -ENOENT ? -ENOTDIR : ret;	/* -ENOENT is gnuplot's */
}

void plot_free(struct plot *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->npanels; i++) {
		free(p->panels[i].title);
		free(p->panels[i].settings.s);
		free(p->panels[i].marks.s);
		free(p->panels[i].clauses.s);
	}
	free(p->panels);
	free(p->title);
	if (p->data)
		fclose(p->data);
	free(p);
}

/* ---- a panel's settings: every one said, so nothing of the panel before stays ---- */

static void range(struct sbuf *b, const char *axis, const struct plot_axis *a)
{
	sb_printf(b, "set %srange [", axis);
	if (a->fixed & PLOT_MIN)
		sb_printf(b, "%.10g", a->min);
	else
		sb_printf(b, "*");
	if (a->fixed & PLOT_MAX)
		sb_printf(b, ":%.10g]\n", a->max);
	else
		sb_printf(b, ":*]\n");
}

static void axis(struct sbuf *b, const char *name, const struct plot_axis *a, int mirror)
{
	if (a->label) {
		sb_printf(b, "set %slabel ", name);
		sb_quote(b, a->label);
		sb_printf(b, " noenhanced\n");
	} else {
		sb_printf(b, "unset %slabel\n", name);
	}
	sb_printf(b, "%s logscale %s\n", a->log ? "set" : "unset", name);
	range(b, name, a);
	/* numbers: gnuplot's own marks (1x10^{6}) stay enhanced; category names are set apart */
	sb_printf(b, "set %stics %s enhanced", name, mirror ? "mirror" : "nomirror");
	if (a->rotate)
		sb_printf(b, " rotate by %d", a->rotate);
	else
		sb_printf(b, " norotate");
	if (a->step > 0)
		sb_printf(b, " %.10g\n", a->step);
	else
		sb_printf(b, " autofreq\n");
	sb_printf(b, "set format %s", name);
	if (a->format) {
		sb_printf(b, " ");
		sb_quote(b, a->format);
	}
	sb_printf(b, "\n");
}

static void key(struct sbuf *b, const struct plot_panel *o)
{
	static const char *const where[] = {
		[PLOT_KEY_TOP_RIGHT] = "top right", [PLOT_KEY_TOP_LEFT] = "top left",
		[PLOT_KEY_BOTTOM_RIGHT] = "bottom right", [PLOT_KEY_BOTTOM_LEFT] = "bottom left",
		[PLOT_KEY_OUTSIDE] = "outside right top vertical",
	};

	sb_printf(b, "set key default\n");
	if ((unsigned)o->key >= PLOT_KEY_NONE) {
		sb_printf(b, "unset key\n");
		return;
	}
	sb_printf(b, "set key %s %s noenhanced", where[o->key], o->key_invert ? "invert" : "noinvert");
	if (o->key_title) {
		sb_printf(b, " title ");
		sb_quote(b, o->key_title);
	}
	sb_printf(b, "\n");
}

static void settings(struct sbuf *b, const struct plot_panel *o, int y2_before)
{
	const struct plot_axis *x = &o->x;

	if (x->time)
		sb_printf(b, "set xdata time\nset timefmt \"%%s\"\n");
	else
		sb_printf(b, "set xdata\n");
	axis(b, "x", x, 1);
	axis(b, "y", &o->y, !(o->y2_scale > 0));
	if (o->y2_scale > 0) {
		axis(b, "y2", &o->y2, 0);
		sb_printf(b, "set link y2 via y*%.17g inverse y/%.17g\n", o->y2_scale, o->y2_scale);
	} else if (y2_before) {
		sb_printf(b, "unset y2tics\nunset y2label\nunset link y2\n");
	}
	sb_printf(b, "unset grid\n");
	if (x->grid || o->y.grid)
		sb_printf(b, "set grid%s%s\n", x->grid ? " xtics" : "", o->y.grid ? " ytics" : "");
	key(b, o);
	sb_printf(b, "set style fill solid %.3g border -1\n", o->fill > 0 ? o->fill : 0.6);
	if (o->box_width > 0)
		sb_printf(b, "set boxwidth %.10g %s\n", o->box_width,
			  o->box_relative ? "relative" : "absolute");
	else
		sb_printf(b, "set boxwidth\n");
	if (o->headroom > 0)
		sb_printf(b, "set offsets 0, 0, graph %.10g, 0\n", o->headroom);
	else
		sb_printf(b, "set offsets 0, 0, 0, 0\n");
}

int plot_panel(struct plot *p, const struct plot_panel *o)
{
	struct panel *np = realloc(p->panels, (p->npanels + 1) * sizeof(*np));
	int y2_before = 0;

	if (!np)
		return fail(p, -ENOMEM);
	p->panels = np;
	if (o->y2_scale > 0 && o->y.log)
		return fail(p, -EINVAL);	/* gnuplot links y2 to a linear y only */
	for (size_t i = 0; i < p->npanels; i++)
		y2_before |= p->panels[i].y2;
	np = &p->panels[p->npanels++];
	memset(np, 0, sizeof(*np));
	np->y2 = o->y2_scale > 0;
	/* the caller's strings may go: the settings are text now, the title a copy */
	if (o->title && !(np->title = strdup(o->title)))
		return fail(p, -ENOMEM);
	settings(&np->settings, o, y2_before);
	return np->settings.s ? 0 : fail(p, -ENOMEM);
}

/* ---- the series: values into the data file, a clause into the panel's plot command ---- */

static void num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" NaN", f);
}

/* a text in the data file: double-quoted, with no quote or line break inside */
static void text(FILE *f, const char *s)
{
	fputs(" \"", f);
	for (; s && *s; s++)
		fputc(*s == '"' ? '\'' : *s == '\n' || *s == '\t' ? ' ' : *s, f);
	fputc('"', f);
}

static double xat(const struct plot_series *s, size_t i)
{
	return s->x ? s->x[i] : (double)i;
}

/* what each kind needs of the series */
static int complete(const struct plot_series *s)
{
	switch (s->kind) {
	case PLOT_LINE:
	case PLOT_POINTS:
	case PLOT_STEPS:
	case PLOT_BOXES:
		return s->y != NULL;
	case PLOT_BAND:
		return s->lo && s->hi;
	case PLOT_ERRORBARS:
		return s->y && s->lo && s->hi;
	case PLOT_CANDLES:
		return s->lo && s->hi && s->wlo && s->whi;
	case PLOT_STACKED_BARS:
	case PLOT_STACKED_AREAS:
		return s->nlayers && s->layers;
	case PLOT_VMARKS:
		return s->x != NULL;
	case PLOT_LABELS:
		return s->y && s->labels;
	default:
		return 0;
	}
}

/* the series' values as one gnuplot index */
static void write_block(FILE *f, const struct plot_series *s)
{
	for (size_t i = 0; i < s->n; i++) {
		double cum = 0;

		switch (s->kind) {
		case PLOT_STACKED_BARS:
			text(f, s->labels ? s->labels[i] : "");
			for (size_t k = 0; k < s->nlayers; k++)
				num(f, s->layers[k][i]);
			break;
		case PLOT_STACKED_AREAS:
			/* each layer's bottom and top: the sums below it and with it */
			num(f, xat(s, i));
			num(f, 0);
			for (size_t k = 0; k < s->nlayers; k++) {
				cum += isfinite(s->layers[k][i]) ? s->layers[k][i] : 0;
				num(f, cum);
			}
			break;
		case PLOT_CANDLES:
			num(f, xat(s, i));
			num(f, s->lo[i]);
			num(f, s->wlo[i]);
			num(f, s->whi[i]);
			num(f, s->hi[i]);
			text(f, s->labels ? s->labels[i] : "");
			break;
		case PLOT_BAND:
			num(f, xat(s, i));
			num(f, s->lo[i]);
			num(f, s->hi[i]);
			break;
		case PLOT_ERRORBARS:
			num(f, xat(s, i));
			num(f, s->y[i]);
			num(f, s->lo[i]);
			num(f, s->hi[i]);
			break;
		case PLOT_LABELS:
			num(f, xat(s, i));
			num(f, s->y[i]);
			text(f, s->labels[i]);
			break;
		default:
			num(f, xat(s, i));
			num(f, s->y[i]);
			if (s->kind == PLOT_BOXES && s->w)
				num(f, s->w[i]);
		}
		fputc('\n', f);
	}
	fputs("\n\n", f);
}

/* the look of a line or mark: width, dashes, points, colour */
static void look(struct sbuf *b, const struct plot_series *s, const char *colour)
{
	if (s->line_width > 0)
		sb_printf(b, " lw %.3g", s->line_width);
	if (s->dashed)
		sb_printf(b, " dt 2");
	if (s->kind == PLOT_POINTS) {
		sb_printf(b, " pt %d", s->point_type > 0 ? s->point_type : 1);
		if (s->point_size > 0)
			sb_printf(b, " ps %.3g", s->point_size);
	}
	if (colour) {
		sb_printf(b, " lc rgb ");
		sb_quote(b, colour);
	}
}

/* a clause's look and its key entry */
static void style(struct sbuf *b, const struct plot_series *s, const char *colour,
		  const char *title)
{
	look(b, s, colour);
	if (title) {
		sb_printf(b, " title ");
		sb_quote(b, title);
	} else {
		sb_printf(b, " notitle");
	}
}

static void clause_start(struct plot *p, struct panel *pn, size_t index)
{
	sb_printf(&pn->clauses, "%s", pn->nclauses++ ? ", \\\n     " : "plot ");
	sb_quote(&pn->clauses, p->dat);
	sb_printf(&pn->clauses, " index %zu", index);
}

static const char *layer_colour(const struct plot_series *s, size_t k)
{
	return s->palette && s->npalette ? s->palette[k % s->npalette] : NULL;
}

static void vmarks(struct panel *pn, const struct plot_series *s)
{
	/* the key's entry must look like the arrows: no colour of gnuplot's choosing */
	const char *colour = s->colour ? s->colour : "black";

	for (size_t i = 0; i < s->n; i++) {
		sb_printf(&pn->marks, "set arrow from %.10g, graph 0 to %.10g, graph 1 nohead front",
			  s->x[i], s->x[i]);
		look(&pn->marks, s, colour);
		sb_printf(&pn->marks, "\n");
		if (!s->labels || !s->labels[i])
			continue;
		sb_printf(&pn->marks, "set label ");
		sb_quote(&pn->marks, s->labels[i]);
		sb_printf(&pn->marks, " at %.10g, graph 0.98 rotate by 90 right offset -0.7, 0 front "
			  "noenhanced\n",
			  s->x[i]);
	}
	if (s->title) {
		/* the key's entry: a line of the marks' look, of nothing */
		sb_printf(&pn->clauses, "%s", pn->nclauses++ ? ", \\\n     " : "plot ");
		sb_printf(&pn->clauses, "NaN with lines");
		style(&pn->clauses, s, colour, s->title);
	}
}

static void clauses(struct plot *p, struct panel *pn, const struct plot_series *s, size_t index)
{
	static const char *const with[PLOT_NKINDS] = {
		[PLOT_LINE] = "using 1:2 with lines", [PLOT_POINTS] = "using 1:2 with points",
		[PLOT_STEPS] = "using 1:2 with steps",
		[PLOT_BAND] = "using 1:2:3 with filledcurves fs transparent solid 0.25 noborder",
		[PLOT_ERRORBARS] = "using 1:2:3:4 with yerrorbars",
		[PLOT_LABELS] = "using 1:2:3 with labels offset 0, 0.7 noenhanced",
	};

	switch (s->kind) {
	case PLOT_BOXES:
		clause_start(p, pn, index);
		sb_printf(&pn->clauses, " using 1:2%s with boxes", s->w ? ":3" : "");
		style(&pn->clauses, s, s->colour, s->title);
		break;
	case PLOT_CANDLES:
		pn->categories |= s->labels != NULL;
		clause_start(p, pn, index);
		sb_printf(&pn->clauses, " using 1:2:3:4:5%s with candlesticks",
			  s->labels ? ":xtic(6)" : "");
		if (s->whisker_bars > 0)
			sb_printf(&pn->clauses, " whiskerbars %.3g", s->whisker_bars);
		style(&pn->clauses, s, s->colour, s->title);
		break;
	case PLOT_STACKED_BARS:
		pn->stacked_bars = pn->categories = 1;
		for (size_t k = 0; k < s->nlayers; k++) {
			clause_start(p, pn, index);
			sb_printf(&pn->clauses, " using %zu%s with histograms", k + 2,
				  k ? "" : ":xtic(1)");
			style(&pn->clauses, s, layer_colour(s, k),
			      s->layer_titles ? s->layer_titles[k] : NULL);
		}
		break;
	case PLOT_STACKED_AREAS:
		for (size_t k = 0; k < s->nlayers; k++) {
			clause_start(p, pn, index);
			sb_printf(&pn->clauses, " using 1:%zu:%zu with filledcurves", k + 2, k + 3);
			style(&pn->clauses, s, layer_colour(s, k),
			      s->layer_titles ? s->layer_titles[k] : NULL);
		}
		break;
	case PLOT_LABELS:
		clause_start(p, pn, index);
		sb_printf(&pn->clauses, " %s", with[s->kind]);
		if (s->colour) {
			sb_printf(&pn->clauses, " tc rgb ");
			sb_quote(&pn->clauses, s->colour);
		}
		sb_printf(&pn->clauses, " notitle");
		break;
	default:
		clause_start(p, pn, index);
		sb_printf(&pn->clauses, " %s", with[s->kind]);
		style(&pn->clauses, s, s->colour, s->title);
	}
}

int plot_add(struct plot *p, const struct plot_series *s)
{
	struct panel *pn;

	if (p->err)
		return p->err;
	if ((unsigned)s->kind >= PLOT_NKINDS || !complete(s))
		return fail(p, -EINVAL);
	if (!p->npanels && plot_panel(p, &(struct plot_panel){ 0 }))
		return p->err;
	pn = &p->panels[p->npanels - 1];
	if (!s->n)
		return 0;		/* nothing to draw: gnuplot would refuse an empty index */
	if (s->kind == PLOT_VMARKS) {
		vmarks(pn, s);
	} else {
		write_block(p->data, s);
		if (ferror(p->data))
			return fail(p, -EIO);
		clauses(p, pn, s, p->blocks++);
	}
	return pn->clauses.s || pn->marks.s ? 0 : fail(p, -ENOMEM);
}

/* ---- the script, and gnuplot ---- */

static int write_script(struct plot *p)
{
	const struct plot_figure *fig = &p->fig;
	int multi = p->npanels > 1;
	struct sbuf b = { 0 };
	FILE *f;
	int ret = 0;

	sb_printf(&b, "set terminal pngcairo size %d,%d font ',%d'\n", fig->width, fig->height,
		  fig->font_size > 0 ? fig->font_size : 10);
	sb_printf(&b, "set output ");
	sb_quote(&b, p->out);
	sb_printf(&b, "\n");
	if (multi) {
		sb_printf(&b, "set multiplot layout %d,%d", fig->rows > 0 ? fig->rows : 1,
			  fig->cols > 0 ? fig->cols : (int)p->npanels);
		if (fig->title) {
			sb_printf(&b, " title ");
			sb_quote(&b, fig->title);
			sb_printf(&b, " noenhanced");
		}
		sb_printf(&b, "\n");
	}
	for (size_t i = 0; i < p->npanels; i++) {
		struct panel *pn = &p->panels[i];
		const char *title = pn->title ? pn->title : multi ? NULL : fig->title;

		if (title) {
			sb_printf(&b, "set title ");
			sb_quote(&b, title);
			sb_printf(&b, " noenhanced\n");
		} else {
			sb_printf(&b, "unset title\n");
		}
		sb_printf(&b, "%s", pn->settings.s ? pn->settings.s : "");
		if (pn->categories)
			sb_printf(&b, "set xtics noenhanced\n");
		if (pn->stacked_bars)
			sb_printf(&b, "set style histogram rowstacked\n");
		sb_printf(&b, "%s", pn->marks.s ? pn->marks.s : "");
		if (pn->nclauses)
			sb_printf(&b, "%s\n", pn->clauses.s);
		if (pn->marks.len)
			sb_printf(&b, "unset arrow\nunset label\n");
	}
	if (multi)
		sb_printf(&b, "unset multiplot\n");
	if (!b.s)
		return -ENOMEM;
	if (!(f = fopen(p->gp, "w")))
		ret = -EIO;
	else if (fputs(b.s, f) == EOF)
		ret = -EIO;
	if (f && fclose(f))
		ret = -EIO;
	free(b.s);
	return ret;
}

int plot_draw(struct plot *p)
{
	size_t drawn = 0;
	int ret;

	if (p->err)
		return p->err;
	ret = fclose(p->data) ? -EIO : 0;
	p->data = NULL;
	if (ret)
		return fail(p, ret);
	for (size_t i = 0; i < p->npanels; i++)
		drawn += p->panels[i].nclauses;
	if (!drawn)
		return fail(p, -EINVAL);	/* gnuplot draws nothing of nothing */
	if ((ret = write_script(p)))
		return fail(p, ret);
	ret = plot_gnuplot(p->gp);
	if (!p->fig.atomic)
		return ret;
	if (!ret && rename(p->out, p->png))
		ret = errno == ENOENT ? -EIO : -errno;	/* -ENOENT says: no gnuplot */
	if (ret)
		unlink(p->out);
	return ret;
}

int plot_gnuplot(const char *script)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

const char *plot_strerror(int err)
{
	return err == -ENOENT ? "gnuplot not found (apt-get install gnuplot-nox)" : "gnuplot failed";
}

void plot_safe_name(char *buf, size_t len, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		buf[i] = isalnum((unsigned char)s[i]) || strchr("_.+-", s[i]) ? s[i] : '_';
	buf[i] = '\0';
}
