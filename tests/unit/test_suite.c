// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "suite.h"

static int parse(const char *text, struct suite *s, char *err, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = suite_parse(f, "t", s, err, len);

	fclose(f);
	return r;
}

static void good_suite(void **state)
{
	struct suite s;
	char err[256];

	(void)state;
	assert_int_equal(parse("# a comment\n\n  null 10000 10   # trailing\n"
			       "pvr 2000 5 batches=20 warmup=7 timeout=9\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.entries[0].name, "null");
	assert_int_equal(s.entries[0].iterations, 10000);
	assert_int_equal(s.entries[0].repetitions, 10);
	assert_int_equal(s.entries[0].batches, 100);	/* default */
	assert_int_equal(s.entries[0].warmup, 1000);	/* iterations / 10 */
	assert_int_equal(s.entries[0].line, 3);
	assert_int_equal(s.entries[1].batches, 20);
	assert_int_equal(s.entries[1].warmup, 7);
	assert_int_equal(s.entries[1].timeout_s, 9);
	suite_free(&s);
}

/* one benchmark file, several lines: each its own name, its parameters apart */
static void parameters(void **state)
{
	static const char *const known[] = { "pvr-mmu" };
	struct suite s;
	char err[256];

	(void)state;
	assert_int_equal(parse("pvr-mmu 100 2\npvr-mmu:segments=8 100 2\n"
			       "pvr-mmu:s=0,x_1=18 100 2 batches=10\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.entries[0].name, "pvr-mmu");
	assert_string_equal(s.entries[0].bench, "pvr-mmu");
	assert_int_equal(s.entries[0].nparams, 0);
	assert_string_equal(s.entries[1].name, "pvr-mmu:segments=8");
	assert_string_equal(s.entries[1].bench, "pvr-mmu");
	assert_int_equal(s.entries[1].nparams, 1);
	assert_string_equal(s.entries[1].param_names[0], "segments");
	assert_int_equal(s.entries[1].param_values[0], 8);
	assert_int_equal(s.entries[2].nparams, 2);
	assert_string_equal(s.entries[2].param_names[1], "x_1");
	assert_int_equal(s.entries[2].param_values[1], 18);
	assert_int_equal(s.entries[2].batches, 10);
	assert_int_equal(suite_check_names(&s, "t", known, 1, err, sizeof(err)), 0);
	suite_free(&s);
}

static void odd_iterations_get_one_batch(void **state)
{
	struct suite s;
	char err[256];

	(void)state;
	assert_int_equal(parse("pvr 1234 3\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.entries[0].batches, 1);
	suite_free(&s);
}

struct bad { const char *text, *msg; };

static void bad_suites(void **state)
{
	static const struct bad cases[] = {
		{ "pvr 1000\n", "t:1: expected 'name[:param=value,...] iterations repetitions" },
		/* parameters: NAME:PARAM=VALUE[,PARAM=VALUE] */
		{ "pvr-mmu: 100 2\n", "t:1: 'pvr-mmu:': no parameter after ':'" },
		{ "pvr-mmu:segments 100 2\n", "t:1: 'pvr-mmu:segments': parameter 'segments' is not PARAM=VALUE" },
		{ "pvr-mmu:=3 100 2\n", "t:1: 'pvr-mmu:=3': parameter '=3' is not PARAM=VALUE" },
		{ "pvr-mmu:Seg=3 100 2\n", "t:1: 'pvr-mmu:Seg=3': bad parameter name 'Seg'" },
		{ "pvr-mmu:s=-1 100 2\n", "t:1: 'pvr-mmu:s=-1': parameter s's value '-1' is not a whole number" },
		{ "pvr-mmu:s=4x 100 2\n", "t:1: 'pvr-mmu:s=4x': parameter s's value '4x'" },
		{ "pvr-mmu:s=1,s=2 100 2\n", "t:1: 'pvr-mmu:s=1,s=2': parameter 's' given twice" },
		{ "pvr:a=1,b=2,c=3 100 2\n", "t:1: 'pvr:a=1,b=2,c=3': more than 2 parameters" },
		{ "pvr-mmu:segments=16000000 100 2\n", "t:1: name 'pvr-mmu:segments=16000000' longer than 23" },
		{ "pv/r:s=1 100 2\n", "t:1: bad benchmark name 'pv/r:s=1'" },
		{ "pvr-mmu:s=1 100 2\npvr-mmu:s=1 10 1\n", "t:2: benchmark 'pvr-mmu:s=1' already at line 1" },
		{ "pvr ten 3\n", "t:1: iterations 'ten' is not a number" },
		{ "pvr 0 3\n", "t:1: iterations '0' is not a number" },
		{ "pvr 100 -1\n", "t:1: repetitions '-1' is not a number" },
		{ "pvr 100 2 speed=3\n", "t:1: unknown key 'speed'" },
		{ "pvr 100 2 batches\n", "t:1: expected key=value" },
		{ "pvr 1000 2 batches=7\n", "t:1: iterations 1000 is not a multiple of batches=7" },
		{ "pvr 100 2 timeout=0\n", "t:1: timeout '0'" },
		{ "pvr 100 2\n# x\npvr 10 1\n", "t:3: benchmark 'pvr' already at line 1" },
		{ "p/vr 100 2\n", "t:1: bad benchmark name 'p/vr'" },
		{ "pvr 99999999999999999999 2\n", "t:1: iterations" },
		{ "# nothing\n\n", "t: no benchmark in the suite" },
	};
	char err[256];
	struct suite s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(cases[i].text, &s, err, sizeof(err)), -EINVAL);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: got '%s', want '%s...'", i, err, cases[i].msg);
		assert_null(s.entries);
	}
}

static void unknown_benchmark(void **state)
{
	static const char *const known[] = { "null", "pvr" };
	struct suite s;
	char err[256];

	(void)state;
	assert_int_equal(parse("pvr 100 1\nmfmsr 100 1\n", &s, err, sizeof(err)), 0);
	assert_int_equal(suite_check_names(&s, "t", known, 2, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "t:2: unknown benchmark 'mfmsr' (known: null pvr)");
	suite_free(&s);
}

static void missing_file(void **state)
{
	struct suite s;
	char err[256];

	(void)state;
	assert_int_equal(suite_load("/nonexistent/suite", &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/suite"));
}

static void names_in_a_directory(void **state)
{
	char dir[] = "/tmp/exitbench-names-XXXXXX", path[128], names[8][EB_NAME_LEN];
	static const char *const files[] = { "pvr.bin", "null.bin", "notes.txt", ".bin", "hcall.S" };
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fclose(fopen(path, "w"));
	}
	n = suite_dir_names(dir, (const char *const[]){ ".bin", NULL }, names, 8);
	assert_int_equal(n, 2);
	assert_true((!strcmp(names[0], "pvr") && !strcmp(names[1], "null")) ||
		    (!strcmp(names[0], "null") && !strcmp(names[1], "pvr")));
	assert_int_equal(suite_dir_names(dir, (const char *const[]){ ".bin", ".S", NULL }, names, 8), 3);
	assert_int_equal(suite_dir_names(dir, (const char *const[]){ ".bin", ".S", NULL }, names, 1), 1);
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	assert_int_equal(suite_dir_names(dir, (const char *const[]){ ".bin", NULL }, names, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_suite),
		cmocka_unit_test(parameters),
		cmocka_unit_test(odd_iterations_get_one_batch),
		cmocka_unit_test(bad_suites),
		cmocka_unit_test(unknown_benchmark),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(names_in_a_directory),
	};
	return cmocka_run_group_tests_name("suite", tests, NULL, NULL);
}
