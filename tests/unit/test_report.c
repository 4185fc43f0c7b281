// SPDX-License-Identifier: MIT
/*
 * report.md's PMU section: the counts, and what it says when events said no or none were taken;
 * the trace's sections (Round trip by phase, Exits by reason) from results.json files that
 * `exitbench trace --results` merged them into (tests/data/report-*.json: cut from real runs,
 * instrumented and stock kernel, -icount shift=0), and their absence from older files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>

#include "../../analysis/hist.h"
#include "../../analysis/report.h"

static char dir[64];
static char text[65536];
static char datadir[1024];

static int setup(void **state)
{
	char self[1024];

	(void)state;
	snprintf(self, sizeof(self), "%s", __FILE__);
	snprintf(datadir, sizeof(datadir), "%s/../data", dirname(self));
	snprintf(dir, sizeof(dir), "/tmp/exitbench-report-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *data(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return path;
}

/* a measured benchmark without batch values (so no plot is drawn) */
static struct res_bench *bench(struct results *r, const char *name, uint32_t exits)
{
	struct res_bench *b = res_add(r, name);

	b->iterations = 1000;
	b->batches = 10;
	b->repetitions = 3;
	b->claimed_exits_per_iteration = exits;
	b->exits_per_iteration = exits;
	for (int i = 0; i < 3; i++)
		res_push_run(b, exits ? 590 + i : 1.6);
	return b;
}

/* dir/report.md into text */
static const char *read_report(void)
{
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	assert_true(n < sizeof(text) - 1);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* the report of r, its PMU section in text */
static const char *pmu_section(struct results *r)
{
	const char *plot_problem, *s;

	res_derive(r);
	assert_int_equal(report_write(r, dir, &plot_problem), 0);
	s = strstr(read_report(), "## PMU counts per iteration");
	assert_non_null(s);
	return s;
}

static void env(struct results *r, const char *pmu_library)
{
	res_env_set_str(r, "mode", "emulated");
	res_env_set_bool(r, "instruction_count_mode", 1);
	res_env_set_int(r, "tb_hz", 512000000);
	if (pmu_library)
		res_env_set_str(r, "pmu_library", pmu_library);
}

static void counts_and_refusals(void **state)
{
	struct results r;
	struct res_pmu *p;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	p = res_pmu_get(bench(&r, "null", 0), "instructions");
	res_pmu_push(p, 3.5, NAN, 1);
	p = res_pmu_get(&r.b[0], "PM_RUN_CYC:k");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	bench(&r, "pvr", 1);
	p = res_pmu_get(&r.b[1], "instructions");
	res_pmu_push(p, 760.5, 760.5, 1);
	res_pmu_push(p, 760.5, 760.5, 0.75);	/* multiplexed once */
	p = res_pmu_get(&r.b[1], "cycles");
	res_pmu_push(p, 1153.5, 1153.5, 1);
	p = res_pmu_get(&r.b[1], "PM_RUN_CYC:k");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	p = res_pmu_get(&r.b[1], "PM_CYC:u");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such file or directory");
	p = res_pmu_get(&r.b[1], "PM_RUN_INST_CMPL");
	snprintf(p->status, sizeof(p->status), "unsupported: libpfm4: event not found");
	p = res_pmu_get(&r.b[1], "PM_INST_CMPL");
	snprintf(p->problem, sizeof(p->problem), "repetition 0: read: Input/output error");

	s = pmu_section(&r);
	assert_non_null(strstr(s, "| event | null | pvr |"));
	assert_non_null(strstr(s, "| instructions | 3.5 | 760.5 † |"));
	assert_non_null(strstr(s, "| cycles | - | 1153.5 |"));
	/* per exit, net of the null loop */
	assert_non_null(strstr(s, "| instructions | 760.5 (net 757.0) † |"));
	assert_non_null(strstr(s, "multiplexed: counted only part of the repetition (at least 75%"));
	/* events that said no: one line per reason, each event once; none in the tables */
	assert_non_null(strstr(s, "Events not counted:"));
	assert_non_null(strstr(s, "- **PM_RUN_CYC:k**, **PM_CYC:u**: unsupported: perf_event_open: "
				  "No such file or directory\n"));
	assert_non_null(strstr(s, "- **PM_RUN_INST_CMPL**: unsupported: libpfm4: event not found\n"));
	assert_non_null(strstr(s, "- **PM_INST_CMPL**: not counted: repetition 0: read: Input/output error\n"));
	assert_null(strstr(s, "| PM_RUN_CYC:k |"));
	assert_null(strstr(s, "| PM_INST_CMPL |"));
	/* instruction-count mode: the instructions checked against the cycles */
	assert_non_null(strstr(s, "on pvr instructions is 65.9% of cycles"));
	res_free(&r);
}

static void nothing_counted(void **state)
{
	struct results r;
	struct res_pmu *p;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "none: the runner was built without libpfm4");
	bench(&r, "pvr", 1);
	p = res_pmu_get(&r.b[0], "PM_CYC");
	snprintf(p->status, sizeof(p->status),
		 "unsupported: the runner was built without libpfm4 (libpfm4-dev) to name it");
	p = res_pmu_get(&r.b[0], "cycles");
	snprintf(p->status, sizeof(p->status), "unsupported: perf_event_open: No such device "
		 "(no PMU for this event type)");
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: no event counted in any measured "
				  "benchmark (each one's reason below); PMU library: none: the runner "
				  "was built without libpfm4."));
	assert_non_null(strstr(s, "- **PM_CYC**: unsupported: the runner was built without libpfm4"));
	assert_non_null(strstr(s, "- **cycles**: unsupported: perf_event_open: No such device"));
	assert_null(strstr(s, "| event |"));
	res_free(&r);

	/* records of a runner without PMU counts, or run with --pmu off */
	res_init(&r);
	env(&r, NULL);
	bench(&r, "pvr", 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: the records carry none"));
	res_free(&r);
	res_init(&r);
	env(&r, "off: --pmu off");
	res_env_set_bool(&r, "pmu_counting", 0);	/* what the runner records with --pmu off */
	bench(&r, "pvr", 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "No PMU counts were taken: the runner ran with `--pmu off`."));
	res_free(&r);
}

/* :u and :k that each count everything: said so, and left out of the tables */
static void void_split(void **state)
{
	static const char *const ev[] = { "PM_INST_CMPL", "PM_INST_CMPL:u", "PM_INST_CMPL:k" };
	struct results r;
	const char *s;

	(void)state;
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	bench(&r, "pvr", 1);
	for (int i = 0; i < 3; i++)
		res_pmu_push(res_pmu_get(&r.b[0], ev[i]), 758, 758, 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "The user/kernel split is void here.** On pvr, PM_INST_CMPL:u + "
				  "PM_INST_CMPL:k = 2.00 × PM_INST_CMPL"));
	assert_non_null(strstr(s, "| PM_INST_CMPL | 758.0 |"));
	assert_null(strstr(s, "| PM_INST_CMPL:u |"));
	res_free(&r);

	/* a PMU that splits: :u + :k = the whole, shown */
	res_init(&r);
	env(&r, "libpfm4 (API 4.0), core PMU power8");
	bench(&r, "pvr", 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[0]), 1000, 1000, 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[1]), 400, 400, 1);
	res_pmu_push(res_pmu_get(&r.b[0], ev[2]), 600, 600, 1);
	s = pmu_section(&r);
	assert_non_null(strstr(s, "User/kernel split: on pvr, PM_INST_CMPL:u + PM_INST_CMPL:k = "
				  "1.0000 × PM_INST_CMPL"));
	assert_non_null(strstr(s, "| PM_INST_CMPL:k | 600.0 |"));
	res_free(&r);
}

/* the environment table: in order, strings as they are, the rest as JSON text */
static void environment_table(void **state)
{
	const char *plot_problem, *s;
	struct results r;

	(void)state;
	res_init(&r);
	env(&r, NULL);
	res_env_set_json(&r, "comparison", "{\"side\": \"base\", \"rounds\": 3}");
	bench(&r, "pvr", 1);
	res_derive(&r);
	assert_int_equal(report_write(&r, dir, &plot_problem), 0);
	s = strstr(read_report(), "## Environment");
	assert_non_null(s);
	assert_non_null(strstr(s, "| mode | emulated |\n| instruction_count_mode | true |\n"
				  "| tb_hz | 512000000 |\n| comparison | {\"side\": \"base\", \"rounds\": 3} |\n"));
	res_free(&r);
}

/*
 * A native run: the machine from environment.native in one line; an emulated "native" host
 * (make native-check) says first that its times are emulated; a real one does not.
 */
static void native_host(void **state)
{
	static const char machine[] = "{\"pvr\": \"0x004e1202\", \"platform\": \"PowerNV\", "
		"\"firmware\": \"OPAL\", \"mmu\": \"Hash\", \"smt\": 4, \"cpufreq_governor\": "
		"\"performance\", \"cpu_mhz\": 3800, \"kvm_hv_loaded\": true}";
	const char *plot_problem, *s;
	struct results r;

	(void)state;
	for (int emulated = 0; emulated < 2; emulated++) {
		res_init(&r);
		res_env_set_str(&r, "mode", "native");
		res_env_set_bool(&r, "instruction_count_mode", emulated);
		res_env_set_int(&r, "tb_hz", 512000000);
		res_env_set_str(&r, "host", "p9-lab");
		res_env_set_json(&r, "native", machine);
		if (emulated)
			res_env_set_str(&r, "emulator", "qemu-system-ppc64 -M pseries -cpu POWER9");
		bench(&r, "pvr", 1);
		res_derive(&r);
		assert_int_equal(report_write(&r, dir, &plot_problem), 0);
		s = read_report();
		assert_non_null(strstr(s, "Native run on p9-lab: PVR 0x004e1202, PowerNV (OPAL), MMU "
					  "Hash, SMT 4, cpufreq performance at 3800 MHz, kvm-hv loaded "
					  "beside kvm-pr.\n"));
		if (emulated) {
			assert_non_null(strstr(s, "> **Emulated times.** This run took the native path "
						  "(HOST=native) on a host that is itself emulated: "
						  "qemu-system-ppc64 -M pseries -cpu POWER9. Not figures of "
						  "POWER hardware. Instruction-count mode"));
			assert_true(strstr(s, "Emulated times") < strstr(s, "Native run on"));
		} else {
			assert_null(strstr(s, "Emulated"));
		}
		res_free(&r);
	}
}

/* the report of the results.json at path (read as `exitbench report` does), in text */
static const char *report_of(const char *path, const char **plot_problem)
{
	struct results r;
	char err[512];

	if (res_read(path, &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(report_write(&r, dir, plot_problem), 0);
	res_free(&r);
	return read_report();
}

/* the text from s's heading "### name" up to the next heading, NUL-terminated in place */
static char *subsection(char *s, const char *name)
{
	char head[64], *p, *end;

	snprintf(head, sizeof(head), "\n### %s\n", name);
	p = strstr(s, head);
	assert_non_null(p);
	end = strstr(p + 1, "\n#");
	if (end)
		*end = '\0';
	return p;
}

/* each of the strings occurs in s, in this order */
static void in_order(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(s, v[i]);

		if (!at)
			fail_msg("'%s' missing or out of order", v[i]);
		s = at + strlen(v[i]);
	}
}

static int exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st) && st.st_size > 0;
}

/* the instrumented kernel: phases in path order, what they account for, the exit reasons */
static void phases_instrumented(void **state)
{
	static const char *const pvr_rows[] = {
		"| phase | count | median | p5 | p95 | p99 | median (instructions) | share of time |",
		"| vcpu_run (not per exit) | 5 | 262 | 261 | 262 | 262 | 512 | 0.0% |",
		"| trace | 50014 | 472 | 472 | 473 | 473 | 922 | 43.2% |",
		"| loop_entry | 50019 | 20 | 20 | 21 | 21 | 39 | 1.9% |",
		"| copy_to_svcpu | 50019 | 38 |",
		"| trampoline_enter | 50019 | 45 |",
		"| guest | 50019 | 52 |",
		"| realmode_exit | 50019 | 197 | 197 | 198 | 198 | 385 | 18.1% |",
		"| copy_from_svcpu | 50019 | 51 |",
		"| store_nvgprs | 50019 | 22 |",
		"| handle_exit | 50019 | 194 | 194 | 194 | 195 | 379 | 17.8% |",
		"| **round_trip** (total) | 50019 | **1091** | 1091 | 1092 | 1102 | 2131 | 100% |",
		"| sum of the per-exit phase medians | | 1091 | | | | 2131 | 100.0% of round_trip's "
		"median; 99.9% of the guest's |",
		"left out, as counted in fewer than 1% of the round trips: `vcpu_run` (5 of 50019 "
		"round trips)",
		"Without `trace` (the instrumentation's own cost) they add up to 619 ticks.",
		"The guest's own measurement of the same run: 1092.39 ticks per iteration",
		"**phases account for 99.9% of the guest's round trip**",
	};
	const char *plot_problem, *s, *phases, *reasons;
	char *copy;

	(void)state;
	s = report_of(data("report-instrumented.json"), &plot_problem);
	phases = strstr(s, "\n## Round trip by phase\n");
	reasons = strstr(s, "\n## Exits by reason\n");
	assert_non_null(phases);
	assert_non_null(reasons);
	/* after the net cost, before the PMU section */
	assert_true(strstr(s, "## Net cost of one exit") < phases);
	assert_true(phases < reasons);
	assert_true(reasons < strstr(s, "## PMU counts per iteration"));
	assert_non_null(strstr(phases, "`trace` is the previous exit's own `kvm_pr_exit_timing` "
				       "event: the instrumentation's cost"));
	assert_non_null(strstr(phases, "`vcpu_run` (from the ioctl to the guest loop) happens once "
				       "per KVM_RUN, not per exit"));

	copy = strdup(phases);
	in_order(subsection(copy, "pvr"), pvr_rows, sizeof(pvr_rows) / sizeof(pvr_rows[0]));
	free(copy);
	/* mmio: vcpu_run once per exit (each goes out to the VMM), the one trace is not */
	copy = strdup(phases);
	s = subsection(copy, "mmio");
	assert_non_null(strstr(s, "| vcpu_run | 10005 | 105 | 104 | 262 | 262 | 205 | 12.7% |"));
	assert_non_null(strstr(s, "| trace (not per exit) | 1 | 475 |"));
	assert_non_null(strstr(s, "add up to 956 ticks, 100.1% of the round trip's median (955 ticks)"));
	assert_non_null(strstr(s, "**phases account for 27.9% of the guest's round trip**. The rest "
				  "is not stamped: these exits go out to the VMM"));
	free(copy);
	/* null: no exits in the loop, nothing to compare */
	copy = strdup(phases);
	s = subsection(copy, "null");
	assert_non_null(strstr(s, "| trace | 0 | - | - | - | - | - | - |"));
	assert_non_null(strstr(s, "No comparison with the guest's own figure: its loop makes no exits"));
	assert_null(strstr(s, "phases account for"));
	free(copy);

	/* the exit reasons, timed by the instrumented event */
	copy = strdup(reasons);
	s = subsection(copy, "pvr");
	assert_non_null(strstr(s, "Timed by `kvm_pr:kvm_pr_exit_timing` (the instrumented kernel): "
				  "each exit's **whole round trip**"));
	assert_non_null(strstr(s, "5 repetitions marked, 50019 exits (`trace.dat`)."));
	in_order(s, (const char *const[]){
		"| reason | vector | count | share of time | median (ticks) | p5 | p95 | p99 | resumed |",
		"| PROGRAM | 0x700 | 50000 | 99.89% | 1091 | 1091 | 1092 | 1101 | guest_nv 50000 |",
		"| DECREMENTER | 0x900 | 14 | 0.10% | 2645 | 2641 | 10663 | 10713 | guest 14 |",
		"| DATA_STORAGE | 0x300 | 5 | 0.01% | 1329 | 1328 | 1329 | 1329 | host 5 |" }, 4);
	free(copy);

	/* the charts, where gnuplot is */
	if (!plot_problem) {
		assert_non_null(strstr(phases, "![Round trip by phase](phases.png)"));
		assert_non_null(strstr(phases, "a segment is the phase's **mean** per round trip"));
		assert_non_null(strstr(phases, "Left out, as not measured or making no exits in their "
					       "loop (their round trips are not the loop's): null."));
		assert_non_null(strstr(phases, "![pvr by phase](pvr-phases.png)"));
		/* no histogram per phase in this file: the box chart from the percentiles */
		assert_non_null(strstr(phases, "the box spans p5 to p95"));
		assert_null(strstr(phases, "one panel each"));
		assert_true(exists("phases.png"));
		assert_true(exists("pvr-phases.png"));
	} else {
		assert_non_null(strstr(phases, "Chart of the phases not drawn: "));
	}
}

/* the stock kernel: no phases, exit reasons timed by kvm_exit -> kvm_book3s_reenter */
static void phases_stock(void **state)
{
	const char *plot_problem, *s;
	char *copy;

	(void)state;
	s = report_of(data("report-stock.json"), &plot_problem);
	assert_non_null(strstr(s, "## Round trip by phase\n\nThe trace of this run has no phase "
				  "stamps: the kernel is stock"));
	assert_non_null(strstr(s, "- **pvr**: no phase stamps (stock kernel); `kvm_exit` → "
				  "`kvm_book3s_reenter` times kvmppc_handle_exit_pr alone: median 1188 ns "
				  "over 100025 exits."));
	assert_null(strstr(s, "| phase |"));
	assert_null(strstr(s, "phases.png"));
	copy = strdup(strstr(s, "\n## Exits by reason\n"));
	s = subsection(copy, "pvr");
	assert_non_null(strstr(s, "Timed by `kvm_pr:kvm_exit` → `kvm_pr:kvm_book3s_reenter` (the "
				  "stock tracepoints): **only kvmppc_handle_exit_pr**"));
	in_order(s, (const char *const[]){
		"| reason | vector | count | share of time | median (ns) | p5 | p95 | p99 | resumed |",
		"| PROGRAM | 0x700 | 100000 | 99.96% | 1188 | 1184 | 1188 | 1188 | guest_nv 100000 |",
		"| DECREMENTER | 0x900 | 15 | 0.02% | 1052 | 1050 | 1054 | 14632 | guest 15 |" }, 3);
	free(copy);
}

/* results.json without a trace: the report of before, no empty sections */
static void phases_absent(void **state)
{
	char path[128], *before;
	const char *plot_problem, *s;
	struct results r;

	(void)state;
	res_init(&r);
	env(&r, NULL);
	bench(&r, "null", 0);
	bench(&r, "pvr", 1);
	res_derive(&r);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	assert_int_equal(res_write(&r, path), 0);
	assert_int_equal(report_write(&r, dir, &plot_problem), 0);
	before = strdup(read_report());
	s = report_of(path, &plot_problem);
	assert_string_equal(s, before);
	assert_null(strstr(s, "Round trip by phase"));
	assert_null(strstr(s, "Exits by reason"));
	assert_null(strstr(s, "phases.png"));
	assert_false(exists("phases.png"));
	free(before);
	res_free(&r);
}

/* what the trace merged, sparse: figures of none, empty parts, an unknown source */
static void phases_sparse(void **state)
{
#define FIGS(median) "\"median\": " median ", \"p5\": " median ", \"p95\": " median ", \"p99\": " \
	median ", \"min\": " median ", \"max\": " median
	static const char sparse[] =
		"{\"schema_version\": 3, \"environment\": {\"tb_hz\": 512000000}, \"benchmarks\": ["
		"{\"name\": \"pvr\", \"status\": \"ok\", \"iterations\": 10, \"repetitions\": 1, "
		" \"claimed_exits_per_iteration\": 1, \"runs\": [1000],"
		" \"phases\": [{\"name\": \"guest\", \"count\": 0, " FIGS("null") ", \"sum\": 0, "
		"  \"unit\": \"timebase ticks\"},"
		"  {\"name\": \"handle_exit\", \"count\": 10, " FIGS("200") ", \"sum\": 2000, "
		"  \"unit\": \"timebase ticks\"},"
		"  {\"name\": \"round_trip\", \"count\": 10, " FIGS("0") ", \"sum\": 2000, "
		"  \"unit\": \"timebase ticks\"}],"
		" \"exit_reasons\": [{\"reason\": \"PROGRAM\", \"count\": 0, " FIGS("null") ", \"sum\": 0, "
		"  \"unit\": \"timebase ticks\", \"timed\": 0, \"vector\": 1792, \"share\": null, "
		"  \"of\": \"round_trip\", \"resume\": {\"guest\": 0, \"guest_nv\": 0, \"host\": 0, "
		"  \"error\": 0}}]},"
		"{\"name\": \"spr\", \"status\": \"ok\", \"iterations\": 10, \"repetitions\": 1, \"runs\": [1],"
		" \"trace\": {\"file\": \"\", \"repetitions_marked\": 3, \"exits\": 0, \"source\": \"perf\"}},"
		"{\"name\": \"hcall\", \"status\": \"ok\", \"iterations\": 10, \"repetitions\": 1, \"runs\": [1],"
		" \"phases\": [], \"exit_reasons\": []}]}";
	char path[128];
	const char *plot_problem, *s;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(sparse, f);
	fclose(f);
	s = report_of(path, &plot_problem);
	assert_non_null(strstr(s, "| guest | 0 | - | - | - | - | - |"));
	assert_non_null(strstr(s, "| handle_exit | 10 | 200 |"));
	assert_non_null(strstr(s, "**phases account for 20.0% of the guest's round trip**"));
	assert_non_null(strstr(s, "| PROGRAM | 0x700 | 0 | - | - | - | - | - | - |"));
	assert_non_null(strstr(s, "### spr\n\nTimed by perf. 3 repetitions marked, 0 exits."));
	assert_non_null(strstr(s, "No exit of this benchmark in the trace."));
	assert_null(strstr(s, "### hcall"));
}

/* no gnuplot: the tables, and why the charts are missing */
static void phases_without_gnuplot(void **state)
{
	const char *plot_problem, *s;
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	(void)state;
	setenv("PATH", "/nonexistent", 1);
	s = report_of(data("report-instrumented.json"), &plot_problem);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	assert_non_null(plot_problem);
	assert_string_equal(plot_problem, "gnuplot not found (apt-get install gnuplot-nox)");
	assert_non_null(strstr(s, "**phases account for 99.9% of the guest's round trip**"));
	assert_non_null(strstr(s, "Chart of the phases not drawn: gnuplot not found"));
	assert_non_null(strstr(s, "Chart of pvr's phases not drawn: gnuplot not found"));
	assert_false(exists("phases.png"));
}

/*
 * phases with their "histogram" (report-instrumented-hist.json: pvr and null of a real run,
 * merged by exitbench trace --results): each read back to the phase's own count and median,
 * and pvr-phases.png draws them, one panel a phase
 */
static void phases_histograms(void **state)
{
	const char *plot_problem, *s;
	struct results r;
	size_t hists = 0;
	char err[256];

	(void)state;
	if (res_read(data("report-instrumented-hist.json"), &r, err, sizeof(err)))
		fail_msg("%s", err);
	for (size_t i = 0; i < r.n; i++) {
		const struct res_trace *t = &r.b[i].trace;

		for (size_t k = 0; k < t->nphase; k++) {
			const struct res_phase *p = &t->phase[k];

			if (!p->st.count) {
				assert_null(p->hist);
				continue;
			}
			assert_non_null(p->hist);
			assert_int_equal(p->hist_scale, 1);
			assert_int_equal(hist_total_count(p->hist), p->st.count);
			assert_int_equal(hist_value_at_percentile(p->hist, 50), p->st.median);
			assert_int_equal(hist_min(p->hist), p->st.min);
			assert_int_equal(hist_max(p->hist), p->st.max);
			hists++;
		}
	}
	res_free(&r);
	assert_true(hists >= 20);

	s = report_of(data("report-instrumented-hist.json"), &plot_problem);
	s = strstr(s, "\n## Round trip by phase\n");
	assert_non_null(s);
	if (plot_problem) {
		assert_non_null(strstr(s, "Chart of pvr's phases not drawn: "));
		return;
	}
	assert_non_null(strstr(s, "![pvr by phase](pvr-phases.png)\n\npvr's phases, one panel each: "
				  "the histogram of the phase's values over its round trips"));
	assert_null(strstr(s, "the box spans p5 to p95"));
	assert_true(exists("pvr-phases.png"));
	assert_true(exists("plots/pvr-phases.dat"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(void_split, setup, teardown),
		cmocka_unit_test_setup_teardown(environment_table, setup, teardown),
		cmocka_unit_test_setup_teardown(native_host, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_instrumented, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_stock, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_sparse, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_without_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(phases_histograms, setup, teardown),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
