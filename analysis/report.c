// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hist.h"
#include "plot.h"
#include "report.h"
#include "sweep.h"
#include "lguest.h"
#include "text.h"

#define HIST_BINS 40

static const char *env_str(const struct results *r, const char *key)
{
	return res_env_str(r, key, "unknown");
}

static int emulated(const struct results *r)
{
	return !strcmp(env_str(r, "mode"), "emulated");
}

/*
 * A native run (HOST=native): the machine it ran on, from environment.native; and when that
 * "native" host is itself emulated (make native-check), that first, so its figures are
 * never taken for a real machine's.
 */
static void native_note(FILE *f, const struct results *r)
{
	const struct res_val *n = res_env(r, "native");
	const char *emu = res_val_str(res_env(r, "emulator"), "");
	char smt_s[24] = "unknown", mhz_s[32] = "";
	double smt, mhz;

	if (emu[0]) {
		fprintf(f, "> **Emulated times.** This run took the native path (HOST=native) on a host "
			"that is itself emulated: %s. Not figures of POWER hardware.%s\n\n", emu,
			res_icount(r) ? " Instruction-count mode: 0.512 ticks per guest instruction; "
			"compare them only with other instruction-count runs." : "");
	}
	if (!res_val_num(res_val_get(n, "smt"), &smt))
		snprintf(smt_s, sizeof(smt_s), "%.0f", smt);
	if (!res_val_num(res_val_get(n, "cpu_mhz"), &mhz))
		snprintf(mhz_s, sizeof(mhz_s), " at %.0f MHz", mhz);
	fprintf(f, "Native run on %s: PVR %s, %s (%s), MMU %s, SMT %s, cpufreq %s%s, kvm-hv %s.\n\n",
		res_env_str(r, "host", "an unnamed host"),
		res_val_str(res_val_get(n, "pvr"), "unknown"),
		res_val_str(res_val_get(n, "platform"), "unknown platform"),
		res_val_str(res_val_get(n, "firmware"), "unknown firmware"),
		res_val_str(res_val_get(n, "mmu"), "unknown"), smt_s,
		res_val_str(res_val_get(n, "cpufreq_governor"), "unknown"), mhz_s,
		res_val_bool(res_val_get(n, "kvm_hv_loaded")) == 1 ? "loaded beside kvm-pr" :
		"not loaded");
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
	const struct res_bench *base = res_baseline(r, NULL);
	int any = 0;

	for (size_t i = 0; !base && i < r->n; i++)
		base = res_baseline(r, &r->b[i]);
	fprintf(f, "\n## Net cost of one exit (benchmark minus the null loop)\n\n");
	if (!base) {
		fprintf(f, "No null loop in this run: the figures above include loop and timebase overhead.\n");
		return;
	}
	fprintf(f, "Difference of the per-run means (the Linux guest's benchmarks minus linux-null, the others minus null), with Welch's 95%% interval over runs%s.\n\n",
		res_icount(r) ? "; instructions = ticks / 0.512 (one guest-visible ns per instruction)" : "");
	fprintf(f, "| benchmark | ticks | 95%% CI (ticks) | ns |%s\n|---|---:|---:|---:|%s\n",
		res_icount(r) ? " instructions |" : "", res_icount(r) ? "---:|" : "");
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		double d, lo, hi;

		base = res_baseline(r, b);
		if (!base || res_net_cost(b, base, &d, &lo, &hi))
			continue;
		fprintf(f, "| %s | %.2f | [%.2f, %.2f] | %.1f |", b->name, d, lo, hi, res_ns(r, d));
		if (res_icount(r))
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
				else if (per_exit && !res_pmu_net_per_exit(cols[c], res_baseline(r, cols[c]), p, &net))
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

	if (!emulated(r) || !res_icount(r))
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
			res_env_bool(r, "pmu_counting") == 0 ? "the runner ran with `--pmu off`" :
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
				res_icount(r) ? " (here one cycle per instruction executed)" : "");
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
	fprintf(f, "\n## Environment\n\n| | |\n|---|---|\n");
	/* in the file's order; what is not a string as its JSON text */
	for (size_t i = 0; i < r->env.n; i++) {
		const struct res_val *v = &r->env.v[i];
		char *s = v->type == RES_V_STR ? NULL : res_val_text(v);

		fprintf(f, "| %s | %s |\n", r->env.k[i], s ? s : res_val_str(v, "(null)"));
		free(s);
	}
}

/* a histogram's bins: centre, count and width of each */
struct bins {
	size_t n;
	double centre[HIST_BINS], count[HIST_BINS], width[HIST_BINS];
};

/*
 * The values v in [lo, hi] (each n[i] times, once when n is NULL) binned: HIST_BINS bins of
 * equal width, of equal ratio when logx (lo > 0), or one a whole number when whole and they
 * fit; the empty ones left out when all values are one. Returns the (first) bin's width.
 */
static double bin(const double *v, const double *n, size_t len, double lo, double hi, int logx,
		  int whole, struct bins *out)
{
	double counts[HIST_BINS] = { 0 }, w, r = 0;
	size_t nb = HIST_BINS;

	if (whole && hi - lo + 1 <= HIST_BINS) {
		nb = (size_t)(hi - lo + 1);
		lo -= 0.5;
		hi += 0.5;
		logx = 0;
	}
	logx = logx && lo > 0 && hi > lo;
	if (logx)
		r = log(hi / lo) / (double)nb;
	w = hi > lo ? (hi - lo) / (double)nb : fmax(fabs(lo) * 1e-3, 1e-3);
	for (size_t i = 0; i < len; i++) {
		double x = logx ? log(v[i] / lo) / r : (v[i] - lo) / w;
		size_t k = x > 0 ? (size_t)x : 0;

		counts[k >= nb ? nb - 1 : k] += n ? n[i] : 1;
	}
	out->n = 0;
	for (size_t k = 0; k < nb; k++) {
		double a = logx ? lo * exp(r * (double)k) : lo + (double)k * w;
		double b = logx ? lo * exp(r * (double)(k + 1)) : a + w;

		if (!counts[k] && !(hi > lo))
			continue;
		out->centre[out->n] = logx ? sqrt(a * b) : (a + b) / 2;
		out->count[out->n] = counts[k];
		out->width[out->n++] = b - a;
	}
	return logx ? lo * (exp(r) - 1) : w;
}

static const char *mode_name(const struct results *r)
{
	return emulated(r) ? "emulated" : strcmp(env_str(r, "mode"), "native") ? "mode unknown" :
	       "native";
}

/* dir/FILE.png (b's name, plot_safe_name): the histogram of b's per-batch ticks per iteration */
static int bench_plot(const struct results *r, const struct res_bench *b, const char *dir,
		      const char *file)
{
	static struct bins bs;
	char title[256];
	struct plot *p;
	double w;
	int ret;

	w = bin(b->batch, NULL, b->nbatch, b->batch_sum.min, b->batch_sum.max, 0, 0, &bs);
	snprintf(title, sizeof(title), "%s: %zu batches of %llu iterations (%s%s)", b->name,
		 b->nbatch, (unsigned long long)(b->iterations / b->batches), mode_name(r),
		 res_icount(r) ? ", instruction-count mode" : "");
	ret = plot_new(&(struct plot_figure){ .dir = dir, .name = file, .width = 800,
					      .height = 480, .title = title }, &p);
	if (ret)
		return ret;
	plot_panel(p, &(struct plot_panel){
		.x = { .label = "timebase ticks per iteration (batch mean)", .rotate = -30 },
		.y = { .label = "batches (log scale)", .log = 1, .fixed = PLOT_MIN, .min = 0.7 },
		.box_width = w * 0.9, .key = PLOT_KEY_NONE });
	plot_add(p, &(struct plot_series){ .kind = PLOT_BOXES, .colour = "#3060a0", .n = bs.n,
					   .x = bs.centre, .y = bs.count });
	ret = plot_draw(p);
	plot_free(p);
	return ret;
}

/* ---- the trace: what `exitbench trace --results` merged into results.json ---- */

/* a phase counted in fewer of the round trips than this is not per exit (vcpu_run: per KVM_RUN) */
#define TR_RARE 0.01
#define TR_MAX_PHASES 32
#define TR_TICKS "timebase ticks"
/* instruction-count mode: the timebase advances 0.512 ticks per guest instruction */
#define TR_TICKS_PER_INSN 0.512
/* the phase colours, in path order (cycled past ten) */
#define TR_COLOURS "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", \
	"#ff9da7", "#9c755f", "#bab0ac"

struct tr_stat {
	char name[32];
	char unit[32];
	double count, median, p5, p95, p99, min, max, sum;	/* NaN when none */
	const struct hist *hist;	/* its values (the benchmark's phases only), or NULL */
	double scale;			/* ... in units of 1 / scale */
};

struct tr_reason {
	struct tr_stat st;		/* name: the exit reason */
	long long vector;
	double timed, share;		/* share of the benchmark's timed total, 0..1 */
	enum res_timed of;		/* what is timed: the round trip or exit to reenter */
	double resume[4];		/* RESUME_GUEST, RESUME_GUEST_NV, RESUME_HOST(_NV), errors */
};

/* one benchmark's part of the trace, at the index of its struct res_bench */
struct tr_bench {
	int present;			/* phases, exit_reasons or trace given */
	size_t nphase;
	struct tr_stat phase[TR_MAX_PHASES];	/* the path's phases, in path order */
	int has_rt, has_e2r;
	struct tr_stat rt;		/* round_trip: the sum of the phases of each round trip */
	struct tr_stat e2r;		/* exit_to_reenter: kvm_exit -> kvm_book3s_reenter */
	size_t nreason;
	struct tr_reason *reason;
	int has_trace;
	enum res_timed timed;		/* what the trace timed the exits by */
	const char *source, *file;
	double reps, exits;
};

static const char *const tr_resume_names[4] = RES_RESUME_NAMES;

static void tr_stat_of(struct tr_stat *st, const struct res_tstat *x)
{
	snprintf(st->name, sizeof(st->name), "%s", x->name);
	snprintf(st->unit, sizeof(st->unit), "%s", x->unit);
	st->count = (double)x->count;
	st->median = x->median;
	st->p5 = x->p5;
	st->p95 = x->p95;
	st->p99 = x->p99;
	st->min = x->min;
	st->max = x->max;
	st->sum = (double)x->sum;
	st->hist = NULL;
	st->scale = NAN;
}

/* b's trace (res_read checked it) as the report's tables take it */
static void tr_bench_of(const struct res_bench *b, struct tr_bench *t)
{
	const struct res_trace *x = &b->trace;

	for (size_t i = 0; i < x->nphase; i++) {
		struct tr_stat st;

		tr_stat_of(&st, &x->phase[i].st);
		st.hist = x->phase[i].hist;
		st.scale = (double)x->phase[i].hist_scale;
		if (!strcmp(st.name, "round_trip")) {
			t->rt = st;
			t->has_rt = 1;
		} else if (!strcmp(st.name, "exit_to_reenter")) {
			t->e2r = st;
			t->has_e2r = 1;
		} else if (t->nphase < TR_MAX_PHASES) {
			t->phase[t->nphase++] = st;
		}
	}
	if (x->nreason && (t->reason = calloc(x->nreason, sizeof(*t->reason)))) {
		for (size_t i = 0; i < x->nreason; i++) {
			const struct res_reason *from = &x->reason[i];
			struct tr_reason *to = &t->reason[t->nreason++];

			tr_stat_of(&to->st, &from->st);
			to->vector = from->vector;
			to->timed = (double)from->timed;
			to->share = from->share;
			to->of = from->of;
			for (int k = 0; k < 4; k++)
				to->resume[k] = (double)from->resume[k];
		}
	}
	if (x->has_source) {
		t->has_trace = 1;
		t->timed = x->timed;
		t->source = x->source;
		t->file = x->file;
		t->reps = (double)x->repetitions_marked;
		t->exits = (double)x->exits;
	}
	t->present = t->nphase || t->has_rt || t->has_e2r || t->nreason || t->has_trace;
}

static void tr_free(struct tr_bench *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].reason);
	free(t);
}

/* what the trace gave each benchmark of r (same index); NULL when nothing */
static struct tr_bench *tr_load(const struct results *r)
{
	struct tr_bench *t;
	int any = 0;

	if (!r->n || !(t = calloc(r->n, sizeof(*t))))
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		tr_bench_of(&r->b[i], &t[i]);
		any |= t[i].present;
	}
	if (!any) {
		tr_free(t, r->n);
		return NULL;
	}
	return t;
}

/* a whole number as such, else two decimals; "-" for none */
static const char *fmt_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (v == rint(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2f", v);
	return buf;
}

/* "s" unless exactly one */
static const char *plural(double n)
{
	return n == 1 ? "" : "s";
}

static const char *short_unit(const char *unit)
{
	return !strcmp(unit, TR_TICKS) ? "ticks" : unit;
}


/* the round trips timed: round_trip's count, else the most any phase was counted */
static double tr_round_trips(const struct tr_bench *t)
{
	double n = 0;

	if (t->has_rt && t->rt.count > 0)
		return t->rt.count;
	for (size_t k = 0; k < t->nphase; k++)
		n = fmax(n, t->phase[k].count);
	return n;
}

/* counted in at least 1% of the round trips: once per exit, not once per KVM_RUN */
static int tr_per_exit(const struct tr_bench *t, const struct tr_stat *p)
{
	return p->count > 0 && p->count >= TR_RARE * tr_round_trips(t);
}

/* the benchmark's exits resumed the VMM (KVM_EXIT_MMIO, ...): round trips through user space */
static int tr_resumes_host(const struct tr_bench *t)
{
	for (size_t j = 0; j < t->nreason; j++)
		if (t->reason[j].resume[2] > 0)
			return 1;
	return 0;
}

static void tr_phase_row(FILE *f, const struct tr_stat *p, const char *note, int bold, int ic,
			 const char *share)
{
	const char *bo = bold ? "**" : "";
	char c[6][32];

	fprintf(f, "| %s%s%s%s | %s | %s%s%s | %s | %s | %s |", bo, p->name, bo, note,
		fmt_num(c[0], 32, p->count), bo, fmt_num(c[1], 32, p->median), bo,
		fmt_num(c[2], 32, p->p5), fmt_num(c[3], 32, p->p95), fmt_num(c[4], 32, p->p99));
	if (ic && isfinite(p->median) && !strcmp(p->unit, TR_TICKS))
		fprintf(f, " %.0f |", p->median / TR_TICKS_PER_INSN);
	else if (ic)
		fprintf(f, " - |");
	fprintf(f, " %s |\n", share);
}

/* one benchmark's phases: the table and what they account for */
static void tr_phase_table(FILE *f, const struct results *r, const struct res_bench *b,
			   const struct tr_bench *t)
{
	int ic = res_icount(r);
	double n = tr_round_trips(t), total = 0, medsum = 0, guest = NAN, trace_med = 0;
	char rare[512] = "", share[32], c[2][32];
	size_t nrare = 0, nsum = 0;

	for (size_t k = 0; k < t->nphase; k++)
		if (t->phase[k].count > 0 && isfinite(t->phase[k].sum))
			total += t->phase[k].sum;
	fprintf(f, "\n### %s\n\n", b->name);
	fprintf(f, "| phase | count | median | p5 | p95 | p99 |%s share of time |\n",
		ic ? " median (instructions) |" : "");
	fprintf(f, "|---|---:|---:|---:|---:|---:|%s---:|\n", ic ? "---:|" : "");
	for (size_t k = 0; k < t->nphase; k++) {
		const struct tr_stat *p = &t->phase[k];
		int per_exit = tr_per_exit(t, p);

		if (p->count > 0 && isfinite(p->sum) && total > 0)
			snprintf(share, sizeof(share), "%.1f%%", 100 * p->sum / total);
		else
			snprintf(share, sizeof(share), "-");
		tr_phase_row(f, p, per_exit || !p->count ? "" : " (not per exit)", 0, ic, share);
		if (per_exit && isfinite(p->median)) {
			medsum += p->median;
			nsum++;
			if (!strcmp(p->name, "trace"))
				trace_med = p->median;
		} else if (p->count > 0) {
			size_t used = strlen(rare);

			snprintf(rare + used, sizeof(rare) - used, "%s`%s` (%s of %s round trips)",
				 nrare++ ? ", " : "", p->name, fmt_num(c[0], 32, p->count),
				 fmt_num(c[1], 32, n));
		}
	}
	if (t->has_rt)
		tr_phase_row(f, &t->rt, " (total)", 1, ic, total > 0 ? "100%" : "-");
	if (!nsum)
		return;
	if (b->status == RES_OK && b->claimed_exits_per_iteration > 0 && b->nruns)
		guest = b->runs_sum.median / b->claimed_exits_per_iteration;
	fprintf(f, "| sum of the per-exit phase medians | | %s | | | |", fmt_num(c[0], 32, medsum));
	if (ic)
		fprintf(f, " %.0f |", medsum / TR_TICKS_PER_INSN);
	if (t->has_rt && t->rt.median > 0)
		fprintf(f, " %.1f%% of round_trip's median", 100 * medsum / t->rt.median);
	if (isfinite(guest) && guest > 0)
		fprintf(f, "%s%.1f%% of the guest's", t->has_rt && t->rt.median > 0 ? "; " : " ",
			100 * medsum / guest);
	fprintf(f, " |\n");

	fprintf(f, "\nThe per-exit phases' medians add up to %s ticks", fmt_num(c[0], 32, medsum));
	if (t->has_rt && t->rt.median > 0)
		fprintf(f, ", %.1f%% of the round trip's median (%s ticks)", 100 * medsum / t->rt.median,
			fmt_num(c[1], 32, t->rt.median));
	if (nrare)
		fprintf(f, "; left out, as counted in fewer than 1%% of the round trips: %s", rare);
	fprintf(f, ".");
	if (trace_med > 0 && nsum > 1)
		fprintf(f, " Without `trace` (the instrumentation's own cost) they add up to %s ticks.",
			fmt_num(c[0], 32, medsum - trace_med));
	if (isfinite(guest) && guest > 0) {
		double pct = 100 * medsum / guest;

		fprintf(f, " The guest's own measurement of the same run: %.2f ticks per iteration "
			"(median over runs", b->runs_sum.median);
		if (b->claimed_exits_per_iteration > 1)
			fprintf(f, "; %.2f per exit, at %u exits per iteration", guest,
				b->claimed_exits_per_iteration);
		fprintf(f, "): **phases account for %.1f%% of the guest's round trip**.", pct);
		if (pct < 90 && tr_resumes_host(t))
			fprintf(f, " The rest is not stamped: these exits go out to the VMM, and the "
				"return from KVM_RUN, the VMM's handling of the exit and the next KVM_RUN "
				"up to kvmppc_vcpu_run_pr lie between one round trip and the next.");
		else if (pct < 90)
			fprintf(f, " The rest is time the stamps do not cover.");
	} else if (b->status != RES_OK) {
		fprintf(f, " No comparison with the guest's own figure: the benchmark was not measured "
			"(%s).", res_status_name(b->status));
	} else if (b->claimed_exits_per_iteration == 0) {
		fprintf(f, " No comparison with the guest's own figure: its loop makes no exits (these "
			"round trips are the exits outside the loop, such as the end of each repetition).");
	}
	fputc('\n', f);
	if (t->has_e2r && t->e2r.count > 0)
		fprintf(f, "\n`kvm_exit` → `kvm_book3s_reenter` in the same trace (kvmppc_handle_exit_pr "
			"alone; not a phase, not in the sum): median %s %s over %s exit%s.\n",
			fmt_num(c[0], 32, t->e2r.median), short_unit(t->e2r.unit),
			fmt_num(c[1], 32, t->e2r.count), plural(t->e2r.count));
}

/* the stock kernel's only figure, kvm_exit -> kvm_book3s_reenter, in a line */
static void tr_stock_line(FILE *f, const struct res_bench *b, const struct tr_bench *t)
{
	char c[2][32];

	fprintf(f, "- **%s**: no phase stamps (stock kernel); `kvm_exit` → `kvm_book3s_reenter` "
		"times kvmppc_handle_exit_pr alone: median %s %s over %s exit%s.\n", b->name,
		fmt_num(c[0], 32, t->e2r.median), short_unit(t->e2r.unit), fmt_num(c[1], 32, t->e2r.count),
		plural(t->e2r.count));
}

struct chart_state {
	int missing;			/* no gnuplot: nothing more is tried */
	const char **problem;		/* why a chart is missing (the first reason) */
};

/* a chart's outcome, kept in cs; returns ret */
static int chart_done(struct chart_state *cs, int ret)
{
	if (ret == -ENOENT) {
		cs->missing = 1;
		*cs->problem = plot_strerror(ret);
	} else if (ret && !*cs->problem) {
		*cs->problem = plot_strerror(ret);
	}
	return ret;
}

/* the benchmarks in the stacked chart: measured, with phases and exits in their loop (all with
 * phases, if none is) */
static int tr_in_stack(const struct results *r, const struct tr_bench *t, size_t i)
{
	int any = 0;

	if (!t[i].nphase || !(tr_round_trips(&t[i]) > 0))
		return 0;
	if (r->b[i].status == RES_OK && r->b[i].claimed_exits_per_iteration > 0)
		return 1;
	for (size_t k = 0; k < r->n; k++)
		any |= t[k].nphase && tr_round_trips(&t[k]) > 0 && r->b[k].status == RES_OK &&
		       r->b[k].claimed_exits_per_iteration > 0;
	return !any;
}

/* the phases of the stacked chart: every phase of its benchmarks, in path order */
static size_t tr_stack_phases(const struct results *r, const struct tr_bench *t,
			      char names[][32])
{
	size_t nn = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (!tr_in_stack(r, t, i))
			continue;
		for (size_t k = 0; k < t[i].nphase; k++) {
			size_t j = 0;

			while (j < nn && strcmp(names[j], t[i].phase[k].name))
				j++;
			if (j == nn && nn < TR_MAX_PHASES)
				snprintf(names[nn++], sizeof(names[0]), "%s", t[i].phase[k].name);
		}
	}
	return nn;
}

/*
 * dir/phases.png: one bar per benchmark, its phases stacked in path order, each the phase's
 * total time / the round trips (its mean per round trip): the bar is the mean round trip.
 * 0, -ENOENT (no gnuplot), -EIO; *bars: how many were drawn (0: no chart, nothing run).
 */
static int tr_stack_plot(const struct results *r, const struct tr_bench *t, const char *dir,
			 size_t *bars)
{
	static const char *const colours[] = { TR_COLOURS };
	char names[TR_MAX_PHASES][32], title[256], (*cats)[64] = NULL, (*totals)[32] = NULL;
	const char *layer_titles[TR_MAX_PHASES], **cat = NULL, **total = NULL;
	double *layer[TR_MAX_PHASES] = { 0 }, *sum = NULL, top = 0, y2step = 0;
	size_t nn = tr_stack_phases(r, t, names), nb = 0;
	struct plot *p = NULL;
	int ret = -ENOMEM;

	*bars = 0;
	for (size_t i = 0; i < r->n; i++)
		*bars += tr_in_stack(r, t, i);
	if (!*bars || !nn)
		return *bars = 0;
	for (size_t j = 0; j < nn; j++)
		if (!(layer[j] = calloc(*bars, sizeof(double))))
			goto out;
	sum = calloc(*bars, sizeof(*sum));
	cats = calloc(*bars, sizeof(*cats));
	totals = calloc(*bars, sizeof(*totals));
	cat = calloc(*bars, sizeof(*cat));
	total = calloc(*bars, sizeof(*total));
	if (!sum || !cats || !totals || !cat || !total)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		double n = tr_round_trips(&t[i]);

		if (!tr_in_stack(r, t, i))
			continue;
		plot_safe_name(cats[nb], sizeof(cats[nb]), r->b[i].name);
		cat[nb] = cats[nb];
		for (size_t j = 0; j < nn; j++) {
			for (size_t k = 0; k < t[i].nphase; k++)
				if (!strcmp(t[i].phase[k].name, names[j]) && t[i].phase[k].count > 0 &&
				    isfinite(t[i].phase[k].sum))
					layer[j][nb] = t[i].phase[k].sum / n;
			sum[nb] += layer[j][nb];
		}
		snprintf(totals[nb], sizeof(totals[nb]), "%.0f", sum[nb]);
		total[nb] = totals[nb];
		top = fmax(top, sum[nb++]);
	}
	for (size_t j = 0; j < nn; j++) {
		plot_safe_name(names[j], sizeof(names[j]), names[j]);
		layer_titles[j] = names[j];
	}
	if (res_icount(r) && top > 0) {
		/* about five round steps of instructions (the y axis's own would fall on odd ones) */
		double raw = top / TR_TICKS_PER_INSN / 5, mag = pow(10, floor(log10(raw))), q = raw / mag;

		y2step = (q < 1.5 ? 1 : q < 3.5 ? 2 : q < 7.5 ? 5 : 10) * mag;
	}
	snprintf(title, sizeof(title), "Round trip by phase (%s%s): each phase's total time / the "
		 "round trips timed", mode_name(r), res_icount(r) ? ", instruction-count mode" : "");
	if ((ret = plot_new(&(struct plot_figure){ .dir = dir, .name = "phases", .width = 960,
						   .height = 540, .title = title }, &p)))
		goto out;
	plot_panel(p, &(struct plot_panel){
		.y = { .label = "timebase ticks per round trip (mean)", .fixed = PLOT_MIN, .grid = 1 },
		.y2_scale = y2step > 0 ? 1 / TR_TICKS_PER_INSN : 0,
		.y2 = { .label = "guest instructions (ticks / 0.512)", .step = y2step, .format = "%.0f" },
		.key = PLOT_KEY_OUTSIDE, .key_invert = 1, .key_title = "phase (path order, bottom up)",
		.fill = 0.9, .box_width = 0.6, .box_relative = 1, .headroom = 0.08 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_STACKED_BARS, .n = nb, .labels = cat,
					   .nlayers = nn, .layers = (const double *const *)layer,
					   .layer_titles = layer_titles, .palette = colours,
					   .npalette = sizeof(colours) / sizeof(colours[0]) });
	/* the total over each bar */
	plot_add(p, &(struct plot_series){ .kind = PLOT_LABELS, .n = nb, .y = sum, .labels = total });
	ret = plot_draw(p);
out:
	plot_free(p);
	for (size_t j = 0; j < nn; j++)
		free(layer[j]);
	free(sum);
	free(cats);
	free(totals);
	free(cat);
	free(total);
	return ret;
}

/* the benchmark whose phases get their own chart: pvr, else the first with exits and phases */
static size_t tr_box_pick(const struct results *r, const struct tr_bench *t)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->b[i].name, "pvr") && t[i].nphase)
			return i;
	for (size_t i = 0; i < r->n; i++)
		if (t[i].nphase && r->b[i].claimed_exits_per_iteration > 0)
			return i;
	return r->n;
}

/* the phases of b's own chart (and the round trip), with their names ('*': not per exit) */
static size_t tr_chart_phases(const struct tr_bench *t, const struct tr_stat **ps,
			      char (*pn)[64], int *rare)
{
	size_t n = 0;

	*rare = 0;
	for (size_t k = 0; k <= t->nphase; k++) {
		const struct tr_stat *p = k < t->nphase ? &t->phase[k] : t->has_rt ? &t->rt : NULL;

		if (!p || !(p->count > 0) || !isfinite(p->median))
			continue;
		plot_safe_name(pn[n], 63, p->name);
		if (k < t->nphase && !tr_per_exit(t, p)) {
			strcat(pn[n], "*");
			*rare = 1;
		}
		ps[n++] = p;
	}
	return n;
}

/* a phase's histogram binned for its panel; *logx when its values span more than a decade */
static int tr_phase_bins(const struct tr_stat *p, struct bins *bs, int *logx, double xr[2])
{
	double lo = (double)hist_min(p->hist) / p->scale, hi = (double)hist_max(p->hist) / p->scale;
	size_t nv = 0, cap = 64;
	double *v = malloc(cap * sizeof(*v)), *cnt = malloc(cap * sizeof(*cnt));
	struct hist_iter it;

	hist_iter_init(&it, p->hist);
	while (v && cnt && hist_iter_next(&it)) {
		if (nv == cap) {
			double *nv1 = realloc(v, 2 * cap * sizeof(*v));
			double *nc1 = nv1 ? realloc(cnt, 2 * cap * sizeof(*cnt)) : NULL;

			v = nv1 ? nv1 : v;
			cnt = nc1 ? nc1 : cnt;
			if (!nv1 || !nc1) {
				free(v);
				v = NULL;
				break;
			}
			cap *= 2;
		}
		/* the sub-bucket's middle, within [min, max] */
		v[nv] = fmin(fmax((double)(it.from + it.to) / 2 / p->scale, lo), hi);
		cnt[nv++] = (double)it.count;
	}
	if (!v || !cnt) {
		free(v);
		free(cnt);
		return -ENOMEM;
	}
	*logx = lo > 0 && hi / lo > 10;
	/* the panel's x range: the values and a margin, not gnuplot's round tics */
	xr[0] = *logx ? lo / 1.2 : lo - fmax((hi - lo) / 20, 1);
	xr[1] = *logx ? hi * 1.2 : hi + fmax((hi - lo) / 20, 1);
	bin(v, cnt, nv, lo, hi, *logx, p->scale == 1, bs);
	for (size_t i = 0; i < bs->n; i++)
		bs->width[i] *= 0.9;
	free(v);
	free(cnt);
	return 0;
}

/*
 * dir/<b>-phases.png from the phases' histograms: one panel per phase (and the round trip),
 * binned as the benchmarks' own histograms, x log scale where the values span more than a
 * decade. 1 (nothing drawn): some phase shown has no usable histogram. *rare: some phase
 * shown is not per exit (marked '*').
 */
static int tr_hist_plot(const struct results *r, const struct res_bench *b, const struct tr_bench *t,
			const char *dir, int *rare)
{
	char pn[TR_MAX_PHASES + 1][64], bn[64], name[80], title[256], ptitle[160], xl[64], c[2][32];
	const struct tr_stat *ps[TR_MAX_PHASES + 1];
	size_t n = tr_chart_phases(t, ps, pn, rare), cols, rows;
	static struct bins bs;
	struct plot *p;
	int ret;

	if (!n)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!ps[i]->hist || !(ps[i]->scale >= 1) || hist_total_count(ps[i]->hist) <= 0)
			return 1;
	cols = n <= 4 ? n : n <= 9 ? 3 : 4;
	rows = (n + cols - 1) / cols;
	plot_safe_name(bn, sizeof(bn), b->name);
	snprintf(name, sizeof(name), "%s-phases", bn);
	snprintf(title, sizeof(title), "%s: each phase's histogram over its round trips (%.0f timed%s)",
		 bn, tr_round_trips(t), res_icount(r) ? ", instruction-count mode" : "");
	if ((ret = plot_new(&(struct plot_figure){ .dir = dir, .name = name,
			    .width = (int)(320 * cols), .height = (int)(250 * rows + 40),
			    .font_size = 9, .title = title, .rows = (int)rows, .cols = (int)cols }, &p)))
		return ret;
	/* one panel per phase, in path order */
	for (size_t i = 0; i < n && !ret; i++) {
		double xr[2];
		int logx;

		if ((ret = tr_phase_bins(ps[i], &bs, &logx, xr)))
			break;
		text_fmt(ptitle, sizeof(ptitle), "%s: median %s, %s value%s", pn[i],
			 fmt_num(c[0], sizeof(c[0]), ps[i]->median),
			 fmt_num(c[1], sizeof(c[1]), ps[i]->count), plural(ps[i]->count));
		snprintf(xl, sizeof(xl), "%s%s", ps[i]->unit, logx ? " (log scale)" : "");
		plot_panel(p, &(struct plot_panel){ .title = ptitle,
			.x = { .label = xl, .log = logx, .fixed = PLOT_MIN | PLOT_MAX, .min = xr[0],
			       .max = xr[1], .rotate = -30,
			       /* a few whole values: a tic each */
			       .step = !logx && ps[i]->scale == 1 && xr[1] - xr[0] <= 12 ? 1 : 0 },
			.y = { .label = "round trips (log scale)", .log = 1, .fixed = PLOT_MIN, .min = 0.7 },
			.key = PLOT_KEY_NONE });
		plot_add(p, &(struct plot_series){ .kind = PLOT_BOXES, .colour = "#3060a0", .n = bs.n,
						   .x = bs.centre, .y = bs.count, .w = bs.width });
	}
	if (!ret)
		ret = plot_draw(p);
	plot_free(p);
	return ret;
}

/*
 * dir/<b>-phases.png: b's phases (and the round trip), each as a box p5..p95, its median,
 * whiskers min..max and p99, log scale: when results.json has no histogram per phase.
 * *rare: some phase shown is not per exit (marked '*').
 */
static int tr_box_plot(const struct results *r, const struct res_bench *b, const struct tr_bench *t,
		       const char *dir, int *rare)
{
	char pn[TR_MAX_PHASES + 1][64], bn[64], name[80], title[256];
	const struct tr_stat *ps[TR_MAX_PHASES + 1];
	double v[6][TR_MAX_PHASES + 1];
	const char *labels[TR_MAX_PHASES + 1];
	size_t n = tr_chart_phases(t, ps, pn, rare);
	struct plot *p;
	int ret;

	if (!n)
		return -EIO;
	/* p5 min max p95 median p99; log scale: values < 0.5 drawn at 0.5 */
	for (size_t i = 0; i < n; i++) {
		double f[6] = { ps[i]->p5, ps[i]->min, ps[i]->max, ps[i]->p95, ps[i]->median,
				ps[i]->p99 };

		for (int k = 0; k < 6; k++)
			v[k][i] = isfinite(f[k]) ? fmax(f[k], 0.5) : f[4];
		labels[i] = pn[i];
	}
	plot_safe_name(bn, sizeof(bn), b->name);
	snprintf(name, sizeof(name), "%s-phases", bn);
	snprintf(title, sizeof(title), "%s: each phase over its round trips (%.0f timed%s)", bn,
		 tr_round_trips(t), res_icount(r) ? ", instruction-count mode" : "");
	if ((ret = plot_new(&(struct plot_figure){ .dir = dir, .name = name, .width = 960,
						   .height = 540, .title = title }, &p)))
		return ret;
	plot_panel(p, &(struct plot_panel){
		.x = { .fixed = PLOT_MIN | PLOT_MAX, .min = -0.7, .max = (double)n - 0.7, .rotate = -30 },
		.y = { .label = "timebase ticks (log scale)", .log = 1, .grid = 1 },
		.key = PLOT_KEY_TOP_LEFT, .fill = 0.35, .box_width = 0.5 });
	plot_add(p, &(struct plot_series){ .kind = PLOT_CANDLES, .n = n, .labels = labels,
		.lo = v[0], .wlo = v[1], .whi = v[2], .hi = v[3], .whisker_bars = 0.6,
		.colour = "#3060a0", .title = "box p5-p95, whiskers min-max" });
	plot_add(p, &(struct plot_series){ .kind = PLOT_CANDLES, .n = n, .lo = v[4], .wlo = v[4],
		.whi = v[4], .hi = v[4], .line_width = 2, .colour = "black", .title = "median" });
	plot_add(p, &(struct plot_series){ .kind = PLOT_POINTS, .n = n, .y = v[5], .point_type = 2,
		.point_size = 1.3, .colour = "#c03030", .title = "p99" });
	ret = plot_draw(p);
	plot_free(p);
	return ret;
}

static void tr_phase_section(FILE *f, const struct results *r, const struct tr_bench *t,
			     const char *dir, struct chart_state *ps)
{
	int any_path = 0, any_stock = 0, ret, rare, hist = 0;
	size_t bars = 0, box;

	for (size_t i = 0; i < r->n; i++) {
		any_path |= t[i].nphase > 0;
		any_stock |= !t[i].nphase && t[i].has_e2r;
	}
	if (!any_path && !any_stock)
		return;
	fprintf(f, "\n## Round trip by phase\n\n");
	if (!any_path) {
		fprintf(f, "The trace of this run has no phase stamps: the kernel is stock, its "
			"`kvm_exit` → `kvm_book3s_reenter` pair times kvmppc_handle_exit_pr alone, not "
			"the round trip (the instrumented kvm-pr does: `make bench INSTRUMENT=1 TRACE=1`).\n\n");
		for (size_t i = 0; i < r->n; i++)
			if (t[i].has_e2r)
				tr_stock_line(f, &r->b[i], &t[i]);
		return;
	}
	fprintf(f, "From the trace of this run (`exitbench trace --results`): the instrumented kvm-pr's "
		"`kvm_pr:kvm_pr_exit_timing` stamps the timebase at each transition of a guest round "
		"trip (the whole time from the end of the previous round trip, its exit handled, to the "
		"end of this one); one row per phase, in path order, in timebase ticks "
		"(count: the round trips that passed through it%s); `round_trip` is their total. Share "
		"of time: the phase's total over all round trips ÷ the total of all phases.\n\n",
		res_icount(r) ? "; median (instructions): ticks / 0.512 = ticks × 1.953125, the "
		"guest instructions they stand for in instruction-count mode" : "");
	fprintf(f, "- `trace` is the previous exit's own `kvm_pr_exit_timing` event: the "
		"instrumentation's cost, inside the measured path (a kernel without the event has no "
		"such phase).\n");
	fprintf(f, "- `vcpu_run` (from the ioctl to the guest loop) happens once per KVM_RUN, not "
		"per exit: a phase counted in fewer than 1%% of the round trips is marked *not per "
		"exit* and left out of the per-exit sum of medians.\n");
	fprintf(f, "- A sum of medians is not the median of the sum, but with these narrow "
		"distributions it comes close.\n");
	for (size_t i = 0; i < r->n; i++) {
		if (t[i].nphase)
			tr_phase_table(f, r, &r->b[i], &t[i]);
		else if (t[i].has_e2r)
			tr_stock_line(f, &r->b[i], &t[i]);
	}

	ret = ps->missing ? -ENOENT : chart_done(ps, tr_stack_plot(r, t, dir, &bars));
	if (!ret && bars) {
		fprintf(f, "\n![Round trip by phase](phases.png)\n\nEach bar is one benchmark's mean "
			"round trip, its phases stacked in path order from the bottom; a segment is the "
			"phase's **mean** per round trip (its total time ÷ the round trips timed, so a "
			"once-per-run phase such as `vcpu_run` is spread over all of them), so the stack "
			"adds up to the mean round trip (the label), not to the sum of medians above.");
		size_t left = 0;

		for (size_t i = 0; i < r->n; i++)
			if (t[i].nphase && !tr_in_stack(r, t, i))
				fprintf(f, "%s%s", left++ ? ", " : " Left out, as not measured or making no "
					"exits in their loop (their round trips are not the loop's): ", r->b[i].name);
		fprintf(f, "%s\n", left ? "." : "");
	} else if (bars || ret) {
		fprintf(f, "\nChart of the phases not drawn: %s.\n", *ps->problem);
	}

	box = tr_box_pick(r, t);
	if (box == r->n)
		return;
	/* real histograms when the phases carry them, else the box chart from their figures */
	if (ps->missing)
		ret = -ENOENT;
	else if ((ret = tr_hist_plot(r, &r->b[box], &t[box], dir, &rare)) == 1)
		ret = tr_box_plot(r, &r->b[box], &t[box], dir, &rare);
	else
		hist = 1;
	ret = chart_done(ps, ret);
	if (ret) {
		fprintf(f, "\nChart of %s's phases not drawn: %s.\n", r->b[box].name, *ps->problem);
		return;
	}
	{
		char bn[64];

		plot_safe_name(bn, sizeof(bn), r->b[box].name);
		if (hist) {
			fprintf(f, "\n![%s by phase](%s-phases.png)\n\n%s's phases, one panel each: "
				"the histogram of the phase's values over its round trips, from the "
				"`histogram` results.json keeps for each phase (the one the median, "
				"percentiles and count above come from); x in %s (log scale in a panel whose "
				"values span more than a decade, one bar a value where they are few), y the "
				"round trips (log scale); each panel's title gives its median and count%s.\n",
				r->b[box].name, bn, r->b[box].name, TR_TICKS,
				rare ? "; * not per exit (fewer than 1% of the round trips)" : "");
			return;
		}
		fprintf(f, "\n![%s by phase](%s-phases.png)\n\n%s's phases, each over its round trips: "
			"the box spans p5 to p95, the bar is the median, the whiskers reach the minimum "
			"and maximum, × marks p99; log scale%s. Not a histogram: this results.json keeps "
			"only these figures per phase (merged by an `exitbench trace` that did not yet "
			"write each phase's `histogram`; merging the trace again adds them).\n", r->b[box].name, bn, r->b[box].name,
			rare ? "; * not per exit (fewer than 1% of the round trips)" : "");
	}
}

static void tr_reason_table(FILE *f, const struct tr_bench *t)
{
	const char *unit = t->nreason ? short_unit(t->reason[0].st.unit) : "ticks";

	fprintf(f, "| reason | vector | count | share of time | median (%s) | p5 | p95 | p99 | "
		"resumed |\n", unit);
	fprintf(f, "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t j = 0; j < t->nreason; j++) {
		const struct tr_reason *x = &t->reason[j];
		char c[6][32], vec[24], share[32], resumed[160] = "";
		size_t used = 0;

		if (x->vector >= 0)
			snprintf(vec, sizeof(vec), "0x%llx", x->vector);
		else
			snprintf(vec, sizeof(vec), "-");
		if (!isfinite(x->share))
			snprintf(share, sizeof(share), "-");
		else if (x->share > 0 && x->share < 0.0001)
			snprintf(share, sizeof(share), "< 0.01%%");
		else
			snprintf(share, sizeof(share), "%.2f%%", 100 * x->share);
		for (int k = 0; k < 4; k++)
			if (x->resume[k] > 0 && used < sizeof(resumed))
				used += snprintf(resumed + used, sizeof(resumed) - used, "%s%s %.0f",
						 used ? ", " : "", tr_resume_names[k], x->resume[k]);
		fmt_num(c[0], 32, x->st.count);
		if (isfinite(x->timed) && x->timed < x->st.count) {
			size_t l = strlen(c[0]);

			snprintf(c[0] + l, 32 - l, " (%.0f timed)", x->timed);
		}
		fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", x->st.name, vec, c[0],
			share, fmt_num(c[1], 32, x->st.median), fmt_num(c[2], 32, x->st.p5),
			fmt_num(c[3], 32, x->st.p95), fmt_num(c[4], 32, x->st.p99),
			used ? resumed : "-");
	}
}

static void tr_reason_section(FILE *f, const struct results *r, const struct tr_bench *t)
{
	int any = 0;

	for (size_t i = 0; i < r->n; i++)
		any |= t[i].nreason || t[i].has_trace;
	if (!any)
		return;
	fprintf(f, "\n## Exits by reason\n\n");
	fprintf(f, "From the trace of this run: each benchmark's exits by exit vector (the kernel's "
		"name for it), largest share of time first. count: the exits seen (fewer may be timed); "
		"share of time: the reason's part of the benchmark's timed total; percentiles over the "
		"reason's exits; resumed: how the handler went on (guest: RESUME_GUEST; guest_nv: "
		"RESUME_GUEST_NV, the heavyweight return through the non-volatile registers; host: out "
		"to the VMM).\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct tr_bench *x = &t[i];
		/* the exit reasons say what they timed; a trace without them, its source */
		enum res_timed of = x->nreason ? x->reason[0].of : x->timed;
		char c[2][32];

		if (!x->nreason && !x->has_trace)
			continue;
		fprintf(f, "\n### %s\n\n", r->b[i].name);
		if (of == RES_TIMED_ROUND_TRIP)
			fprintf(f, "Timed by `kvm_pr:kvm_pr_exit_timing` (the instrumented kernel): each "
				"exit's **whole round trip** (from the end of the previous one through the entry, "
				"the guest, this exit and its handling), in timebase ticks.");
		else if (of == RES_TIMED_EXIT_REENTER)
			fprintf(f, "Timed by `kvm_pr:kvm_exit` → `kvm_pr:kvm_book3s_reenter` (the stock "
				"tracepoints): **only kvmppc_handle_exit_pr**, the host's handling of the exit, "
				"in %s; not the round trip (the entry, the guest and the real-mode exit path are "
				"outside it).", x->nreason ? x->reason[0].st.unit : "trace clock units");
		else
			fprintf(f, "Timed by %s.", x->source && *x->source ? x->source : "an unnamed source");
		if (x->has_trace)
			fprintf(f, " %s repetition%s marked, %s exit%s%s%s%s.", fmt_num(c[0], 32, x->reps),
				plural(x->reps), fmt_num(c[1], 32, x->exits), plural(x->exits),
				*x->file ? " (`" : "", x->file, *x->file ? "`)" : "");
		fprintf(f, "\n\n");
		if (x->nreason)
			tr_reason_table(f, x);
		else
			fprintf(f, "No exit of this benchmark in the trace.\n");
	}
}

/* ---- sweeps: one benchmark file over one parameter's values ---- */

/* dir/sweep-<file>-<param>.png: the figures over the parameter, the fitted line, the reference */
static int sweep_plot(const struct results *r, const struct sweep *w, const char *dir,
		      const char *name)
{
	double x[SWEEP_MAX_POINTS], y[SWEEP_MAX_POINTS], ox[SWEEP_MAX_POINTS], oy[SWEEP_MAX_POINTS];
	double lx[2], ly[2], rx[2], ry[2];
	size_t n = 0, no = 0;
	char title[256], xl[64], rt[96];
	struct plot *p;
	int ret;

	for (size_t i = 0; i < w->n; i++) {
		if (w->p[i].fitted) {
			x[n] = w->p[i].value;
			y[n++] = w->p[i].figure;
		} else {
			ox[no] = w->p[i].value;
			oy[no++] = w->p[i].figure;
		}
	}
	lx[0] = rx[0] = w->p[0].value;
	lx[1] = n ? x[n - 1] : w->p[0].value;
	rx[1] = w->p[w->n - 1].value;
	for (int k = 0; k < 2; k++)
		ly[k] = w->intercept + w->slope * lx[k];
	text_fmt(title, sizeof(title), "%s by %s: %.3f ticks each (%s%s)", w->file, w->param,
		 w->slope, mode_name(r), res_icount(r) ? ", instruction-count mode" : "");
	snprintf(xl, sizeof(xl), "%s", w->param);
	ret = plot_new(&(struct plot_figure){ .dir = dir, .name = name, .width = 800, .height = 480,
					      .title = title }, &p);
	if (ret)
		return ret;
	plot_panel(p, &(struct plot_panel){ .x = { .label = xl, .grid = 1 },
		.y = { .label = "timebase ticks per iteration", .grid = 1 },
		.key = PLOT_KEY_TOP_LEFT });
	plot_add(p, &(struct plot_series){ .kind = PLOT_POINTS, .title = "measured", .colour = "#3060a0",
					   .point_type = 7, .point_size = 1.3, .n = n, .x = x, .y = y });
	if (isfinite(w->slope))
		plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = "least squares",
						   .colour = "#3060a0", .n = 2, .x = lx, .y = ly });
	if (no)
		plot_add(p, &(struct plot_series){ .kind = PLOT_POINTS, .title = "not fitted (past the top)",
						   .colour = "#c03030", .point_type = 6, .point_size = 1.5,
						   .n = no, .x = ox, .y = oy });
	if (w->reference) {
		ry[0] = ry[1] = w->reference_figure;
		snprintf(rt, sizeof(rt), "%s (real mode)", w->reference->name);
		plot_add(p, &(struct plot_series){ .kind = PLOT_LINE, .title = rt, .colour = "#808080",
						   .dashed = 1, .n = 2, .x = rx, .y = ry });
	}
	ret = plot_draw(p);
	plot_free(p);
	return ret;
}

/* sw[n]: the run's sweeps (sweep_find) */
static void sweep_section(FILE *f, const struct results *r, const struct sweep *sw, size_t n,
			  const char *dir, struct chart_state *cs)
{

	for (size_t k = 0; k < n; k++) {
		const struct sweep *w = &sw[k];
		char name[128], safe[128];

		fprintf(f, "\n## %s by %s\n\n", w->file, w->param);
		fprintf(f, "One benchmark file, one line of the suite a value of its parameter `%s`; "
			"each figure is the median over runs of the run's figure (as the history and "
			"the bisection take it).\n\n", w->param);
		fprintf(f, "| %s | ticks an iteration | exits an iteration | |\n|---:|---:|---:|---|\n",
			w->param);
		for (size_t i = 0; i < w->n; i++)
			fprintf(f, "| %.0f | %.3f | %.4f | %s |\n", w->p[i].value, w->p[i].figure,
				w->p[i].b->exits_per_iteration, w->p[i].fitted ? "" : "not fitted");
		if (isfinite(w->slope)) {
			fprintf(f, "\nLeast squares over the %zu fitted points: **%.3f ticks for each one "
				"more of `%s`**", w->nfit, w->slope, w->param);
			if (isfinite(w->slope_lo))
				fprintf(f, " (95%% interval [%.4f, %.4f])", w->slope_lo, w->slope_hi);
			fprintf(f, ", %.1f ns", res_ns(r, w->slope));
			if (res_icount(r))
				fprintf(f, ", %.2f instructions (0.512 ticks an instruction)",
					w->slope / 0.512);
			fprintf(f, "; at %s 0 the line gives %.3f ticks.", w->param, w->intercept);
		}
		if (w->reference)
			fprintf(f, " The same loop in real mode, %s: %.3f ticks.", w->reference->name,
				w->reference_figure);
		fputc('\n', f);
		size_t hdr = 0;

		for (size_t i = 0; i < w->n; i++) {
			if (w->p[i].fitted)
				continue;
			fprintf(f, "%s%s=%.0f (%.3f)", hdr++ ? ", " : "\nNot fitted, after the top, more "
				"than 1% below it and every run below every run of the top (the line does "
				"not hold there: a limit of the host, such as kvm-pr's shadow SLB filling "
				"up and being flushed): ", w->param, w->p[i].value, w->p[i].figure);
		}
		if (hdr)
			fprintf(f, ".\n");
		text_fmt(name, sizeof(name), "sweep-%s-%s", w->file, w->param);
		plot_safe_name(safe, sizeof(safe), name);
		if (!cs->missing && !chart_done(cs, sweep_plot(r, w, dir, safe)))
			fprintf(f, "\n![%s by %s](%s.png)\n", w->file, w->param, safe);
		else
			fprintf(f, "\nPlot not drawn: %s.\n", *cs->problem);
	}
}

/* ---- the Linux guest beside the bare guest ---- */

/* the bare guest's live segments: its image (ESID 0) and its doorbell page (guest-kernels) */
#define BARE_SEGMENTS 2

/* sw[nsw]: the run's sweeps (sweep_find), one of which may give a segment's cost */
static void lg_section(FILE *f, const struct results *r, const struct sweep *sw, size_t nsw)
{
	size_t rows = 0;
	const struct sweep *seg = NULL;
	struct stats_summary sl, sb;
	const struct res_bench *best = NULL, *best_bare = NULL;
	double best_l = 0, best_b = 0;

	for (size_t k = 0; k < nsw; k++)
		if (!strcmp(sw[k].param, "segments") && isfinite(sw[k].slope))
			seg = &sw[k];
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i], *bare;

		if (strcmp(b->guest, "linux") || res_figure(r, b, &sl, NULL, NULL))
			continue;
		if (!rows++) {
			fprintf(f, "\n## The Linux guest beside the bare guest\n\n");
			fprintf(f, "The same loop in a Linux guest's kernel (%s, QEMU with PR KVM, "
				"translation on) and in the bare guest kernel (real mode). Each figure is "
				"the median over runs of the run's figure, as the history and the "
				"bisection take it (in instruction-count mode a run's median batch). "
				"SLB entries: the Linux guest's valid SLB entries at "
				"the loop's end (the most of any repetition), the segments kvm-pr's shadow "
				"SLB can hold for it; the bare guest has %d.\n\n",
				b->guest_kernel[0] ? b->guest_kernel : "?", BARE_SEGMENTS);
			fprintf(f, "| benchmark | ticks | 1,000,000 iterations | bare guest | ticks | "
				"difference | SLB entries |\n|---|---:|---:|---|---:|---:|---:|\n");
		}
		bare = res_find((struct results *)r, b->name + strlen(EB_LG_PREFIX));
		fprintf(f, "| %s | %.2f | %.1f ms |", b->name, sl.median, res_ns(r, sl.median));
		if (bare && !res_figure(r, bare, &sb, NULL, NULL)) {
			fprintf(f, " %s | %.2f | %+.2f (%+.1f%%) |", bare->name, sb.median,
				sl.median - sb.median, 100 * (sl.median - sb.median) / sb.median);
			if (b->claimed_exits_per_iteration && b->guest_slb_valid &&
			    (!best || !strcmp(b->name, EB_LG_PREFIX "pvr"))) {
				best = b, best_bare = bare;
				best_l = sl.median, best_b = sb.median;
			}
		} else {
			fprintf(f, " (not in this run) | | |");
		}
		if (b->guest_slb_valid)
			fprintf(f, " %u |\n", b->guest_slb_valid);
		else
			fprintf(f, " |\n");
	}
	if (!rows)
		return;
	fprintf(f, "\n1,000,000 iterations: the figure times a million, in ms of this host's "
		"timebase%s.\n", emulated(r) ? " (emulated: not a POWER machine's time)" : "");
	if (!best)
		return;
	if (!seg) {
		fprintf(f, "\nHow much of the difference the live segments explain needs their cost: "
			"no segments sweep in this run (configs/suites/linux-guest has one).\n");
		return;
	}
	double d = best_l - best_b;
	int more = (int)best->guest_slb_valid - BARE_SEGMENTS;
	double part = seg->slope * (more > 0 ? more : 0);

	fprintf(f, "\nkvm-pr loads each live segment into the SLB on every guest entry; in this "
		"run one costs %.3f ticks (%s by %s). %s is %+.2f ticks over %s: %.1f segments' "
		"worth. Its guest's SLB held %u entries at the loop's end, %d more than the bare "
		"guest's %d", seg->slope, seg->file, seg->param, best->name, d, best_bare->name,
		d / seg->slope, best->guest_slb_valid, more, BARE_SEGMENTS);
	if (d <= part)
		fprintf(f, ": they can explain all of the difference (all live on every entry, "
			"they would cost %.2f ticks; the shadow SLB holds only the segments touched "
			"since kvm-pr last flushed it).\n", part);
	else
		fprintf(f, ": they explain at most %.2f ticks (%.0f%%); the other %.2f are the "
			"Linux guest's own (its loop, its state on the way in and out).\n", part,
			100 * part / d, d - part);
}

int report_write(const struct results *r, const char *dir, const char **plot_problem)
{
	struct chart_state ps = { .problem = plot_problem };
	static struct sweep sw[8];
	size_t nsw;
	struct tr_bench *t;
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
	t = tr_load(r);

	fprintf(f, "# exitbench report: %s\n\n", r->run_id[0] ? r->run_id : "(unnamed run)");
	if (emulated(r)) {
		fprintf(f, "> **Emulated times.** These figures come from a POWER8 emulated by QEMU (%s) on "
			"%s, not from POWER hardware. ", env_str(r, "qemu_version"), env_str(r, "build_host"));
		if (res_icount(r))
			fprintf(f, "They were taken in instruction-count mode (`-icount shift=0`): the "
				"timebase advances 0.512 ticks per guest instruction, so a tick stands for "
				"1.953 instructions executed, deterministic across boots. Compare them only "
				"with other instruction-count runs.\n\n");
		else
			fprintf(f, "Plain emulation: times follow the emulator's wall clock and vary from run "
				"to run; use them to exercise the path, not as absolute figures.\n\n");
	}
	if (!strcmp(env_str(r, "mode"), "native"))
		native_note(f, r);
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
	nsw = sweep_find(r, sw, 8);
	sweep_section(f, r, sw, nsw, dir, &ps);
	lg_section(f, r, sw, nsw);
	if (t) {
		tr_phase_section(f, r, t, dir, &ps);
		tr_reason_section(f, r, t);
		tr_free(t, r->n);
	}
	pmu_section(f, r);

	fprintf(f, "\n## What each benchmark does\n\n");
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "- **%s** (%s, %llu iterations x %llu repetitions): %s\n", r->b[i].name,
			r->b[i].exit_kind, (unsigned long long)r->b[i].iterations,
			(unsigned long long)r->b[i].repetitions, r->b[i].what);

	fprintf(f, "\n## Histograms\n\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct res_bench *b = &r->b[i];
		char file[EB_NAME_LEN];
		int ret;

		if (b->status != RES_OK || b->nbatch == 0)
			continue;
		plot_safe_name(file, sizeof(file), b->name);
		ret = plots_ok && !ps.missing ? bench_plot(r, b, dir, file) : -ENOENT;
		if (ret) {
			plots_ok = 0;
			*plot_problem = plot_strerror(ret);
			continue;
		}
		fprintf(f, "![%s](%s.png)\n\n", b->name, file);
	}
	if (!plots_ok)
		fprintf(f, "Histograms not drawn: %s.\n", *plot_problem);
	environment(f, r);
	return fclose(f) ? -errno : 0;
}
