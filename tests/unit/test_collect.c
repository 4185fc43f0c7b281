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

#define ENV "{\"type\":\"env\",\"tb_hz\":512000000,\"kernel_release\":\"6.1.192\"}\n"
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
#define ROUND(v, r, t0, t1) "{\"type\":\"env\"," TAG(v, r) "\"tb_hz\":512000000}\n" \
	"{\"type\":\"bench\"," TAG(v, r) "\"bench\":\"pvr\",\"exit_kind\":\"emulated-instruction\"," \
	"\"claimed_exits_per_iteration\":1,\"iterations\":200,\"batches\":2,\"repetitions\":1}\n" \
	"{\"type\":\"rep\"," TAG(v, r) "\"bench\":\"pvr\",\"rep\":0,\"iterations\":200,\"batches\":2," \
	"\"rep_ticks\":1,\"batch_ticks\":[" #t0 "," #t1 "]," EXITS(201, 200, 1) "}\n" \
	"{\"type\":\"end\"," TAG(v, r) "\"benchmarks\":1}\n"

static void sides_and_rounds(void **state)
{
	static const char text[] = ROUND("A", 1, 60000, 60000) ROUND("B", 1, 61000, 61000)
		ROUND("B", 2, 61200, 61200) ROUND("A", 2, 60200, 60200);
	static const char cut[] = ROUND("A", 1, 60000, 60000) "{\"type\":\"env\"," TAG("A", 2) "\"x\":1}\n";
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_whole_run),
		cmocka_unit_test(cut_short_keeps_what_was_taken),
		cmocka_unit_test(damaged_lines_are_skipped),
		cmocka_unit_test(sides_and_rounds),
	};
	return cmocka_run_group_tests_name("collect", tests, NULL, NULL);
}
