// SPDX-License-Identifier: MIT
/*
 * plot: each kind of series drawn by gnuplot into a PNG (gnuplot-nox is a dependency of
 * make deps; without it the test says so and fails), panels in a grid, the axes' options,
 * and what the builder refuses.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "../../analysis/plot.h"

#define N 12

static char dir[64];
static double x[N], y[N], lo[N], hi[N], wlo[N], whi[N], w[N], l1[N], l2[N];
static const char *cats[N] = { "null", "pvr", "spr", "hcall", "mmio", "a", "b", "c", "d", "e",
			       "f", "g" };

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/exitbench-plot-XXXXXX");
	for (int i = 0; i < N; i++) {
		x[i] = 1000 + 10 * i;
		y[i] = 600 + 5 * sin(i);
		lo[i] = y[i] - 3;
		hi[i] = y[i] + 3;
		wlo[i] = y[i] - 6;
		whi[i] = y[i] + 9;
		w[i] = 8;
		l1[i] = 100 + i;
		l2[i] = 50 + 2 * i;
	}
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* dir/name.png exists and is not empty */
static void png(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.png", dir, name);
	if (stat(path, &st) || st.st_size <= 0)
		fail_msg("%s: no PNG drawn", path);
}

static int draw(struct plot *p)
{
	int ret = plot_draw(p);

	plot_free(p);
	if (ret == -ENOENT)
		fail_msg("gnuplot not found: install gnuplot-nox (make deps) to test the plots");
	return ret;
}

/* one figure a kind of series, each drawn */
static void each_kind(void **state)
{
	static const char *const names[PLOT_NKINDS] = {
		"line", "points", "steps", "boxes", "band", "errorbars", "candles",
		"stacked-bars", "stacked-areas", "vmarks", "labels",
	};
	const double *layers[2] = { l1, l2 };
	const char *titles[2] = { "guest", "handle_exit" }, *palette[2] = { "#4e79a7", "#f28e2b" };
	char *marks[3] = { "abc1234", "def5678", NULL };
	double mx[3] = { 1030, 1065, 1100 };

	(void)state;
	for (int k = 0; k < PLOT_NKINDS; k++) {
		struct plot_series s = {
			.kind = k, .title = names[k], .colour = "#3060a0", .n = N, .x = x, .y = y,
			.lo = lo, .hi = hi, .wlo = wlo, .whi = whi, .w = w,
			.labels = cats, .nlayers = 2, .layers = layers, .layer_titles = titles,
			.palette = palette, .npalette = 2, .line_width = 2, .whisker_bars = 0.6,
		};
		struct plot *p;

		if (k == PLOT_VMARKS) {
			/* markers over a line: the nightly page's change points */
			s.n = 3;
			s.x = mx;
			s.labels = (const char *const *)marks;
			s.dashed = 1;
		}
		if (k == PLOT_CANDLES || k == PLOT_STACKED_BARS)
			s.x = NULL;	/* categories */
		assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = names[k],
				 .width = 400, .height = 300, .title = names[k] }, &p), 0);
		assert_int_equal(plot_panel(p, &(struct plot_panel){
			.x = { .label = "x", .rotate = -30 }, .y = { .label = "y", .grid = 1 },
			.box_width = k == PLOT_CANDLES ? 0.5 : k == PLOT_STACKED_BARS ? 0.6 : 0,
			.box_relative = k == PLOT_STACKED_BARS, .headroom = 0.08 }), 0);
		if (k == PLOT_VMARKS || k == PLOT_LABELS)
			assert_int_equal(plot_add(p, &(struct plot_series){ .kind = PLOT_LINE,
					 .n = N, .x = x, .y = y }), 0);
		assert_int_equal(plot_add(p, &s), 0);
		assert_int_equal(draw(p), 0);
		png(names[k]);
	}
}

/* the nightly page's trend: a band, the mean, p99 dashed, markers; log and time axes; y2 */
static void panels_and_axes(void **state)
{
	double t[N], p99[N];
	struct plot *p;
	char path[256];
	struct stat st;
	FILE *f;
	char script[8192];
	size_t n;

	(void)state;
	for (int i = 0; i < N; i++) {
		t[i] = 1767225600 + 86400.0 * i;	/* nights */
		p99[i] = hi[i] + 20;
	}
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "trend", .width = 800,
			 .height = 600, .font_size = 9, .title = "pvr \"nightly\"", .rows = 2,
			 .cols = 2 }, &p), 0);
	assert_int_equal(plot_panel(p, &(struct plot_panel){ .title = "mean and 95% interval",
			 .x = { .time = 1, .format = "%m-%d" }, .y = { .label = "ticks" },
			 .key = PLOT_KEY_OUTSIDE, .key_title = "nights" }), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_BAND, .title = "95%", .n = N, .x = t,
					   .lo = lo, .hi = hi, .colour = "#3060a0" });
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = "mean", .n = N, .x = t, .y = y });
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = "p99", .n = N, .x = t,
					   .y = p99, .dashed = 1 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_VMARKS, .title = "change", .n = 1,
					   .x = &t[5], .labels = (const char *const[]){ "abc1234" } });
	assert_int_equal(plot_panel(p, &(struct plot_panel){ .x = { .log = 1, .label = "ticks" },
			 .y = { .fixed = PLOT_MIN, .min = 0.7 }, .key = PLOT_KEY_NONE,
			 .y2_scale = 1 / 0.512, .y2 = { .label = "instructions", .format = "%.0f" } }), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_BOXES, .n = N, .x = x, .y = y, .w = w });
	/* a panel after one with y2: its own axes again */
	assert_int_equal(plot_panel(p, &(struct plot_panel){ .x = { .fixed = PLOT_MIN | PLOT_MAX,
			 .min = 990, .max = 1130, .step = 20 }, .key = PLOT_KEY_BOTTOM_RIGHT }), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_STEPS, .title = "latest", .n = N, .x = x, .y = y });
	plot_add(p, &(struct plot_series){ .kind = PLOT_STEPS, .title = "baseline", .n = N, .x = x,
					   .y = lo, .colour = "#c04020" });
	/* an empty series draws nothing and is no error */
	assert_int_equal(plot_add(p, &(struct plot_series){ .kind = PLOT_POINTS, .n = 0, .y = y }), 0);
	assert_int_equal(draw(p), 0);
	png("trend");
	/* the script says what it was asked, text as it is */
	snprintf(path, sizeof(path), "%s/plots/trend.gp", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(script, 1, sizeof(script) - 1, f);
	script[n] = '\0';
	fclose(f);
	assert_non_null(strstr(script, "set multiplot layout 2,2 title \"pvr \\\"nightly\\\"\""));
	assert_non_null(strstr(script, "set xdata time"));
	assert_non_null(strstr(script, "set link y2 via y*1.953125 inverse y/1.953125"));
	assert_non_null(strstr(script, "unset link y2"));
	assert_non_null(strstr(script, "set label \"abc1234\" at 1767657600"));
	snprintf(path, sizeof(path), "%s/plots/trend.dat", dir);
	assert_int_equal(stat(path, &st), 0);
}

/* what it refuses: a series short of what its kind needs, nothing to draw, no directory */
static void refusals(void **state)
{
	struct plot *p;

	(void)state;
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "bad", .width = 400,
			 .height = 300 }, &p), 0);
	assert_int_equal(plot_add(p, &(struct plot_series){ .kind = PLOT_BAND, .n = N, .x = x,
			 .lo = lo }), -EINVAL);
	/* the first failure stays */
	assert_int_equal(plot_panel(p, &(struct plot_panel){ .y = { .log = 1 }, .y2_scale = 2 }), -EINVAL);
	assert_int_equal(plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .n = N, .y = y }), -EINVAL);
	assert_int_equal(plot_draw(p), -EINVAL);
	plot_free(p);
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "empty", .width = 400,
			 .height = 300 }, &p), 0);
	assert_int_equal(plot_draw(p), -EINVAL);
	plot_free(p);
	/* a directory that is not there is no missing gnuplot */
	assert_int_not_equal(plot_new(&(struct plot_figure){ .dir = "/nonexistent/dir", .name = "x",
			     .width = 400, .height = 300 }, &p), -ENOENT);
	assert_string_equal(plot_strerror(-ENOENT), "gnuplot not found (apt-get install gnuplot-nox)");
	assert_string_equal(plot_strerror(-EIO), "gnuplot failed");
}

/* no gnuplot on the PATH: -ENOENT, not a failure of the chart */
static void without_gnuplot(void **state)
{
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct plot *p;
	int ret;

	(void)state;
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "x", .width = 400,
			 .height = 300 }, &p), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .n = N, .x = x, .y = y });
	setenv("PATH", "/nonexistent", 1);
	ret = plot_draw(p);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	plot_free(p);
	assert_int_equal(ret, -ENOENT);
}

/* atomic: gnuplot draws a temporary file renamed when done; a failure leaves the old PNG */
static void atomic_figure(void **state)
{
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char png_path[256], tmp[256];
	struct stat before, after;
	struct plot *p;
	int ret;

	(void)state;
	snprintf(png_path, sizeof(png_path), "%s/atomic.png", dir);
	snprintf(tmp, sizeof(tmp), "%s/.atomic.png.tmp", dir);
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "atomic", .width = 400,
			 .height = 300, .atomic = 1 }, &p), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .n = N, .x = x, .y = y });
	assert_int_equal(draw(p), 0);
	png("atomic");
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_equal(stat(png_path, &before), 0);
	/* drawn again without gnuplot: the PNG there stays as it was, nothing else is left */
	assert_int_equal(plot_new(&(struct plot_figure){ .dir = dir, .name = "atomic", .width = 640,
			 .height = 480, .atomic = 1 }, &p), 0);
	plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .n = N, .x = x, .y = lo });
	setenv("PATH", "/nonexistent", 1);
	ret = plot_draw(p);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	plot_free(p);
	assert_int_equal(ret, -ENOENT);
	assert_int_equal(stat(png_path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_not_equal(access(tmp, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(panels_and_axes, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(without_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(atomic_figure, setup, teardown),
	};
	return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
