// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

#define HIST_BINS 40

static const char *env_str(const struct results *r, const char *key)
{
	return res_env_str(r, key, "unknown");
}

static int icount_mode(const struct results *r)
{
	return json_is_true(json_object_get(r->env, "instruction_count_mode"));
}

static int emulated(const struct results *r)
{
	return !strcmp(env_str(r, "mode"), "emulated");
}

/* "600.49 / 1172.8 ns" */
static void cell(char *buf, size_t len, const struct results *r, double ticks)
{
	if (!isfinite(ticks))
		snprintf(buf, len, "-");
	else if (isfinite(r->tb_hz))
		snprintf(buf, len, "%.2f / %.1f ns", ticks, res_ns(r, ticks));
	else
		snprintf(buf, len, "%.2f", ticks);
}

void report_table(FILE *f, const struct results *r)
{
	fprintf(f, "| benchmark | exits/iter | median | p5 | p95 | p99 | mean ± 95%% CI | runs |\n");
	fprintf(f, "|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		char med[64], p5[64], p95[64], p99[64], mean[96];

		if (b->status != RES_OK || b->nruns == 0) {
			fprintf(f, "| %s | - | %s: see below | | | | | %zu |\n", b->name,
				b->status == RES_SKIPPED ? "not measurable" :
				b->status == RES_FAILED ? "failed" : "no data", b->nruns);
			continue;
		}
		cell(med, sizeof(med), r, b->runs_sum.median);
		cell(p5, sizeof(p5), r, b->batch_sum.p5);
		cell(p95, sizeof(p95), r, b->batch_sum.p95);
		cell(p99, sizeof(p99), r, b->batch_sum.p99);
		if (isfinite(b->runs_sum.ci_lo))
			snprintf(mean, sizeof(mean), "%.2f ± %.2f", b->runs_sum.mean,
				 (b->runs_sum.ci_hi - b->runs_sum.ci_lo) / 2);
		else
			snprintf(mean, sizeof(mean), "%.2f", b->runs_sum.mean);
		fprintf(f, "| %s | %.4f%s | %s | %s | %s | %s | %s | %zu |\n", b->name,
			b->exits_per_iteration, b->exits_ok ? "" : " ⚠", med, p5, p95, p99, mean,
			b->nruns);
	}
}

static void net_costs(FILE *f, const struct results *r)
{
	const struct res_bench *base = res_baseline(r);
	int any = 0;

	fprintf(f, "\n## Net cost of one exit (benchmark minus the null loop)\n\n");
	if (!base) {
		fprintf(f, "No null loop in this run: the figures above include loop and timebase overhead.\n");
		return;
	}
	fprintf(f, "Difference of the per-run means, with Welch's 95%% interval over runs%s.\n\n",
		icount_mode(r) ? "; instructions = ticks / 0.512 (one guest-visible ns per instruction)" : "");
	fprintf(f, "| benchmark | ticks | 95%% CI (ticks) | ns |%s\n|---|---:|---:|---:|%s\n",
		icount_mode(r) ? " instructions |" : "", icount_mode(r) ? "---:|" : "");
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		double d, lo, hi;

		if (res_net_cost(b, base, &d, &lo, &hi))
			continue;
		fprintf(f, "| %s | %.2f | [%.2f, %.2f] | %.1f |", b->name, d, lo, hi, res_ns(r, d));
		if (icount_mode(r))
			fprintf(f, " %.0f |", d / 0.512);
		fputc('\n', f);
		any = 1;
	}
	if (!any)
		fprintf(f, "| (no benchmark with exits measured) | | | |\n");
}

/* the event named so in any benchmark, first found */
static const struct res_pmu *find_event(const struct res_bench *b, const char *event)
{
	for (size_t i = 0; i < b->npmu; i++)
		if (!strcmp(b->pmu[i].event, event))
			return &b->pmu[i];
	return NULL;
}

/* the benchmarks whose PMU figures are shown: measured, with at least one count */
static int pmu_shown(const struct res_bench *b)
{
	if (b->status != RES_OK)
		return 0;
	for (size_t i = 0; i < b->npmu; i++)
		if (b->pmu[i].n)
			return 1;
	return 0;
}

/*
 * Does the PMU split counts by privilege? For the first event counted unfiltered, :u and :k
 * on the benchmark with the most exits: (:u + :k) / unfiltered into *ratio, with the
 * benchmark and event it was judged on. -1 when nothing tells.
 */
static int privilege_ratio(const struct results *r, double *ratio, const struct res_bench **on,
			   const struct res_pmu **event)
{
	const struct res_bench *best = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (pmu_shown(&r->b[i]) && (!best || r->b[i].exits_per_iteration > best->exits_per_iteration))
			best = &r->b[i];
	for (size_t i = 0; best && i < best->npmu; i++) {
		const struct res_pmu *all = &best->pmu[i], *u, *k;
		char name[sizeof(all->event) + 2];
		double a, su;

		if (strchr(all->event, ':'))
			continue;
		snprintf(name, sizeof(name), "%s:u", all->event);
		u = find_event(best, name);
		snprintf(name, sizeof(name), "%s:k", all->event);
		k = find_event(best, name);
		a = res_pmu_median(all, 0);
		if (!u || !k || !isfinite(a) || a <= 0 ||
		    !isfinite(su = res_pmu_median(u, 0) + res_pmu_median(k, 0)))
			continue;
		*ratio = su / a;
		*on = best;
		*event = all;
		return 0;
	}
	return -1;
}

/* :u + :k well above the whole: each filtered count counted everything */
#define SPLIT_VOID(ratio) ((ratio) > 1.5)

static int split_void(const struct results *r)
{
	const struct res_bench *b;
	const struct res_pmu *p;
	double ratio;

	return !privilege_ratio(r, &ratio, &b, &p) && SPLIT_VOID(ratio);
}

static void privilege_check(FILE *f, const struct results *r)
{
	const struct res_bench *b;
	const struct res_pmu *p;
	double ratio;

	if (privilege_ratio(r, &ratio, &b, &p))
		return;
	if (SPLIT_VOID(ratio))
		fprintf(f, "- **The user/kernel split is void here.** On %s, %s:u + %s:k = %.2f × %s "
			"(each filtered count is the whole count): this PMU does not honour the "
			"privilege filter%s. The :u and :k rows are left out above (results.json keeps "
			"them); use the unfiltered counts.\n", b->name, p->event, p->event, ratio,
			p->event, emulated(r) ? " (QEMU's POWER8 model ignores the freeze-in-problem/"
			"supervisor-state bits)" : "");
	else
		fprintf(f, "- User/kernel split: on %s, %s:u + %s:k = %.4f × %s. Under PR KVM :u is "
			"the guest and the VMM (problem state), :k the host kernel's exit and entry "
			"path.\n", b->name, p->event, p->event, ratio, p->event);
}

static void pmu_table(FILE *f, const struct results *r, int per_exit)
{
	const struct res_bench *base = res_baseline(r);
	const struct res_bench *cols[64];
	size_t ncols = 0;
	int skip_split = split_void(r);

	for (size_t i = 0; i < r->n && ncols < 64; i++)
		if (pmu_shown(&r->b[i]) && (!per_exit || r->b[i].exits_per_iteration > 0))
			cols[ncols++] = &r->b[i];
	if (!ncols)
		return;
	if (per_exit)
		fprintf(f, "\nPer exit: count ÷ the repetition's exits (the benchmark's own, as counted "
			"by KVM), and, where the null loop counted the event, net of it: (benchmark − "
			"null) per iteration ÷ claimed exits per iteration.\n\n");
	fprintf(f, "| event |");
	for (size_t c = 0; c < ncols; c++)
		fprintf(f, " %s |", cols[c]->name);
	fprintf(f, "\n|---|");
	for (size_t c = 0; c < ncols; c++)
		fprintf(f, "---:|");
	fputc('\n', f);
	/* rows: the events in the runner's order, from every shown benchmark */
	for (size_t c0 = 0; c0 < ncols; c0++) {
		for (size_t i = 0; i < cols[c0]->npmu; i++) {
			const char *ev = cols[c0]->pmu[i].event;
			int seen = 0, counted = 0;

			for (size_t c = 0; c < c0 && !seen; c++)
				seen = find_event(cols[c], ev) != NULL;
			/* a row only for an event some benchmark counted */
			for (size_t c = 0; c < ncols && !counted; c++) {
				const struct res_pmu *p = find_event(cols[c], ev);

				counted = p && isfinite(res_pmu_median(p, per_exit));
			}
			if (seen || !counted || (skip_split && strchr(ev, ':')))
				continue;
			fprintf(f, "| %s |", ev);
			for (size_t c = 0; c < ncols; c++) {
				const struct res_pmu *p = find_event(cols[c], ev);
				double v = p ? res_pmu_median(p, per_exit) : NAN, net;
				const char *mux = p && p->running_min < 1 ? " †" : "";

				if (!isfinite(v))
					fprintf(f, " - |");
				else if (per_exit && !res_pmu_net_per_exit(cols[c], base, p, &net))
					fprintf(f, " %.1f (net %.1f)%s |", v, net, mux);
				else
					fprintf(f, " %.1f%s |", v, mux);
			}
			fputc('\n', f);
		}
	}
}

/*
 * In instruction-count mode the emulated cycles count every instruction executed (the
 * clock advances one ns per instruction): the instruction events can be checked against
 * them, on the benchmark with the most exits.
 */
static void icount_check(FILE *f, const struct results *r)
{
	static const char *const pairs[][2] = { { "instructions", "cycles" },
						 { "PM_INST_CMPL", "PM_CYC" } };
	const struct res_bench *best = NULL;

	if (!emulated(r) || !icount_mode(r))
		return;
	for (size_t i = 0; i < r->n; i++)
		if (pmu_shown(&r->b[i]) && (!best || r->b[i].exits_per_iteration > best->exits_per_iteration))
			best = &r->b[i];
	for (size_t k = 0; best && k < 2; k++) {
		const struct res_pmu *in = find_event(best, pairs[k][0]), *cy = find_event(best, pairs[k][1]);
		double vi = in ? res_pmu_median(in, 0) : NAN, vc = cy ? res_pmu_median(cy, 0) : NAN;

		if (!isfinite(vi) || !isfinite(vc) || vc <= 0)
			continue;
		fprintf(f, "- Instruction-count mode: the emulated cycles count every instruction "
			"executed (one ns of the virtual clock each); on %s %s is %.1f%% of %s (%.1f vs "
			"%.1f per iteration, %.1f per iteration from the timebase: median ticks / 0.512).",
			best->name, pairs[k][0], 100 * vi / vc, pairs[k][1], vi, vc,
			best->runs_sum.median / 0.512);
		if (vi < 0.99 * vc && best->exits_per_iteration > 0)
			fprintf(f, " The instruction events miss about %.0f instructions per exit: "
				"QEMU's PMU model counts a translation block's instructions when the block "
				"ends normally, not when it ends in an exception, as every exit does. Take "
				"instructions per exit from the cycles here.",
				(vc - vi) / best->exits_per_iteration);
		fputc('\n', f);
		return;
	}
}

/* the events that said no, one line per reason, each event once */
static void not_counted(FILE *f, const struct results *r)
{
	struct said { const char *event; char status[360]; int done; } *v;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < r->n; i++)
		cap += r->b[i].npmu;
	if (!cap || !(v = calloc(cap, sizeof(*v))))
		return;
	for (size_t i = 0; i < r->n; i++) {
		for (size_t k = 0; k < r->b[i].npmu; k++) {
			const struct res_pmu *p = &r->b[i].pmu[k];
			size_t j;

			/* a benchmark not measured counted nothing, but its events may have said no */
			if (r->b[i].status != RES_OK && !strcmp(p->status, "ok"))
				continue;
			res_pmu_status(p, v[n].status, sizeof(v[n].status));
			if (!strcmp(v[n].status, "ok"))
				continue;
			for (j = 0; j < n; j++)
				if (!strcmp(v[j].event, p->event) && !strcmp(v[j].status, v[n].status))
					break;
			if (j == n)
				v[n++].event = p->event;
		}
	}
	if (n)
		fprintf(f, "\nEvents not counted:\n\n");
	for (size_t i = 0; i < n; i++) {
		if (v[i].done)
			continue;
		fprintf(f, "- ");
		for (size_t j = i; j < n; j++) {
			if (v[j].done || strcmp(v[j].status, v[i].status))
				continue;
			fprintf(f, "%s**%s**", j == i ? "" : ", ", v[j].event);
			v[j].done = 1;
		}
		fprintf(f, ": %s\n", v[i].status);
	}
	free(v);
}

/* the hardware event counts, or why there are none */
static void pmu_section(FILE *f, const struct results *r)
{
	const char *lib = res_env_str(r, "pmu_library", NULL);
	const char *rot = res_env_str(r, "pmu_rotation", NULL);
	size_t declared = 0, shown = 0;
	double mux = 1;

	fprintf(f, "\n## PMU counts per iteration\n\n");
	for (size_t i = 0; i < r->n; i++) {
		declared += r->b[i].npmu;
		shown += pmu_shown(&r->b[i]);
		for (size_t k = 0; pmu_shown(&r->b[i]) && k < r->b[i].npmu; k++)
			if (r->b[i].pmu[k].n && r->b[i].pmu[k].running_min < mux)
				mux = r->b[i].pmu[k].running_min;
	}
	if (!declared) {
		fprintf(f, "No PMU counts were taken: %s.\n",
			lib && !strncmp(lib, "off", 3) ? "the runner ran with `--pmu off`" :
			"the records carry none (a runner without PMU support, or `--pmu off`)");
		return;
	}
	if (!shown)
		fprintf(f, "No PMU counts were taken: no event counted in any measured benchmark "
			"(each one's reason below)%s%s.\n", lib ? "; PMU library: " : "", lib ? lib : "");
	else {
		fprintf(f, "Hardware events of the VMM thread (perf_event_open, counting mode, no "
			"inherit) from the start to the end of each repetition: the median over the "
			"repetitions that counted the event, per iteration of the loop. Events named "
			"through %s; %s.", lib ? lib : "(unknown)", rot ? rot : "(rotation unknown)");
		if (emulated(r))
			fprintf(f, " **Emulated PMU**: QEMU's model of the POWER8 PMU, not hardware; "
				"its cycles follow the emulator's clock%s.",
				icount_mode(r) ? " (here one cycle per instruction executed)" : "");
		fputc('\n', f);
		fputc('\n', f);
		pmu_table(f, r, 0);
		pmu_table(f, r, 1);
		fputc('\n', f);
		if (mux < 1)
			fprintf(f, "- † multiplexed: counted only part of the repetition (at least %.0f%% "
				"of it) and scaled by time_enabled / time_running: an estimate.\n", mux * 100);
		else
			fprintf(f, "- No count was multiplexed: every event counted its whole repetition "
				"(time_running = time_enabled).\n");
		privilege_check(f, r);
		icount_check(f, r);
	}
	not_counted(f, r);
}

static void environment(FILE *f, const struct results *r)
{
	const char *key;
	json_t *v;

	fprintf(f, "\n## Environment\n\n| | |\n|---|---|\n");
	json_object_foreach(r->env, key, v) {
		char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

		fprintf(f, "| %s | %s |\n", key, s ? s : json_string_value(v));
		free(s);
	}
}

/* histogram of the per-batch ticks/iteration into dir/name.dat; 0 or -errno */
static int write_hist(const struct res_bench *b, const char *path, double *width)
{
	double lo = b->batch_sum.min, hi = b->batch_sum.max, w;
	size_t counts[HIST_BINS] = { 0 };
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	w = hi > lo ? (hi - lo) / HIST_BINS : fmax(fabs(lo) * 1e-3, 1e-3);
	for (size_t i = 0; i < b->nbatch; i++) {
		size_t k = (size_t)((b->batch[i] - lo) / w);

		counts[k >= HIST_BINS ? HIST_BINS - 1 : k]++;
	}
	fprintf(f, "# bin_center_ticks_per_iteration batches\n");
	for (size_t k = 0; k < HIST_BINS; k++)
		if (counts[k] || hi > lo)
			fprintf(f, "%.6f %zu\n", lo + (k + 0.5) * w, counts[k]);
	*width = w;
	return fclose(f) ? -errno : 0;
}

int report_gnuplot(const char *script)
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

static int plot(const struct results *r, const struct res_bench *b, const char *dir)
{
	char dat[4096], gp[4096], png[4096];
	double w = 1;
	FILE *f;
	int ret;

	snprintf(dat, sizeof(dat), "%s/plots/%s.dat", dir, b->name);
	snprintf(gp, sizeof(gp), "%s/plots/%s.gp", dir, b->name);
	snprintf(png, sizeof(png), "%s/%s.png", dir, b->name);
	if ((ret = write_hist(b, dat, &w)))
		return ret;
	f = fopen(gp, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"set terminal pngcairo size 800,480 font ',10'\n"
		"set output '%s'\n"
		"set title \"%s: %zu batches of %llu iterations (%s%s)\" noenhanced\n"
		"set xlabel 'timebase ticks per iteration (batch mean)'\n"
		"set ylabel 'batches (log scale)'\n"
		"set style fill solid 0.6 border -1\n"
		"set boxwidth %.9g absolute\n"
		"set logscale y\n"
		"set yrange [0.7:*]\n"
		"set xtics rotate by -30\n"
		"plot '%s' using 1:2 with boxes notitle lc rgb '#3060a0'\n",
		png, b->name, b->nbatch, (unsigned long long)(b->iterations / b->batches),
		emulated(r) ? "emulated" : strcmp(env_str(r, "mode"), "native") ? "mode unknown" : "native",
		icount_mode(r) ? ", instruction-count mode" : "", w * 0.9, dat);
	if (fclose(f))
		return -errno;
	return report_gnuplot(gp);
}

int report_write(const struct results *r, const char *dir, const char **plot_problem)
{
	char path[4096];
	FILE *f;
	int plots_ok = 1;

	*plot_problem = NULL;
	snprintf(path, sizeof(path), "%s/plots", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;

	fprintf(f, "# exitbench report: %s\n\n", r->run_id[0] ? r->run_id : "(unnamed run)");
	if (emulated(r)) {
		fprintf(f, "> **Emulated times.** These figures come from a POWER8 emulated by QEMU (%s) on "
			"%s, not from POWER hardware. ", env_str(r, "qemu_version"), env_str(r, "build_host"));
		if (icount_mode(r))
			fprintf(f, "They were taken in instruction-count mode (`-icount shift=0`): the "
				"timebase advances 0.512 ticks per guest instruction, so a tick stands for "
				"1.953 instructions executed, deterministic across boots. Compare them only "
				"with other instruction-count runs.\n\n");
		else
			fprintf(f, "Plain emulation: times follow the emulator's wall clock and vary from run "
				"to run; use them to exercise the path, not as absolute figures.\n\n");
	}
	fprintf(f, "Host kernel %s, CPU %s, timebase %.0f Hz. Unit: timebase ticks per iteration "
		"(and ns). `median` and `mean ± 95%% CI` are over runs (one a repetition, the unit "
		"of replication); p5/p95/p99 are over batches of all runs.\n\n",
		env_str(r, "host_kernel_release"), env_str(r, "cpu"), r->tb_hz);
	report_table(f, r);

	for (size_t i = 0, hdr = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];

		if (b->status == RES_OK && b->exits_ok)
			continue;
		if (!hdr++)
			fprintf(f, "\n## Not measured, failed, or not exiting as claimed\n\n");
		if (b->status != RES_OK)
			fprintf(f, "- **%s** %s: %s\n", b->name,
				b->status == RES_SKIPPED ? "skipped" : "failed", b->reason);
		else if (!b->exits_ok)
			fprintf(f, "- **%s** ⚠ exit count: %s (claimed %u per iteration, kind %s)\n",
				b->name, b->exits_note, b->claimed_exits_per_iteration, b->exit_kind);
	}
	net_costs(f, r);
	pmu_section(f, r);

	fprintf(f, "\n## What each benchmark does\n\n");
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "- **%s** (%s, %llu iterations x %llu repetitions): %s\n", r->b[i].name,
			r->b[i].exit_kind, (unsigned long long)r->b[i].iterations,
			(unsigned long long)r->b[i].repetitions, r->b[i].what);

	fprintf(f, "\n## Histograms\n\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		int ret;

		if (b->status != RES_OK || b->nbatch == 0)
			continue;
		ret = plots_ok ? plot(r, b, dir) : -ENOENT;
		if (ret) {
			plots_ok = 0;
			*plot_problem = ret == -ENOENT ? "gnuplot not found (apt-get install gnuplot-nox)"
						       : "gnuplot failed";
			continue;
		}
		fprintf(f, "![%s](%s.png)\n\n", b->name, b->name);
	}
	if (!plots_ok)
		fprintf(f, "Histograms not drawn: %s.\n", *plot_problem);
	environment(f, r);
	return fclose(f) ? -errno : 0;
}
