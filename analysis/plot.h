/* SPDX-License-Identifier: MIT */
/*
 * plot: charts drawn by gnuplot from plain data, for report.md, compare.md and the nightly
 * page. A figure is one PNG of one or more panels (a grid filled row by row, as gnuplot's
 * multiplot); a panel has its axes and its series. The builder writes the series' values
 * into dir/plots/NAME.dat as they are added (one gnuplot index a series), the script into
 * dir/plots/NAME.gp, and runs gnuplot, which draws dir/NAME.png:
 *
 *	struct plot *p;
 *
 *	if (plot_new(&(struct plot_figure){ .dir = dir, .name = "pvr", .width = 800,
 *					     .height = 480, .title = "pvr" }, &p))
 *		return ...;
 *	plot_panel(p, &(struct plot_panel){ .y = { .label = "batches", .log = 1 } });
 *	plot_add(p, &(struct plot_series){ .kind = PLOT_BOXES, .n = n, .x = x, .y = y });
 *	ret = plot_draw(p);
 *	plot_free(p);
 *
 * Text (titles, labels, keys) is taken as it is: no gnuplot markup.
 */
#ifndef EB_PLOT_H
#define EB_PLOT_H

#include <stddef.h>

enum plot_kind {
	PLOT_LINE,		/* y over x, joined */
	PLOT_POINTS,		/* y over x, a mark each */
	PLOT_STEPS,		/* y over x as a staircase, y[i] from x[i] to x[i + 1]: CDFs,
				   histogram outlines (x the bins' edges) */
	PLOT_BOXES,		/* a bar at each x of height y, width w[i] (or the panel's box_width) */
	PLOT_BAND,		/* the area between lo and hi over x: an interval */
	PLOT_ERRORBARS,		/* y at x with a bar from lo to hi */
	PLOT_CANDLES,		/* at each x a box lo..hi and whiskers wlo..whi (a box chart) */
	PLOT_STACKED_BARS,	/* a bar a category (labels), its layers stacked from the bottom */
	PLOT_STACKED_AREAS,	/* layers stacked from the bottom over x, each an area */
	PLOT_VMARKS,		/* a vertical line at each x, labelled labels[i] at the top */
	PLOT_LABELS,		/* labels[i] just above (x, y) */
	PLOT_NKINDS
};

struct plot_series {
	enum plot_kind kind;
	const char *title;		/* its entry in the key (NULL: none) */
	const char *colour;		/* "#rrggbb" (NULL: gnuplot's next) */
	double line_width;		/* 0: gnuplot's */
	int dashed;			/* LINE, STEPS, VMARKS: a dashed line */
	int point_type;			/* POINTS: gnuplot's point type (0: its first) */
	double point_size;		/* POINTS (0: gnuplot's) */
	double whisker_bars;		/* CANDLES: a bar across each whisker's end, this share
					   of the box's width (0: none) */
	size_t n;			/* points; categories of STACKED_BARS */
	const double *x;		/* NULL: 0, 1, 2 ... (categories) */
	const double *y;
	const double *lo, *hi;		/* BAND, ERRORBARS; CANDLES: the box */
	const double *wlo, *whi;	/* CANDLES: the whiskers */
	const double *w;		/* BOXES: each box's width (NULL: the panel's box_width) */
	const char *const *labels;	/* VMARKS, LABELS: a text a point; CANDLES, STACKED_BARS:
					   the tic label of each x (NULL: numbers) */
	size_t nlayers;			/* STACKED_*: the layers, bottom up */
	const double *const *layers;	/* nlayers arrays of n values */
	const char *const *layer_titles;	/* their key entries (NULL: none) */
	const char *const *palette;	/* STACKED_*: the layers' colours, cycled (NULL: gnuplot's) */
	size_t npalette;
};

#define PLOT_MIN 1
#define PLOT_MAX 2

struct plot_axis {
	const char *label;
	int log;			/* logarithmic */
	int fixed;			/* PLOT_MIN | PLOT_MAX: min, max hold (else the data's) */
	double min, max;
	double step;			/* a tic every step (0: gnuplot's) */
	int rotate;			/* tic labels turned by this many degrees (-30) */
	int grid;			/* grid lines at the tics */
	const char *format;		/* tic labels, printf-like ("%.0f"), or strftime-like
					   with time (NULL: gnuplot's) */
	int time;			/* x: the values are Unix times (seconds) */
};

enum plot_key {
	PLOT_KEY_TOP_RIGHT,		/* inside the graph (gnuplot's default) */
	PLOT_KEY_TOP_LEFT,
	PLOT_KEY_BOTTOM_RIGHT,
	PLOT_KEY_BOTTOM_LEFT,
	PLOT_KEY_OUTSIDE,		/* right of the graph, top, one entry a line */
	PLOT_KEY_NONE,
};

struct plot_panel {
	const char *title;		/* NULL: none (a figure of one panel: the figure's) */
	struct plot_axis x, y;
	struct plot_axis y2;		/* the right axis, shown when y2_scale: y2 = y * y2_scale
					   (y linear: gnuplot links no other) */
	double y2_scale;
	enum plot_key key;
	const char *key_title;
	int key_invert;			/* entries bottom up (stacked layers, as they are drawn) */
	double fill;			/* density of boxes, candles, bars and areas (0: 0.6) */
	double box_width;		/* BOXES without w, CANDLES: in x units (0: gnuplot's) */
	int box_relative;		/* box_width is a share of the room a box has (STACKED_BARS) */
	double headroom;		/* room above the data, a share of the graph (for LABELS) */
};

struct plot_figure {
	const char *dir;		/* dir/NAME.png; data and script in dir/plots */
	const char *name;
	int width, height;		/* pixels */
	int font_size;			/* points (0: 10) */
	const char *title;		/* over the panels (one panel: its title when it has none) */
	int rows, cols;			/* the panels' grid (0: one row) */
	int atomic;			/* gnuplot draws dir/.NAME.png.tmp, renamed to NAME.png
					   once it succeeded: a reader never sees half a PNG */
};

struct plot;

/*
 * A figure: dir/plots (made when missing) and its data file opened. -errno (a file that
 * cannot be written: never -ENOENT of gnuplot's), -ENOMEM.
 */
int plot_new(const struct plot_figure *fig, struct plot **out);
/* Start the next panel; the series added after it are its own. -EINVAL: y2 on a log y. */
int plot_panel(struct plot *p, const struct plot_panel *panel);
/*
 * A series of the current panel (one is started when there is none), its values written
 * now: the caller's arrays may go. -EINVAL (a series that misses what its kind needs),
 * -EIO, -ENOMEM; the first failure stays and plot_draw returns it.
 */
int plot_add(struct plot *p, const struct plot_series *s);
/*
 * Write the script and run gnuplot on it: 0, -ENOENT when there is no gnuplot, -EIO when it
 * failed, or the first failure of the building.
 */
int plot_draw(struct plot *p);
void plot_free(struct plot *p);
/* Run gnuplot on a script: 0, -ENOENT when there is no gnuplot, -EIO when it failed. */
int plot_gnuplot(const char *script);
/*
 * s as a figure's file name (and a relative link to it: no ':' a browser would take for a
 * scheme): [A-Za-z0-9_.+-], the rest '_' ("pvr-mmu:segments=8" -> "pvr-mmu_segments_8").
 */
void plot_safe_name(char *buf, size_t len, const char *s);
/* Why a figure is missing, for the reader: "gnuplot not found (...)" or "gnuplot failed". */
const char *plot_strerror(int err);

#endif
