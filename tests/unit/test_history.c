// SPDX-License-Identifier: MIT
/*
 * The nightly history: a store that refuses what is not one, keeps every night once, gives
 * series back in tree order, finds the changes, confirms them A/B and keeps the alerts.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <sqlite3.h>

#include "../../analysis/alerts.h"
#include "../../analysis/history.h"
#include "../../analysis/results.h"

static char dir[] = "/tmp/exitbench-history-XXXXXX";
static char db[256];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/exitbench-history-XXXXXX");
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

/*
 * One night's run of a stock kernel in instruction-count mode: pvr at `pvr` ticks and hcall
 * at `hcall`, 5 runs each of 10 batches (a little jitter in the runs' means only, as host
 * timer exits give), a phase table when phases is set.
 */
static void make_run(struct results *r, const char *commit, double position, const char *mode,
		     double pvr, double hcall, double copy_to_svcpu, int round_tag)
{
	const char *names[2] = { "pvr", "hcall" };
	double fig[2] = { pvr, hcall };

	res_init(r);
	snprintf(r->run_id, sizeof(r->run_id), "night-%s-%s", commit, mode);
	res_env_set_str(r, "mode", "emulated");
	res_env_set_bool(r, "instruction_count_mode", !strcmp(mode, "icount"));
	res_env_set_str(r, "qemu_version", "QEMU emulator version 7.2.22");
	res_env_set_str(r, "cpu", "POWER8 (architected)");
	res_env_set_str(r, "host", "test-host");
	res_env_set_str(r, "date", "2026-11-29T00:00:00Z");
	res_env_set_int(r, "tb_hz", 512000000);
	res_env_set_str(r, "nightly_tree", "/src/linux");
	res_env_set_str(r, "nightly_commit", commit);
	res_env_set_str(r, "nightly_subject", "subject");
	res_env_set_real(r, "nightly_position", position);
	res_env_set_str(r, "host_kernel_variant", copy_to_svcpu > 0 ? "instrumented" : "stock");
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
			res_push_run_round(b, fig[k] + noise + 0.07, round_tag ? (uint32_t)run + 1 : 0);
		}
		if (copy_to_svcpu > 0) {
			/* store_nvgprs straddles two ticks: its median flips, its mean holds */
			static const char *const ph[] = { "loop_entry", "copy_to_svcpu", "store_nvgprs",
							  "guest", "round_trip" };
			double v[] = { 20, copy_to_svcpu, 21 + ((int)position % 2), 52, 600 };
			double mean[] = { 20, copy_to_svcpu, 21.5, 52, 600 };

			b->trace.has_phases = 1;
			b->trace.nphase = 5;
			b->trace.phase = calloc(5, sizeof(*b->trace.phase));
			for (int p = 0; p < 5; p++) {
				struct res_tstat *s = &b->trace.phase[p].st;

				snprintf(s->name, sizeof(s->name), "%s", ph[p]);
				snprintf(s->unit, sizeof(s->unit), "timebase ticks");
				s->count = 4000;
				s->median = s->p5 = s->p95 = s->p99 = s->min = s->max = v[p];
				s->sum = (uint64_t)(4000 * mean[p]);
			}
		}
	}
	res_derive(r);
}

static void import_one(struct history *h, struct results *r, size_t *added, size_t *known)
{
	struct history_import_report rep;
	struct results *rp = r;
	const char *path = "results.json";
	char err[512];

	assert_int_equal(history_import(h, NULL, &rp, &path, 1, &rep, err, sizeof(err)), 0);
	*added += rep.runs_added;
	*known += rep.runs_known;
}

static void refuses_what_is_not_a_history(void **state)
{
	struct history *h;
	char err[512], path[300];
	sqlite3 *other;
	int fd;

	(void)state;
	/* not there: made only when asked to */
	assert_int_equal(history_open(db, 0, &h, err, sizeof(err)), -ENOENT);
	/* a text file */
	snprintf(path, sizeof(path), "%s/text.db", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, "night 1: pvr 590.3\nnight 2: pvr 594.4\n", 38), 38);
	close(fd);
	assert_int_equal(history_open(path, 1, &h, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not an SQLite database"));
	/* another application's database, left as it is */
	snprintf(path, sizeof(path), "%s/other.db", dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "CREATE TABLE t(x); INSERT INTO t VALUES (42)", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(history_open(path, 1, &h, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "another application"));
	/* a history of a newer exitbench */
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	history_close(h);
	assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "schema 99 is newer"));
	/* and what was refused is untouched: the newer history still says 99 */
	assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 99);
		sqlite3_finalize(st);
	}
	sqlite3_close(other);
}

/* nights in tree order, one run kept once, series per fingerprint and mode */
static void nights_and_series(void **state)
{
	struct history *h;
	struct results r;
	struct history_point *pts;
	struct history_nightrow *nights;
	struct history_run *runs;
	struct history_fp *fps;
	size_t n, added = 0, known = 0, nfp;
	char err[512];

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	/* stored out of order: a backfill of c1 after c2 */
	make_run(&r, "c2", 2, "icount", 594.40, 532.9, 0, 0);
	import_one(h, &r, &added, &known);
	res_free(&r);
	make_run(&r, "c1", 1, "icount", 590.30, 528.8, 0, 0);
	import_one(h, &r, &added, &known);
	import_one(h, &r, &added, &known);	/* the same run again: nothing added */
	res_free(&r);
	make_run(&r, "c1", 1, "plain", 7900, 7100, 0, 0);
	import_one(h, &r, &added, &known);
	res_free(&r);
	assert_int_equal(added, 3);
	assert_int_equal(known, 1);

	assert_int_equal(history_nights(h, &nights, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(nights[0].n.commit, "c1");
	assert_string_equal(nights[1].n.commit, "c2");
	/* the runs by night in tree order: c1's two (icount, then plain), then c2's */
	assert_int_equal(history_runs(h, &runs, &n), 0);
	assert_int_equal(n, 3);
	assert_true(runs[0].night_id == nights[0].id && runs[1].night_id == nights[0].id);
	assert_int_equal(runs[2].night_id, nights[1].id);
	assert_string_equal(runs[0].mode, "icount");
	assert_string_equal(runs[1].mode, "plain");
	assert_string_equal(runs[1].kernel, "stock");
	assert_string_equal(runs[1].run_id, "night-c1-plain");
	assert_string_equal(runs[1].path, "results.json");
	assert_true(runs[0].fp == runs[2].fp && runs[0].fp != runs[1].fp);
	free(runs);
	free(nights);
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	assert_int_equal(nfp, 2);	/* icount and plain: never one series */
	assert_int_equal(history_series(h, fps[0].id, "pvr", "icount", HM_MEDIAN, NULL, &pts, &n), 0);
	assert_int_equal(n, 2);
	/* the night's figure: per-run medians of the batches in instruction-count mode */
	assert_true(fabs(pts[0].value - 590.30) < 1e-9);
	assert_true(fabs(pts[1].value - 594.40) < 1e-9);
	free(pts);
	assert_int_equal(history_series(h, fps[1].id, "pvr", "plain", HM_MEDIAN, NULL, &pts, &n), 0);
	assert_int_equal(n, 1);
	/* plain: the median of the runs' means */
	assert_true(fabs(pts[0].value - 7900.07) < 1e-6);
	assert_true(pts[0].lo < pts[0].value && pts[0].hi > pts[0].value);
	free(pts);
	free(fps);
	/*
	 * a fleet's twin host: the same run id, date and figures (instruction-count mode is
	 * exact) but another host: not "known already" as the first host's run, refused
	 */
	make_run(&r, "c1", 1, "icount", 590.30, 528.8, 0, 0);
	res_env_set_str(&r, "host", "twin-host");
	{
		struct history_import_report rep;
		struct results *rp = &r;
		const char *path = "twin/results.json";

		assert_int_equal(history_import(h, NULL, &rp, &path, 1, &rep, err, sizeof(err)),
				 -EEXIST);
		assert_non_null(strstr(err, "twin/results.json: run night-c1-icount has the id, "
					    "date and figures of a run stored for host 'test-host', "
					    "not 'twin-host'"));
	}
	res_free(&r);
	assert_int_equal(history_runs(h, &runs, &n), 0);
	assert_int_equal(n, 3);
	free(runs);
	history_close(h);
}

/* a step in instruction-count mode: detected, confirmed A/B, blamed, listed, triaged */
static void change_to_alert(void **state)
{
	struct alerts_detect_report rep;
	struct alerts_confirm_report crep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct res_alert *a;
	struct history *h;
	struct results r, base, patched;
	size_t nc, n, added = 0, known = 0;
	char err[512], text[2048];
	/* pvr: +16.384 ticks at c3 (2.8%); hcall: +0.4 ticks (0.08%, below the threshold) */
	const double pvr[] = { 590.30, 590.30, 590.30, 606.68, 606.68 };
	const double hcall[] = { 528.80, 528.80, 528.80, 529.20, 529.20 };
	const double copy[] = { 38, 38, 38, 54, 54 };
	const char *commits[] = { "c0", "c1", "c2", "c3", "c4" };

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++) {
		make_run(&r, commits[i], i, "icount", pvr[i], hcall[i], 0, 0);
		import_one(h, &r, &added, &known);
		res_free(&r);
		make_run(&r, commits[i], i, "icount", pvr[i] + 502, hcall[i] + 502, copy[i], 0);
		snprintf(r.run_id, sizeof(r.run_id), "phases-%s", commits[i]);
		import_one(h, &r, &added, &known);
		res_free(&r);
	}
	alerts_opts_default(&o);
	assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
	assert_int_equal(nc, 1);
	assert_string_equal(c[0].mode, "icount");
	assert_string_equal(c[0].commit_before, "c2");
	assert_string_equal(c[0].commit_after, "c3");
	assert_string_equal(c[0].benchmarks, "pvr");
	assert_int_equal(rep.new_candidates, 1);
	assert_int_equal(rep.below_threshold, 1);	/* hcall */
	assert_true(rep.observed >= 1);			/* copy_to_svcpu's mean */
	{
		/* the phase whose median flips by a tick from night to night did not change */
		struct alerts_change *ch;
		size_t nch;

		assert_int_equal(alerts_changes(h, &ch, &nch), 0);
		for (size_t i = 0; i < nch; i++)
			assert_string_not_equal(ch[i].metric, "phase:store_nvgprs");
		free(ch);
	}

	/* the A/B comparison proves it: confirmed, an alert naming the phase that moved */
	make_run(&base, "c2", 2, "icount", 590.30, 528.80, 0, 1);
	make_run(&patched, "c3", 3, "icount", 606.68, 529.20, 0, 1);
	assert_int_equal(alerts_confirm(h, &o, c[0].fp, c[0].mode, c[0].night_before, c[0].night_after,
					&base, &patched, "/results/confirm", &crep, err, sizeof(err)), 0);
	assert_int_equal(crep.confirmed, 1);
	assert_int_equal(crep.new_regressions, 1);
	res_free(&base);
	res_free(&patched);

	/* detect again: the same change is not a new candidate */
	free(c);
	assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
	assert_int_equal(nc, 0);
	assert_int_equal(rep.new_changes, 0);

	assert_int_equal(alerts_blame(h, 999, "icount", 999, 999, "x", "", "", NULL, err,
				      sizeof(err)), -ENOENT);
	assert_int_equal(alerts_list(h, &a, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].benchmark, "pvr");
	assert_string_equal(a[0].verdict, "regression");
	assert_string_equal(a[0].commit, "c3");
	assert_string_equal(a[0].phase, "copy_to_svcpu");
	assert_true(fabs(a[0].phase_change - 16) < 1e-9);
	assert_true(fabs(a[0].change - 16.38) < 1e-9);
	assert_string_equal(a[0].bisect, "pending");
	assert_string_equal(a[0].state, "new");
	assert_int_equal(alerts_blame(h, a[0].fp, "icount", a[0].night_before, a[0].night_after,
				      "c3full", "KVM: PPC: pad", "bisected over 1 commits", "log", err,
				      sizeof(err)), 0);
	assert_int_equal(alerts_triage(h, a[0].id, "ack", err, sizeof(err)), 0);
	assert_int_equal(alerts_triage(h, a[0].id, "wontfix", err, sizeof(err)), -EINVAL);
	assert_int_equal(alerts_triage(h, a[0].id + 100, "ack", err, sizeof(err)), -ENOENT);
	free(a);
	assert_int_equal(alerts_list(h, &a, &n), 0);
	assert_string_equal(a[0].commit, "c3full");
	assert_string_equal(a[0].subject, "KVM: PPC: pad");
	assert_string_equal(a[0].state, "ack");
	alerts_text(&a[0], text, sizeof(text));
	assert_non_null(strstr(text, "pvr regression"));
	assert_non_null(strstr(text, "c3full"));
	assert_non_null(strstr(text, "copy_to_svcpu"));
	free(a);
	free(c);
	history_close(h);
}

/* a change the A/B comparison does not see is kept as unconfirmed, no alert */
static void unconfirmed_is_no_alert(void **state)
{
	struct alerts_detect_report rep;
	struct alerts_confirm_report crep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct res_alert *a;
	struct history *h;
	struct results r, base, patched;
	size_t nc, n, added = 0, known = 0;
	char err[512];

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++) {
		char commit[8];

		snprintf(commit, sizeof(commit), "u%d", i);
		make_run(&r, commit, 10 + i, "icount", i == 2 ? 600 : 590, 528.8, 0, 0);
		import_one(h, &r, &added, &known);
		res_free(&r);
	}
	alerts_opts_default(&o);
	assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
	assert_int_equal(nc, 1);
	make_run(&base, "u1", 11, "icount", 590, 528.8, 0, 1);
	make_run(&patched, "u2", 12, "icount", 590, 528.8, 0, 1);
	assert_int_equal(alerts_confirm(h, &o, c[0].fp, c[0].mode, c[0].night_before, c[0].night_after,
					&base, &patched, NULL, &crep, err, sizeof(err)), 0);
	assert_int_equal(crep.confirmed, 0);
	assert_int_equal(crep.unconfirmed, 1);
	assert_int_equal(alerts_list(h, &a, &n), 0);
	assert_int_equal(n, 0);
	free(a);
	/* and there is nothing left to confirm */
	assert_int_equal(alerts_confirm(h, &o, c[0].fp, c[0].mode, c[0].night_before, c[0].night_after,
					&base, &patched, NULL, &crep, err, sizeof(err)), -ENOENT);
	res_free(&base);
	res_free(&patched);
	free(c);
	history_close(h);
}

/* a phase's night figure: the middle 80% of its round trips, a few stretched ones left out */
static void phase_figure_is_trimmed(void **state)
{
	struct history *h;
	struct results r;
	struct history_fp *fps;
	struct history_point *pts;
	struct res_phase *ph;
	size_t n, nfp, added = 0, known = 0;
	char err[512];

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	make_run(&r, "t0", 1, "icount", 590.30, 528.8, 38, 0);
	/* pvr's handle_exit: 3990 round trips at 194 and 196 in equal parts, 10 stretched by
	 * an interrupt to 1900: the sum's mean says 198.3, the night's figure 195.003 */
	ph = &res_find(&r, "pvr")->trace.phase[2];
	snprintf(ph->st.name, sizeof(ph->st.name), "handle_exit");
	ph->st.count = 4000;
	ph->st.sum = 1995 * 194 + 1995 * 196 + 10 * 1900;
	assert_int_equal(hist_init(1, 1 << 20, 3, &ph->hist), 0);
	ph->hist_scale = 1;
	hist_record_n(ph->hist, 194, 1995);
	hist_record_n(ph->hist, 196, 1995);
	hist_record_n(ph->hist, 1900, 10);
	import_one(h, &r, &added, &known);
	res_free(&r);
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	assert_int_equal(history_series(h, fps[0].id, "pvr", "icount", HM_PHASE, "handle_exit", &pts,
					&n), 0);
	assert_int_equal(n, 1);
	assert_true(fabs(pts[0].value - 195) < 0.01);	/* (1595 x 194 + 1605 x 196) / 3200 */
	free(pts);
	/* the phases of a benchmark that does not exit (null's would be its few host exits) */
	assert_int_equal(history_series(h, fps[0].id, "pvr", "icount", HM_PHASE, "copy_to_svcpu",
					&pts, &n), 0);
	assert_int_equal(n, 1);
	free(pts);
	free(fps);
	history_close(h);
}

/*
 * A native run's fingerprint: the host's running kernel (its release, its config's hash) and
 * its CPU (env.json's "native": the PVR) are in it, so a native series never crosses a change
 * of either; an emulated run's key is what it was before native runs had those lines.
 */
static void set_native(struct results *r, const char *release, const char *cfg_sha, const char *pvr)
{
	struct results n;
	const struct res_val *nat;

	/* env.json's "native" object, built as a results' env is and moved over */
	res_init(&n);
	res_env_set_str(&n, "cpu", "POWER9 (architected), altivec supported");
	res_env_set_str(&n, "pvr", pvr);
	res_env_set_str(&n, "machine_model", "IBM pSeries (emulated by qemu)");
	res_env_set_str(&n, "kernel_release", release);
	res_env_set_str(&n, "kernel_config_sha256", cfg_sha);
	nat = &n.env;
	res_env_set_str(r, "mode", "native");
	res_env_set_bool(r, "instruction_count_mode", 0);
	assert_int_equal(res_env_set(r, "native", nat), 0);
	res_free(&n);
}

/*
 * A night's run of a "native" POWER9 on kernel 6.1.192 (make_run's figures, hcall 528.9), its
 * timebase counting instructions when icount (a host itself emulated with -icount shift=0)
 */
static void make_native_run(struct results *r, const char *commit, double position,
			    const char *mode, double pvr, int round_tag, int icount)
{
	make_run(r, commit, position, mode, pvr, 528.9, 0, round_tag);
	set_native(r, "6.1.192", "aaaa", "0x004e1202");
	res_env_set_bool(r, "instruction_count_mode", icount);
	res_env_set_str(r, "icount", icount ? "shift=0" : "off");
}

static void native_fingerprint(void **state)
{
	static const struct {
		const char *commit, *release, *cfg, *pvr;
		double pos;
	} runs[] = {
		{ "n1", "6.1.0-18-powerpc64le", "aaaa", "0x004e1202", 1 },
		{ "n2", "6.1.0-18-powerpc64le", "aaaa", "0x004e1202", 2 },	/* the same series */
		{ "n3", "6.1.0-19-powerpc64le", "aaaa", "0x004e1202", 3 },	/* a kernel update */
		{ "n4", "6.1.0-19-powerpc64le", "bbbb", "0x004e1202", 4 },	/* its config changed */
		{ "n5", "6.1.0-19-powerpc64le", "bbbb", "0x004e1203", 5 },	/* another CPU */
	};
	struct history *h;
	struct history_fp *fps;
	struct history_run *hr;
	struct results r;
	size_t added = 0, known = 0, nfp, n;
	char err[512];

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	/* an emulated run first: its key is the one it had before (FNV-1a of its fields) */
	make_run(&r, "e1", 1, "icount", 590.3, 700, 0, 0);
	import_one(h, &r, &added, &known);
	res_free(&r);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		make_run(&r, runs[i].commit, runs[i].pos, "plain", 1000, 1200, 0, 0);
		set_native(&r, runs[i].release, runs[i].cfg, runs[i].pvr);
		import_one(h, &r, &added, &known);
		res_free(&r);
	}
	assert_int_equal(added, 6);
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	/* the emulated one, and four native: n1 and n2 one series, then one each */
	assert_int_equal(nfp, 5);
	assert_string_equal(fps[0].key, "e008b19b3857951a");
	assert_string_equal(fps[0].mode, "icount");
	for (size_t i = 1; i < nfp; i++)
		assert_string_equal(fps[i].mode, "native");
	assert_non_null(strstr(fps[1].summary, "test-host: native"));
	assert_non_null(strstr(fps[1].summary, "pvr 0x004e1202"));
	assert_int_equal(history_runs(h, &hr, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(hr[i].run_id, "night-n1-plain") || !strcmp(hr[i].run_id, "night-n2-plain")) {
			assert_int_equal(hr[i].fp, fps[1].id);
			assert_string_equal(hr[i].mode, "native");
		}
	free(hr);
	free(fps);
	history_close(h);
}

/*
 * A native series is exact where instruction counting runs it (a "native" host itself emulated
 * with -icount shift=0, make native-check): a step at the third night is a change, as in icount
 * mode. A real host's native series (icount off) needs E-Divisive's three nights a side.
 */
static void native_icount_is_exact(void **state)
{
	const double pvr[] = { 590.5, 590.5, 606.85 };
	const char *commits[] = { "c0", "c1", "c3" };
	struct alerts_detect_report rep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct history *h;
	struct results r;
	size_t nc, added = 0, known = 0;
	char err[512];

	(void)state;
	for (int emulated = 1; emulated >= 0; emulated--) {
		assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
		for (int i = 0; i < 3; i++) {
			make_native_run(&r, commits[i], i, "plain", pvr[i], 0, emulated);
			import_one(h, &r, &added, &known);
			res_free(&r);
		}
		alerts_opts_default(&o);
		assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
		if (emulated) {
			assert_int_equal(nc, 1);
			assert_string_equal(c[0].mode, "native");
			assert_string_equal(c[0].commit_before, "c1");
			assert_string_equal(c[0].commit_after, "c3");
			assert_string_equal(c[0].benchmarks, "pvr");
		} else {
			assert_int_equal(nc, 0);
		}
		free(c);
		history_close(h);
		unlink(db);
	}
}

/*
 * A native series of a "native" host itself emulated with -icount shift=0 (make
 * native-check): its confirmation judges the A/B runs as exitbench compare does, by each
 * run's median batch. One run of the patched side had a host timer interrupt in one of its
 * batches (+2935 ticks an iteration there, +29 on that run's mean, as seen in a CI run): the
 * change is confirmed all the same, at its exact size, sequentially and not.
 */
static void native_icount_confirm_by_medians(void **state)
{
	const double pvr[] = { 590.5, 590.5, 606.884 };
	const char *commits[] = { "c0", "c1", "c3" };
	struct alerts_detect_report rep;
	struct alerts_confirm_report crep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct res_alert *a;
	struct history *h;
	struct results r, base, patched;
	size_t nc, n, added = 0, known = 0;
	char err[512];

	(void)state;
	for (int sequential = 0; sequential < 2; sequential++) {
		assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
		for (int i = 0; i < 3; i++) {
			make_native_run(&r, commits[i], i, "plain", pvr[i], 0, 1);
			import_one(h, &r, &added, &known);
			res_free(&r);
		}
		alerts_opts_default(&o);
		o.sequential = sequential;
		o.until_pct = 1;
		assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
		assert_int_equal(nc, 1);
		assert_string_equal(c[0].mode, "native");
		for (int side = 0; side < 2; side++) {
			struct results *x = side ? &patched : &base;

			make_native_run(x, commits[side + 1], side + 1, "icount", pvr[side + 1], 1, 1);
		}
		{
			struct res_bench *b = res_find(&patched, "pvr");

			b->batch[4 * 10 + 5] += 2935.5;
			b->runs[4] += 293.55;
		}
		assert_int_equal(alerts_confirm(h, &o, c[0].fp, c[0].mode, c[0].night_before,
						c[0].night_after, &base, &patched, NULL, &crep, err,
						sizeof(err)), 0);
		assert_int_equal(crep.confirmed, 1);
		assert_int_equal(crep.new_regressions, 1);
		assert_int_equal(alerts_list(h, &a, &n), 0);
		assert_int_equal(n, 1);
		assert_string_equal(a[0].verdict, "regression");
		/* the medians' difference: 606.884 - 590.5, the interrupt nowhere in it */
		assert_true(fabs(a[0].change - 16.384) < 1e-6);
		free(a);
		res_free(&base);
		res_free(&patched);
		free(c);
		history_close(h);
		unlink(db);
	}
}

/*
 * Nights of the 32-bit Book3S host: their own mode (ppc32-icount), their own series and
 * fingerprint beside the 64-bit host's, exact as instruction-count mode is; a step of 32
 * instructions (3.2 ticks of the G4's 100 MHz timebase) found there only.
 */
static void ppc32_series_apart(void **state)
{
	const double pvr32[] = { 72.48, 72.48, 75.68 };
	const char *commits[] = { "c0", "c1", "c3" };
	struct alerts_detect_report rep;
	struct alerts_candidate *c;
	struct alerts_opts o;
	struct history *h;
	struct history_fp *fps;
	struct results r;
	size_t nc, nfp, added = 0, known = 0;
	char err[512];

	(void)state;
	assert_int_equal(history_open(db, 1, &h, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++) {
		make_run(&r, commits[i], i, "icount", 590.30, 528.8, 0, 0);
		import_one(h, &r, &added, &known);
		res_free(&r);
		make_run(&r, commits[i], i, "icount", pvr32[i], 60.97, 0, 0);
		snprintf(r.run_id, sizeof(r.run_id), "night-%s-ppc32-icount", commits[i]);
		res_env_set_str(&r, "arch", "ppc32");
		res_env_set_str(&r, "emulator", "qemu-system-ppc -M mac99 -cpu G4 -m 512M");
		res_env_set_str(&r, "cpu", "7400, altivec supported");
		res_env_set_int(&r, "tb_hz", 100000000);
		assert_string_equal(history_run_mode(&r), "ppc32-icount");
		import_one(h, &r, &added, &known);
		res_free(&r);
	}
	assert_int_equal(added, 6);
	assert_int_equal(history_fingerprints(h, &fps, &nfp), 0);
	assert_int_equal(nfp, 2);
	assert_string_not_equal(fps[0].mode, fps[1].mode);
	free(fps);
	assert_true(history_mode_icount("ppc32-icount") && history_mode_icount("icount"));
	assert_false(history_mode_icount("ppc32-plain") || history_mode_icount("native"));
	alerts_opts_default(&o);
	assert_int_equal(alerts_detect(h, &o, &c, &nc, &rep, err, sizeof(err)), 0);
	assert_int_equal(nc, 1);
	assert_string_equal(c[0].mode, "ppc32-icount");
	assert_string_equal(c[0].commit_before, "c1");
	assert_string_equal(c[0].commit_after, "c3");
	assert_string_equal(c[0].benchmarks, "pvr");
	free(c);
	history_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(refuses_what_is_not_a_history, setup, teardown),
		cmocka_unit_test_setup_teardown(nights_and_series, setup, teardown),
		cmocka_unit_test_setup_teardown(change_to_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(unconfirmed_is_no_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(phase_figure_is_trimmed, setup, teardown),
		cmocka_unit_test_setup_teardown(native_fingerprint, setup, teardown),
		cmocka_unit_test_setup_teardown(native_icount_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(native_icount_confirm_by_medians, setup, teardown),
		cmocka_unit_test_setup_teardown(ppc32_series_apart, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
