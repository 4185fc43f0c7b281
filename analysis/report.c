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
