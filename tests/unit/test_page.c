// SPDX-License-Identifier: MIT
/*
 * The nightly page: from a small history (nights in two modes, an instrumented run a night,
 * a step confirmed and blamed to a commit whose subject has '<', '&' and quotes, a failed and
 * a partial build, a change of environment) every page and plot is written and not empty,
 * text is escaped, alerts.html holds the plain-text report, the feed is Atom, every link
 * resolves to a file (and anchor) that is there, bytes that are no UTF-8 and control
 * characters are replaced (the feed stays XML), nothing else in the directory is touched,
 * and a missing gnuplot is said on the page, not hidden. (The feed is parsed as XML, and the
 * pages loaded in a browser, by tests/page/check-page.py.)
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "../../analysis/alerts.h"
#include "../../analysis/history.h"
#include "../../analysis/page.h"
#include "../../analysis/results.h"

#define SUBJECT "KVM: PPC: Book3S PR: pad <exit> & \"re-enter\""
#define SUBJECT_HTML "KVM: PPC: Book3S PR: pad &lt;exit&gt; &amp; &quot;re-enter&quot;"
/* what no XML may hold: a byte that is no UTF-8, a control character */
#define ODD " (r\xe9sum\xe9\x01)"
#define ODD_HTML " (r\xef\xbf\xbdsum\xef\xbf\xbd\xef\xbf\xbd)"

static char dir[64], db[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/exitbench-page-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/history.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * One night's run: pvr and hcall at the given figures, 5 runs of 10 batches (noise in
 * plain mode), the instrumented kernel's phases when copy > 0.
 */
/* the host the runs are taken on (a fleet's test sets others) */
static const char *run_host = "test-host";

static void make_run(struct results *r, const char *commit, const char *subject, double position,
		     const char *mode, const char *qemu, double pvr, double hcall, double copy)
{
	const char *names[2] = { "pvr", "hcall" };
	double fig[2] = { pvr, hcall };

	res_init(r);
	snprintf(r->run_id, sizeof(r->run_id), "night-%s-%s-%s", commit, mode,
		 copy > 0 ? "instrumented" : "stock");
	res_env_set_str(r, "mode", "emulated");
	res_env_set_bool(r, "instruction_count_mode", !strcmp(mode, "icount"));
	res_env_set_str(r, "qemu_version", qemu);
	res_env_set_str(r, "cpu", "POWER8 (architected)");
	res_env_set_str(r, "host", run_host);
	res_env_set_str(r, "date", "2026-11-29T00:00:00Z");
	res_env_set_int(r, "tb_hz", 512000000);
	res_env_set_str(r, "nightly_tree", "/src/linux");
	res_env_set_str(r, "nightly_commit", commit);
	res_env_set_str(r, "nightly_subject", subject);
	res_env_set_real(r, "nightly_position", position);
	res_env_set_str(r, "host_kernel_variant", copy > 0 ? "instrumented" : "stock");
	for (int k = 0; k < 2; k++) {
		struct res_bench *b = res_add(r, names[k]);

		b->iterations = 1000;
		b->batches = 10;
		b->repetitions = 5;
		b->claimed_exits_per_iteration = 1;
		b->exits_per_iteration = 1;	/* as collect measures it */
		for (int run = 0; run < 5; run++) {
			double noise = !strcmp(mode, "plain") ? (run - 2) * 0.004 * fig[k] : 0;

			for (int i = 0; i < 10; i++)
				res_push_batch(b, fig[k] + noise + (i == 3 ? 0.7 : 0));
			res_push_run_round(b, fig[k] + noise + 0.07, 0);
		}
		if (copy > 0) {
			static const char *const ph[] = { "loop_entry", "copy_to_svcpu", "guest",
							  "round_trip" };
			double v[] = { 20, copy, 52, 600 };

			b->trace.has_phases = 1;
			b->trace.nphase = 4;
			b->trace.phase = calloc(4, sizeof(*b->trace.phase));
			for (int p = 0; p < 4; p++) {
				struct res_tstat *s = &b->trace.phase[p].st;

				snprintf(s->name, sizeof(s->name), "%s", ph[p]);
				snprintf(s->unit, sizeof(s->unit), "timebase ticks");
				s->count = 5000;
				s->median = s->p5 = s->p95 = s->p99 = s->min = s->max = v[p];
			}
		}
	}
	res_derive(r);
}

static void import(struct history *h, struct results *r)
{
	struct history_import_report rep;
	const char *path = "results.json";
	char err[512];

	assert_int_equal(history_import(h, NULL, &r, &path, 1, &rep, err, sizeof(err)), 0);
	res_free(r);
}

/* a night of the nightly that measured nothing (failed) or only the stock kernel (partial) */
static void import_night(struct history *h, const char *commit, double position,
			 const char *build, const char *note, struct results *r)
{
	struct history_import_report rep;
	struct res_night n = { 0 };
	const char *path = "results.json";
	char err[512];

	snprintf(n.tree, sizeof(n.tree), "/src/linux");
	snprintf(n.commit, sizeof(n.commit), "%s", commit);
	snprintf(n.subject, sizeof(n.subject), "night %s", commit);
	n.position = position;
	snprintf(n.host, sizeof(n.host), "test-host");
	snprintf(n.started, sizeof(n.started), "2026-11-30T00:00:00Z");
	snprintf(n.build, sizeof(n.build), "%s", build);
	snprintf(n.build_note, sizeof(n.build_note), "%s", note);
	snprintf(n.build_log, sizeof(n.build_log), "results/nightly/logs/%s.build.log", commit);
	assert_int_equal(history_import(h, &n, r ? &r : NULL, &path, r ? 1 : 0, &rep, err,
					sizeof(err)), 0);
	if (r)
		res_free(r);
}

/*
 * Six nights c0..c5: pvr steps up 16.384 ticks at c3 in instruction-count mode (its
 * copy_to_svcpu phase with it); plain mode moves to another QEMU at c4; c6 failed to build,
 * c7 built only the stock kernel. The step is confirmed A/B and blamed to c3.
 */
static void build_history(struct history *h, long long *alert_id)
{
	static const char *const qemu[2] = { "QEMU emulator version 7.2.22", "QEMU emulator version 8.2.0" };
	struct alerts_detect_report rep;
	struct alerts_confirm_report crep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct res_alert *a;
	struct results r, base, patched;
	size_t nc, n;
	char err[512], commit[8];

	for (int i = 0; i < 6; i++) {
		double pvr = i >= 3 ? 606.684 : 590.30, copy = i >= 3 ? 54.384 : 38;

		snprintf(commit, sizeof(commit), "c%d", i);
		make_run(&r, commit, i == 3 ? SUBJECT : "touches nothing that runs", i, "icount",
			 qemu[0], pvr, 528.8, 0);
		import(h, &r);
		make_run(&r, commit, "", i, "icount", qemu[0], pvr + 502, 528.8 + 502, copy);
		import(h, &r);
		make_run(&r, commit, "", i, "plain", qemu[i >= 4], 7900 + 10 * (i % 2), 7100, 0);
		import(h, &r);
	}
	import_night(h, "c6", 6, "failed", "arch/powerpc/kvm/book3s_pr.c:42: error: <oops>", NULL);
	make_run(&r, "c7", "", 7, "icount", qemu[0], 606.684, 528.8, 0);
	import_night(h, "c7", 7, "partial", "the instrumented kernel did not build", &r);

	alerts_opts_default(&o);
	assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
	assert_int_equal(nc, 1);
	make_run(&base, "c2", "", 2, "icount", qemu[0], 590.30, 528.8, 0);
	make_run(&patched, "c3", "", 3, "icount", qemu[0], 606.684, 528.8, 0);
	assert_int_equal(alerts_confirm(h, &o, c[0].fp, c[0].mode, c[0].night_before,
					c[0].night_after, &base, &patched, "results/nightly/confirm-1",
					&crep, err, sizeof(err)), 0);
	assert_int_equal(crep.confirmed, 1);
	res_free(&base);
	res_free(&patched);
	assert_int_equal(alerts_blame(h, c[0].fp, c[0].mode, c[0].night_before, c[0].night_after,
				      "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", SUBJECT ODD,
				      "one commit", NULL, err, sizeof(err)), 0);
	free(c);
	assert_int_equal(alerts_list(h, &a, &n), 0);
	assert_int_equal(n, 1);
	*alert_id = a[0].id;
	free(a);
}

static void assert_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) || st.st_size <= 0)
		fail_msg("%s: missing or empty", path);
}

/* an id="name" on the page at path */
static int has_anchor(const char *path, const char *name)
{
	char *text = slurp(path), needle[300];
	int found;

	snprintf(needle, sizeof(needle), "id=\"%s\"", name);
	found = text && strstr(text, needle);
	free(text);
	return found;
}

/* every href and src of the page: relative (nothing from the network), to a file there */
static void links_resolve(const char *page)
{
	char *text = slurp(page), *p, base[PATH_MAX];
	size_t checked = 0;

	assert_non_null(text);
	snprintf(base, sizeof(base), "%s", page);
	*strrchr(base, '/') = '\0';
	for (p = text; (p = strstr(p, "=\"")); p += 2) {
		char url[1024], target[PATH_MAX + 1024], *hash;
		size_t n;

		if (!(p - text >= 4 && !strncmp(p - 4, "href", 4)) &&
		    !(p - text >= 3 && !strncmp(p - 3, "src", 3)))
			continue;
		n = strcspn(p + 2, "\"");
		snprintf(url, sizeof(url), "%.*s", (int)n, p + 2);
		if (!strncmp(url, "data:", 5))
			continue;
		if (strstr(url, "://") || !strncmp(url, "//", 2) || url[0] == '/')
			fail_msg("%s: %s is not a relative link", page, url);
		hash = strchr(url, '#');
		if (hash)
			*hash++ = '\0';
		snprintf(target, sizeof(target), "%s/%s", base, url[0] ? url : strrchr(page, '/') + 1);
		if (access(target, R_OK))
			fail_msg("%s: %s links to %s, which is not there", page, url, target);
		if (hash && !has_anchor(target, hash))
			fail_msg("%s: %s#%s: no such anchor", page, url, hash);
		checked++;
	}
	assert_true(checked > 0);
	free(text);
}

/* no file in d is a temporary one (".NAME.tmp") */
static void no_temporaries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		if (strstr(e->d_name, ".tmp"))
			fail_msg("%s/%s: a temporary file left", d, e->d_name);
	closedir(dp);
}

/* ASCII text escaped as the page escapes it (any other byte here is no UTF-8: U+FFFD) */
static void html_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;
		const char *e = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" :
				c == '"' ? "&quot;" : c == '\'' ? "&#39;" :
				c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t') ? "\xef\xbf\xbd" : NULL;

		if (e) {
			memcpy(buf + o, e, strlen(e));
			o += strlen(e);
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}

static void the_site(void **state)
{
	struct page_report rep;
	struct history *h;
	struct history_fp *fps;
	struct res_alert *a;
	size_t nfp, na, series = 0;
	long long alert_id;
	char err[512], path[PATH_MAX], slug[192], text[8192], escaped[16384], keep[PATH_MAX];
	char *index, *alerts, *feed;
	FILE *f;

	(void)state;
	/* the nightly's directory holds more than the page: left as it is */
	snprintf(keep, sizeof(keep), "%s/runs", dir);
	assert_int_equal(mkdir(keep, 0755), 0);
	snprintf(keep, sizeof(keep), "%s/runs/keep.txt", dir);
	assert_non_null(f = fopen(keep, "w"));
	fputs("a run's files\n", f);
	fclose(f);

	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	build_history(h, &alert_id);
	assert_int_equal(page_write(h, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.plots_failed, 0);
	assert_int_equal(rep.alerts, 1);
	assert_int_equal(rep.nights, 8);

	/* every page and plot: a page a series (icount, plain, the new plain), a trend and a
	 * histogram each, phases where the instrumented kernel ran */
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	assert_int_equal(nfp, 3);
	for (size_t i = 0; i < nfp; i++) {
		static const char *const bench[] = { "hcall", "pvr" };

		for (int b = 0; b < 2; b++) {
			page_slug(fps[i].key, fps[i].mode, bench[b], slug, sizeof(slug));
			snprintf(path, sizeof(path), "%s/series/%s.html", dir, slug);
			assert_file(path);
			links_resolve(path);
			snprintf(path, sizeof(path), "%s/series/%s-trend.png", dir, slug);
			assert_file(path);
			snprintf(path, sizeof(path), "%s/series/%s-hist.png", dir, slug);
			assert_file(path);
			snprintf(path, sizeof(path), "%s/series/%s-phases.png", dir, slug);
			if (!strcmp(fps[i].mode, "icount"))
				assert_file(path);
			else
				assert_int_not_equal(access(path, F_OK), 0);
			series++;
		}
	}
	assert_int_equal(rep.series, series);
	assert_int_equal(rep.plots, 2 * series + 2);	/* phases: icount's two */
	free(fps);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_file(path);
	links_resolve(path);
	assert_non_null(index = slurp(path));
	snprintf(path, sizeof(path), "%s/alerts.html", dir);
	assert_file(path);
	links_resolve(path);
	assert_non_null(alerts = slurp(path));
	snprintf(path, sizeof(path), "%s/feed.xml", dir);
	assert_file(path);
	assert_non_null(feed = slurp(path));

	/* the index: the alert's commit and subject, escaped; the nights' builds; the
	 * environment change */
	assert_non_null(strstr(index, SUBJECT_HTML));
	assert_null(strstr(index, "<exit>"));
	assert_non_null(strstr(index, "<code>c3c3c3c3c3c3</code>"));
	snprintf(text, sizeof(text), "href=\"alerts.html#alert-%lld\"", alert_id);
	assert_non_null(strstr(index, text));
	assert_non_null(strstr(index, "failed (nothing measured): arch/powerpc/kvm/book3s_pr.c:42: "
				      "error: &lt;oops&gt;"));
	assert_non_null(strstr(index, "results/nightly/logs/c6.build.log"));
	assert_non_null(strstr(index, "partial (stock kernel only: no phases)"));
	assert_non_null(strstr(index, "Environment changed (plain): test-host: emulated QEMU "
				      "emulator version 7.2.22"));
	assert_non_null(strstr(index, "Superseded"));

	/* alerts.html: the plain-text report as it is, escaped; the triage commands */
	assert_int_equal(alerts_list(h, &a, &na), 0);
	alerts_text(&a[0], text, sizeof(text));
	html_escape(text, escaped, sizeof(escaped));
	assert_non_null(strstr(alerts, escaped));
	snprintf(text, sizeof(text), "exitbench history ack %lld --history %s", alert_id, db);
	assert_non_null(strstr(alerts, text));
	assert_non_null(strstr(alerts, "one commit"));
	/* the comparison's files are the measuring host's */
	assert_non_null(strstr(alerts, "files on host test-host: results/nightly/confirm-1"));
	free(a);

	/* the feed: Atom, an entry for the alert, its subject escaped */
	assert_non_null(strstr(feed, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
	assert_non_null(strstr(feed, "<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
	assert_non_null(strstr(feed, "<entry>"));
	assert_non_null(strstr(feed, SUBJECT_HTML ODD_HTML));
	assert_non_null(strstr(feed, "</feed>"));

	/* nothing else touched, nothing half-written left */
	assert_file(keep);
	assert_file(db);
	no_temporaries(dir);
	snprintf(path, sizeof(path), "%s/series", dir);
	no_temporaries(path);
	free(index);
	free(alerts);
	free(feed);

	/* written again over itself: the same pages */
	assert_int_equal(page_write(h, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.plots_failed, 0);
	history_close(h);
}

/* no gnuplot: the pages are written and say, in each plot's place, why it is missing */
static void without_gnuplot(void **state)
{
	char *path_env = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct page_report rep;
	struct history *h;
	long long alert_id;
	char err[512], path[PATH_MAX], *index;
	int ret;

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	build_history(h, &alert_id);
	setenv("PATH", "/nonexistent", 1);
	ret = page_write(h, dir, &rep, err, sizeof(err));
	if (path_env)
		setenv("PATH", path_env, 1);
	free(path_env);
	assert_int_equal(ret, 0);
	assert_int_equal(rep.plots, 0);
	assert_true(rep.plots_failed > 0);
	assert_int_equal(rep.plot_err, -ENOENT);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_non_null(index = slurp(path));
	assert_non_null(strstr(index, SUBJECT_HTML));
	free(index);
	snprintf(path, sizeof(path), "%s/series", dir);
	no_temporaries(path);
	history_close(h);
}

/* an empty history: a page that says so */
static void empty_history(void **state)
{
	struct page_report rep;
	struct history *h;
	char err[512], path[PATH_MAX], *index;

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	assert_int_equal(page_write(h, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.series, 0);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_non_null(index = slurp(path));
	assert_non_null(strstr(index, "No night in the history yet"));
	free(index);
	links_resolve(path);
	/* a directory that cannot be made: one line, no crash */
	assert_int_not_equal(page_write(h, "/proc/exitbench-page", &rep, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/proc/exitbench-page"));
	history_close(h);
}

/*
 * A fleet's history: two hosts' nights of the same commits in one history, each under its
 * own environment: a section per host, in the order of their names, each with its own.
 */
static void two_hosts(void **state)
{
	static const char *const hosts[2] = { "power9-b", "power8 <a>" };
	struct page_report rep;
	struct history *h;
	struct history_fp *fps;
	struct results r;
	size_t nfp;
	char err[512], path[PATH_MAX], commit[8], *index, *a, *b, *env_a, *env_b;

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	for (int k = 0; k < 2; k++) {
		run_host = hosts[k];
		for (int i = 0; i < 3; i++) {
			snprintf(commit, sizeof(commit), "c%d", i);
			make_run(&r, commit, "a commit", i, "icount", "QEMU emulator version 7.2.22",
				 590.30 + k, 528.8, 0);
			import(h, &r);
		}
	}
	run_host = "test-host";
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	assert_int_equal(nfp, 2);
	assert_string_not_equal(fps[0].key, fps[1].key);
	assert_int_equal(page_write(h, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.series, 4);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_non_null(index = slurp(path));
	assert_non_null(strstr(index, "2 hosts: <a href=\"#host-power8__a_\">power8 &lt;a&gt;</a>, "
				      "<a href=\"#host-power9-b\">power9-b</a>."));
	assert_non_null(a = strstr(index, "<h2 id=\"host-power8__a_\">Host power8 &lt;a&gt;</h2>"));
	assert_non_null(b = strstr(index, "<h2 id=\"host-power9-b\">Host power9-b</h2>"));
	assert_true(a < b);
	/* each host's nights counted apart, though their ids interleave in a fleet */
	assert_non_null(strstr(a, "3 nights, night 4 to night 6"));
	assert_non_null(strstr(b, "3 nights, night 1 to night 3"));
	/* each host's environment in its own section */
	for (size_t i = 0; i < nfp; i++) {
		char id[64];

		snprintf(id, sizeof(id), "<h3 id=\"env-%s\">", fps[i].key);
		if (!strcmp(fps[i].host, hosts[0]))
			assert_true((env_b = strstr(index, id)) > b);
		else
			assert_true((env_a = strstr(index, id)) > a && env_a < b);
	}
	free(index);
	free(fps);
	links_resolve(path);
	history_close(h);
}

/* a slug is a file name, whatever the benchmark is called */
static void slugs(void **state)
{
	char buf[192];

	(void)state;
	page_slug("0123456789abcdef", "icount", "pvr", buf, sizeof(buf));
	assert_string_equal(buf, "0123456789abcdef-icount-pvr");
	page_slug("0123456789abcdef", "plain", "../a b<c>", buf, sizeof(buf));
	assert_string_equal(buf, "0123456789abcdef-plain-.._a_b_c_");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_site, setup, teardown),
		cmocka_unit_test_setup_teardown(without_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_history, setup, teardown),
		cmocka_unit_test_setup_teardown(two_hosts, setup, teardown),
		cmocka_unit_test(slugs),
	};
	return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}
