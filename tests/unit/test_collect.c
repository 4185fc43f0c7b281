// SPDX-License-Identifier: MIT
/* Raw records into results: what is kept when the records are cut short or damaged. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../analysis/collect.h"
#include "../../analysis/trace.h"
#include "../../analysis/hist.h"

#define ENV "{\"type\":\"env\",\"record_format\":2,\"tb_hz\":512000000,\"kernel_release\":\"6.1.192\"}\n"
#define BENCH(n, kind, claimed) "{\"type\":\"bench\",\"bench\":\"" n "\",\"exit_kind\":\"" kind \
	"\",\"claimed_exits_per_iteration\":" #claimed ",\"iterations\":200,\"batches\":2,\"repetitions\":2}\n"
#define EXITS(sum, emul, mmio) "\"exits\":{\"sum_exits\":" #sum ",\"emulated_inst_exits\":" #emul \
	",\"mmio_exits\":" #mmio ",\"syscall_exits\":0,\"dec_exits\":0,\"ext_intr_exits\":0," \
	"\"pf_storage\":0,\"pf_instruc\":0,\"sp_storage\":0,\"sp_instruc\":0,\"user\":0,\"doorbells\":1}"
#define REP(n, r, t0, t1, ex) "{\"type\":\"rep\",\"bench\":\"" n "\",\"rep\":" #r \
	",\"iterations\":200,\"batches\":2,\"rep_ticks\":999999,\"batch_ticks\":[" #t0 "," #t1 "]," ex "}\n"

static int collect_variant(const char *text, const char *variant, struct results *r,
			   struct collect_report *rep)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	res_init(r);
	ret = collect_records(f, "rec", variant, r, rep);
	fclose(f);
	return ret;
}

static int collect(const char *text, struct results *r, struct collect_report *rep)
{
	return collect_variant(text, NULL, r, rep);
}

static const char good[] = ENV
	BENCH("null", "none", 0) REP("null", 0, 160, 162, EXITS(1, 0, 1)) REP("null", 1, 160, 160, EXITS(1, 0, 1))
	BENCH("pvr", "emulated-instruction", 1) REP("pvr", 0, 60000, 60100, EXITS(201, 200, 1))
	REP("pvr", 1, 60000, 60000, EXITS(201, 200, 1))
	"{\"type\":\"bench\",\"bench\":\"papr-hcall\",\"exit_kind\":\"papr-hcall\",\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":2}\n"
	REP("papr-hcall", 0, 500, 500, EXITS(1, 0, 1))
	"{\"type\":\"skip\",\"bench\":\"papr-hcall\",\"what\":\"not-measurable\",\"reason\":\"0 exits\"}\n"
	"{\"type\":\"end\",\"benchmarks\":3,\"failed\":0}\n";

static void a_whole_run(void **state)
{
	struct collect_report rep;
	struct results r;
	struct res_bench *b;

	(void)state;
	assert_int_equal(collect(good, &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 0);
	assert_true(rep.ended);
	assert_int_equal(r.n, 3);
	b = res_find(&r, "pvr");
	assert_int_equal(b->nruns, 2);
	assert_float_equal(b->runs[0], (60000 + 60100) / 200.0, 1e-12);
	assert_int_equal(b->nbatch, 4);
	assert_float_equal(b->batch[1], 601, 1e-12);
	assert_float_equal(b->exits_per_iteration, 1, 0);
	assert_true(b->exits_ok);
	b = res_find(&r, "null");
	assert_float_equal(b->exits_per_iteration, 0, 0);
	assert_true(b->exits_ok);
	b = res_find(&r, "papr-hcall");
	assert_int_equal(b->status, RES_SKIPPED);
	assert_int_equal(b->nruns, 0);		/* a 2.5-tick "hypercall" is not a figure */
	assert_string_equal(b->reason, "0 exits");
	assert_float_equal(r.tb_hz, 512e6, 0);
	/* the environment the records gave, renamed, as plain values of their own types */
	assert_int_equal(r.env.n, 2);
	assert_string_equal(r.env.k[0], "host_kernel_release");
	assert_string_equal(r.env.k[1], "tb_hz");
	assert_int_equal(r.env.v[1].type, RES_V_INT);
	assert_int_equal(r.env.v[1].i, 512000000);
	assert_string_equal(res_env_str(&r, "host_kernel_release", NULL), "6.1.192");
	res_free(&r);
}

static void cut_short_keeps_what_was_taken(void **state)
{
	char text[sizeof(good)];
	struct collect_report rep;
	struct results r;
	char *cut;

	(void)state;
	/* QEMU killed in the middle of pvr's second repetition */
	strcpy(text, good);
	cut = strstr(text, "{\"type\":\"rep\",\"bench\":\"pvr\",\"rep\":1");
	cut[30] = '\0';
	assert_int_equal(collect(text, &r, &rep), 0);
	assert_false(rep.ended);
	assert_int_equal(rep.bad_lines, 1);
	assert_non_null(strstr(rep.first_problem, "cut off"));
	assert_int_equal(res_find(&r, "null")->nruns, 2);
	assert_int_equal(res_find(&r, "pvr")->nruns, 1);
	res_free(&r);
}

/* a comparison's records: sides A and B interleaved, rounds tagged, one runner per round */
#define TAG(v, r) "\"variant\":\"" v "\",\"round\":" #r ","
#define ROUND(v, r, t0, t1) "{\"type\":\"env\"," TAG(v, r) "\"record_format\":2,\"tb_hz\":512000000}\n" \
	"{\"type\":\"bench\"," TAG(v, r) "\"bench\":\"pvr\",\"exit_kind\":\"emulated-instruction\"," \
	"\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":1}\n" \
	"{\"type\":\"rep\"," TAG(v, r) "\"bench\":\"pvr\",\"rep\":0,\"iterations\":200,\"batches\":2," \
	"\"rep_ticks\":1,\"batch_ticks\":[" #t0 "," #t1 "]," EXITS(201, 200, 1) "}\n" \
	"{\"type\":\"end\"," TAG(v, r) "\"benchmarks\":1}\n"

static void sides_and_rounds(void **state)
{
	static const char text[] = ROUND("A", 1, 60000, 60000) ROUND("B", 1, 61000, 61000)
		ROUND("B", 2, 61200, 61200) ROUND("A", 2, 60200, 60200);
	static const char cut[] = ROUND("A", 1, 60000, 60000) "{\"type\":\"env\"," TAG("A", 2) "\"record_format\":2,\"x\":1}\n";
	struct collect_report rep;
	struct results r;
	struct res_bench *b;
	double *v;
	size_t n;

	(void)state;
	assert_int_equal(collect_variant(text, "B", &r, &rep), 0);
	assert_int_equal(rep.nvariants, 2);
	assert_true(rep.ended);
	assert_string_equal(r.variant, "B");
	b = res_find(&r, "pvr");
	assert_int_equal(b->nruns, 2);		/* B's runs only, in record order */
	assert_float_equal(b->runs[0], 610, 1e-12);
	assert_float_equal(b->runs[1], 612, 1e-12);
	assert_int_equal(b->run_rounds[1], 2);
	assert_int_equal(res_rounds(b), 2);
	assert_float_equal(b->exits_per_iteration, 1, 0);	/* over both rounds */
	assert_int_equal(res_samples(b, 0, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	res_free(&r);

	/* a second round that started and never ended: not 'ended' */
	assert_int_equal(collect_variant(cut, "A", &r, &rep), 0);
	assert_false(rep.ended);
	res_free(&r);
}

/*
 * The instrumented kvm-pr's exit timing stats in rep records (exit_timing): two rounds of a
 * side, guest 50 ticks on 150 exits and 52 on 50 in round 1, 60 on all 200 in round 2, one
 * guest stretch past the linear range (log2 bucket 14: 8192..16383) in round 2.
 */
#define TIMING(g_at, g_n, g_sum, log) ",\"exit_timing\":{\"round_trips\":200,\"hist_buckets\":1024," \
	"\"phases\":[{\"name\":\"loop_entry\",\"sum\":4000,\"hist_at\":[20],\"hist_n\":[200]," \
	"\"log_at\":[],\"log_n\":[]},{\"name\":\"guest\",\"sum\":" #g_sum ",\"hist_at\":" g_at \
	",\"hist_n\":" g_n "," log "}]}"
#define TREP(r, t, timing) "{\"type\":\"rep\"," TAG("A", r) "\"bench\":\"pvr\",\"rep\":0,\"iterations\":200," \
	"\"batches\":2,\"rep_ticks\":1,\"batch_ticks\":[" #t "," #t "]," EXITS(201, 200, 1) timing "}\n"
#define THEAD(r) "{\"type\":\"env\"," TAG("A", r) "\"record_format\":2,\"tb_hz\":512000000}\n" \
	"{\"type\":\"bench\"," TAG("A", r) "\"bench\":\"pvr\",\"exit_kind\":\"emulated-instruction\"," \
	"\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":1," \
	"\"exit_timing_stats\":\"on\"}\n"
#define TEND(r) "{\"type\":\"end\"," TAG("A", r) "\"benchmarks\":1}\n"
#define OTHER(r, n) "{\"type\":\"bench\"," TAG("A", r) "\"bench\":\"" n "\",\"exit_kind\":\"none\"," \
	"\"claimed_exits_per_iteration\":0,\"iterations\":200,\"batches\":2,\"repetitions\":1}\n"
#define OTHERS(r) OTHER(r, "b1") OTHER(r, "b2") OTHER(r, "b3") OTHER(r, "b4") OTHER(r, "b5") \
	OTHER(r, "b6") OTHER(r, "b7") OTHER(r, "b8") OTHER(r, "b9")

static void exit_timing_stats(void **state)
{
	/* each round also runs other benchmarks after pvr: results' array grows, pvr's moves */
	static const char text[] =
		THEAD(1) TREP(1, 60000, TIMING("[50,52]", "[150,50]", 10100, "\"log_at\":[],\"log_n\":[]"))
		OTHERS(1) TEND(1)
		THEAD(2) TREP(2, 60200, TIMING("[60,1023]", "[199,1]", 21940, "\"log_at\":[14],\"log_n\":[1]"))
		OTHERS(2) TEND(2);
	static const char bad[] = THEAD(1) TREP(1, 60000, ",\"exit_timing\":{\"round_trips\":1}") TEND(1);
	struct collect_report rep;
	struct results r;
	const struct res_trace *t;
	const struct res_phase *guest = NULL, *rt = NULL;

	(void)state;
	assert_int_equal(collect_variant(text, "A", &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 0);
	t = &res_find(&r, "pvr")->trace;
	assert_true(t->has_phases && t->has_source);
	assert_non_null(strstr(t->source, "exit_timing_stats"));
	assert_int_equal(t->exits, 400);
	for (size_t i = 0; i < t->nphase; i++) {
		if (!strcmp(t->phase[i].st.name, "guest"))
			guest = &t->phase[i];
		if (!strcmp(t->phase[i].st.name, "round_trip"))
			rt = &t->phase[i];
	}
	assert_non_null(guest);
	assert_int_equal(guest->st.count, 400);
	assert_int_equal(guest->st.sum, 10100 + 21940);	/* exact, the stretch included */
	assert_int_equal(hist_total_count(guest->hist), 400);
	assert_int_equal(hist_max(guest->hist) >> 13, 1);	/* at 3 x 2^12, in 8192..16383 */
	assert_int_equal(guest->nround, 2);
	/* round 1: the middle 80% of 150 x 50 and 50 x 52: 130 x 50 and 30 x 52 */
	assert_float_equal(guest->round[0].figure, (130 * 50.0 + 30 * 52.0) / 160, 1e-9);
	assert_float_equal(guest->round[1].figure, 60, 1e-9);
	assert_int_equal(guest->round[1].round, 2);
	/* the round trip: no histogram, its figure the mean of the phases' sums */
	assert_non_null(rt);
	assert_null(rt->hist);
	assert_int_equal(rt->nround, 2);
	assert_float_equal(rt->round[0].figure, (4000 + 10100) / 200.0, 1e-9);
	res_free(&r);

	/* malformed: the record is refused, counted, the run goes on */
	assert_int_equal(collect_variant(bad, "A", &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 1);
	assert_false(res_find(&r, "pvr")->trace.has_phases);
	res_free(&r);
}

/*
 * The series' exit reasons (exit_timing.exits: the whole round trip by exit reason, sampled):
 * PROGRAM 150 round trips of 600 and 10 of 610, the others (vector 0) 40 of 2000 ticks, past
 * the linear range (log2 bucket 11: 1024..2047), in one repetition of 200 round trips.
 */
#define EXITS_TIMING ",\"exit_timing\":{\"round_trips\":200,\"every\":64,\"hist_buckets\":1024," \
	"\"phases\":[{\"name\":\"guest\",\"sum\":10000,\"hist_at\":[50],\"hist_n\":[200]," \
	"\"log_at\":[],\"log_n\":[]}],\"exits\":[{\"name\":\"program\",\"vector\":1792," \
	"\"sum\":96100,\"hist_at\":[600,610],\"hist_n\":[150,10],\"log_at\":[],\"log_n\":[]}," \
	"{\"name\":\"other\",\"vector\":0,\"sum\":80000,\"hist_at\":[1023],\"hist_n\":[40]," \
	"\"log_at\":[11],\"log_n\":[40]}]}"

static void exit_timing_stats_by_reason(void **state)
{
	static const char text[] = THEAD(1) TREP(1, 60000, EXITS_TIMING) TEND(1);
	static const char bad[] = THEAD(1) TREP(1, 60000, ",\"exit_timing\":{\"round_trips\":1,"
		"\"hist_buckets\":1024,\"phases\":[],\"exits\":[{\"name\":\"program\",\"sum\":1}]}")
		TEND(1);
	struct collect_report rep;
	struct results r;
	const struct res_trace *t;
	const struct res_phase *rt = NULL;

	(void)state;
	assert_int_equal(collect_variant(text, "A", &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 0);
	t = &res_find(&r, "pvr")->trace;
	assert_true(t->has_reasons);
	assert_int_equal(t->nreason, 2);
	/* largest share of the time first: PROGRAM's 96100 of 176100 */
	assert_string_equal(t->reason[0].st.name, "PROGRAM");
	assert_int_equal(t->reason[0].vector, 0x700);
	assert_int_equal(t->reason[0].st.count, 160);
	assert_int_equal(t->reason[0].timed, 160);
	assert_float_equal(t->reason[0].st.median, 600, 1e-9);
	assert_float_equal(t->reason[0].share, 96100 / 176100.0, 1e-9);
	assert_int_equal(t->reason[0].of, RES_TIMED_ROUND_TRIP);
	assert_int_equal(t->reason[1].vector, TRACE_OTHER);
	assert_int_equal(hist_total_count(t->reason[1].hist), 40);
	assert_int_equal(hist_max(t->reason[1].hist) >> 10, 1);	/* at 3 x 2^9, in 1024..2047 */
	/* the round trip gets the reasons' histogram: its median PROGRAM's */
	for (size_t i = 0; i < t->nphase; i++)
		if (!strcmp(t->phase[i].st.name, "round_trip"))
			rt = &t->phase[i];
	assert_non_null(rt);
	assert_non_null(rt->hist);
	assert_int_equal(hist_total_count(rt->hist), 200);
	assert_float_equal(rt->st.median, 600, 1e-9);
	res_free(&r);

	/* an exit reason without its vector: the record is refused */
	assert_int_equal(collect_variant(bad, "A", &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 1);
	res_free(&r);
}

static void damaged_lines_are_skipped(void **state)
{
	static const char text[] = ENV "garbage\n"
		BENCH("pvr", "emulated-instruction", 1)
		"{\"type\":\"rep\",\"bench\":\"pvr\"}\n"
		REP("pvr", 0, 60000, 60000, EXITS(251, 250, 1))
		"{\"type\":\"rep\",\"bench\":\"ghost\",\"iterations\":1}\n"
		"{\"type\":\"end\"}\n";
	struct collect_report rep;
	struct results r;
	struct res_bench *b;

	(void)state;
	assert_int_equal(collect(text, &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 3);
	assert_string_equal(rep.first_problem, "rec:2: not a JSON record with a type");
	b = res_find(&r, "pvr");
	assert_int_equal(b->nruns, 1);
	/* 250 emulations in 200 iterations: kept, but flagged */
	assert_false(b->exits_ok);
	assert_float_equal(b->exits_per_iteration, 1.25, 1e-12);
	assert_non_null(strstr(b->exits_note, "claimed 1"));
	res_free(&r);
}

/* the PMU: declared events (one said no), per-repetition counts, multiplexing, a read error */
#define PMU_DECL ",\"pmu\":[{\"event\":\"PM_INST_CMPL\",\"mode\":\"all\",\"status\":\"ok\"," \
	"\"encoding\":\"power8::PM_INST_CMPL, type 4 config 0x2\"}," \
	"{\"event\":\"PM_CYC\",\"mode\":\"all\",\"status\":\"ok\"}," \
	"{\"event\":\"PM_RUN_CYC:k\",\"mode\":\"k\",\"status\":\"unsupported: perf_event_open: " \
	"No such file or directory\"}]"
#define BENCH_PMU(n, kind, claimed) "{\"type\":\"bench\",\"bench\":\"" n "\",\"exit_kind\":\"" kind \
	"\",\"claimed_exits_per_iteration\":" #claimed ",\"iterations\":200,\"batches\":2," \
	"\"repetitions\":2" PMU_DECL "}\n"
#define COUNT(ev, c, en, run) "{\"event\":\"" ev "\",\"count\":" #c ",\"enabled_ns\":" #en \
	",\"running_ns\":" #run "}"
#define REP_PMU(n, r, ex, counts) "{\"type\":\"rep\",\"bench\":\"" n "\",\"rep\":" #r \
	",\"iterations\":200,\"batches\":2,\"rep_ticks\":1,\"batch_ticks\":[60000,60000]," ex \
	",\"pmu\":{\"mode\":\"all\",\"counts\":[" counts "]}}\n"

static void pmu_counts(void **state)
{
	static const char text[] = ENV
		BENCH_PMU("null", "none", 0)
		REP_PMU("null", 0, EXITS(1, 0, 1), COUNT("PM_INST_CMPL", 800, 10, 10) "," COUNT("PM_CYC", 900, 10, 10))
		REP_PMU("null", 1, EXITS(1, 0, 1), COUNT("PM_INST_CMPL", 802, 10, 10) "," COUNT("PM_CYC", 900, 10, 10))
		BENCH_PMU("pvr", "emulated-instruction", 1)
		/* PM_CYC multiplexed: ran a quarter of the time, scaled by 4 */
		REP_PMU("pvr", 0, EXITS(201, 200, 1), COUNT("PM_INST_CMPL", 152000, 100, 100) ","
			COUNT("PM_CYC", 57500, 100, 25))
		/* PM_INST_CMPL never on the PMU; PM_CYC's read failed */
		REP_PMU("pvr", 1, EXITS(201, 200, 1), COUNT("PM_INST_CMPL", 0, 100, 0) ","
			"{\"event\":\"PM_CYC\",\"error\":\"read: Input/output error\"}")
		"{\"type\":\"end\"}\n";
	struct collect_report rep;
	struct results r;
	struct res_bench *b;
	struct res_pmu *p;
	char status[512];

	(void)state;
	assert_int_equal(collect(text, &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 0);
	b = res_find(&r, "pvr");
	assert_int_equal(b->npmu, 3);
	p = res_pmu_get(b, "PM_INST_CMPL");
	assert_string_equal(p->encoding, "power8::PM_INST_CMPL, type 4 config 0x2");
	assert_int_equal(p->n, 1);		/* the second repetition never counted it */
	assert_float_equal(p->per_iter[0], 760, 1e-12);
	assert_float_equal(p->per_exit[0], 760, 1e-12);	/* 200 exits: the doorbell is not one */
	assert_float_equal(p->running_min, 1, 0);
	assert_non_null(strstr(p->problem, "repetition 1: never on the PMU"));
	p = res_pmu_get(b, "PM_CYC");
	assert_int_equal(p->n, 1);
	assert_float_equal(p->per_iter[0], 57500 * 4 / 200.0, 1e-9);
	assert_float_equal(p->running_min, 0.25, 1e-12);
	p = res_pmu_get(b, "PM_RUN_CYC:k");
	res_pmu_status(p, status, sizeof(status));
	assert_string_equal(status, "unsupported: perf_event_open: No such file or directory");

	/* null: no exits, so no per-exit figure; the median of its two repetitions */
	b = res_find(&r, "null");
	p = res_pmu_get(b, "PM_INST_CMPL");
	assert_int_equal(p->n, 2);
	assert_true(isnan(p->per_exit[0]));
	assert_float_equal(res_pmu_median(p, 0), 4.005, 1e-12);
	assert_true(isnan(res_pmu_median(p, 1)));
	res_free(&r);
}

/* a repetition whose counts are malformed is refused whole; records without pmu have none */
static void pmu_malformed_and_absent(void **state)
{
	static const char text[] = ENV
		BENCH_PMU("pvr", "emulated-instruction", 1)
		REP_PMU("pvr", 0, EXITS(201, 200, 1), "{\"event\":\"PM_CYC\",\"count\":5}")
		REP_PMU("pvr", 0, EXITS(201, 200, 1), COUNT("PM_CYC", 5, 1, 2))
		"{\"type\":\"rep\",\"bench\":\"pvr\",\"rep\":0,\"iterations\":200,\"batches\":2,"
		"\"rep_ticks\":1,\"batch_ticks\":[1,1]," EXITS(201, 200, 1) ",\"pmu\":[]}\n"
		"{\"type\":\"bench\",\"bench\":\"x\",\"exit_kind\":\"none\",\"claimed_exits_per_iteration\":0,"
		"\"iterations\":200,\"batches\":2,\"repetitions\":2,\"pmu\":[{\"mode\":\"all\"}]}\n"
		"{\"type\":\"end\"}\n";
	struct collect_report rep;
	struct results r;
	struct res_bench *b;

	(void)state;
	assert_int_equal(collect(text, &r, &rep), 0);
	assert_int_equal(rep.bad_lines, 4);
	assert_non_null(strstr(rep.first_problem, "pmu count lacks event, count"));
	assert_null(res_find(&r, "x"));		/* a refused bench record adds nothing */
	b = res_find(&r, "pvr");
	assert_int_equal(b->nruns, 0);		/* nothing taken from the refused repetitions */
	assert_int_equal(res_pmu_get(b, "PM_CYC")->n, 0);
	res_free(&r);

	assert_int_equal(collect(good, &r, &rep), 0);	/* a runner without PMU counts */
	assert_int_equal(res_find(&r, "pvr")->npmu, 0);
	res_free(&r);
}

/* a Linux guest's records (format 3): guest fields, the exits' base and slack */
#define LG_EXITS(sum, emul, bsum, bemul, slack) "\"exits\":{\"sum_exits\":" #sum \
	",\"emulated_inst_exits\":" #emul ",\"mmio_exits\":0,\"syscall_exits\":0,\"dec_exits\":0," \
	"\"ext_intr_exits\":0,\"pf_storage\":0,\"pf_instruc\":0,\"sp_storage\":0,\"sp_instruc\":0," \
	"\"user\":0,\"doorbells\":0,\"base\":{\"sum_exits\":" #bsum ",\"emulated_inst_exits\":" \
	#bemul ",\"mmio_exits\":0,\"syscall_exits\":0,\"dec_exits\":0,\"ext_intr_exits\":0," \
	"\"pf_storage\":0,\"pf_instruc\":0,\"sp_storage\":0,\"sp_instruc\":0},\"slack\":" #slack "}"
#define LG_REP(r, slb, ex) "{\"type\":\"rep\",\"bench\":\"linux-pvr\",\"rep\":" #r \
	",\"iterations\":200,\"batches\":2,\"rep_ticks\":123600,\"batch_ticks\":[61800,61800]," ex \
	",\"guest_slb_valid\":" #slb "}\n"

static void linux_guest(void **state)
{
	static const char text[] = ENV
		"{\"type\":\"bench\",\"bench\":\"linux-pvr\",\"exit_kind\":\"emulated-instruction\","
		"\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":2,"
		"\"guest\":\"linux\",\"guest_kernel\":\"6.1.192\"}\n"
		LG_REP(0, 5, LG_EXITS(3000, 2900, 2800, 2700, 10))
		LG_REP(1, 6, LG_EXITS(3003, 2903, 2800, 2700, 10));
	static const char twice[] = ENV
		"{\"type\":\"bench\",\"bench\":\"linux-pvr\",\"exit_kind\":\"emulated-instruction\","
		"\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":1,"
		"\"guest\":\"linux\",\"guest_kernel\":\"6.1.192\"}\n"
		LG_REP(0, 5, LG_EXITS(3200, 3100, 2800, 2700, 10));
	struct collect_report rep;
	struct results r;
	struct res_bench *b;

	(void)state;
	assert_int_equal(collect(text, &r, &rep), 0);
	b = res_find(&r, "linux-pvr");
	assert_non_null(b);
	assert_string_equal(b->guest, "linux");
	assert_string_equal(b->guest_kernel, "6.1.192");
	assert_int_equal(b->guest_slb_valid, 6);
	assert_true(b->exits_ok);
	assert_float_equal(b->exits_per_iteration, (200 + 203) / 400.0, 1e-12);
	res_free(&r);
	/* 400 exits in 200 iterations once the base is out: more than the slack */
	assert_int_equal(collect(twice, &r, &rep), 0);
	b = res_find(&r, "linux-pvr");
	assert_false(b->exits_ok);
	assert_non_null(strstr(b->exits_note, "the guest kernel's own exits taken out"));
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_whole_run),
		cmocka_unit_test(linux_guest),
		cmocka_unit_test(cut_short_keeps_what_was_taken),
		cmocka_unit_test(damaged_lines_are_skipped),
		cmocka_unit_test(sides_and_rounds),
		cmocka_unit_test(pmu_counts),
		cmocka_unit_test(pmu_malformed_and_absent),
		cmocka_unit_test(exit_timing_stats),
		cmocka_unit_test(exit_timing_stats_by_reason),
	};
	return cmocka_run_group_tests_name("collect", tests, NULL, NULL);
}
