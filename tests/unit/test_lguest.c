// SPDX-License-Identifier: MIT
/* The Linux guest's list of benchmarks (bench/lib/lguest.c): the real one, and bad lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exits.h"
#include "lguest.h"
#include "tmpdir.h"

static char dir[] = "/tmp/exitbench-lguest-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *write_list(const char *text)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/benchmarks", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void the_repositorys_list(void **state)
{
	struct eb_lg_bench b[EB_LG_MAX];
	char err[256];
	int n, pvr = -1, null = -1;

	(void)state;
	n = eb_lg_load("guest-kernels/linux/benchmarks", b, err, sizeof(err));
	assert_true(n >= 4);
	for (int i = 0; i < n; i++) {
		assert_true(eb_lg_name(b[i].name));
		assert_true(strlen(b[i].what) > 0);
		if (!strcmp(b[i].name, "linux-pvr"))
			pvr = i;
		if (!strcmp(b[i].name, "linux-null"))
			null = i;
	}
	assert_true(pvr >= 0 && null >= 0);
	assert_int_equal(b[pvr].exit_kind, EB_EXIT_EMUL);
	assert_int_equal(b[pvr].exits_per_iter, 1);
	assert_int_equal(b[null].exit_kind, EB_EXIT_NONE);
	assert_int_equal(b[null].exits_per_iter, 0);
	assert_false(eb_lg_name("pvr"));
	assert_false(eb_lg_name("linux"));
}

static void bad_lines(void **state)
{
	struct eb_lg_bench b[EB_LG_MAX];
	char err[256];

	(void)state;
	assert_int_equal(eb_lg_load(write_list("# c\n\npvr emulated-instruction 1 reads it\n"), b, err,
				    sizeof(err)), 1);
	assert_string_equal(b[0].name, "linux-pvr");
	assert_string_equal(b[0].what, "reads it");
	assert_int_equal(eb_lg_load(write_list("pvr emulated-instruction\n"), b, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "benchmarks:1: expected"));
	assert_int_equal(eb_lg_load(write_list("# c\npvr teleport 1 x\n"), b, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "benchmarks:2:"));
	assert_int_equal(eb_lg_load(write_list("pvr emulated-instruction 1\n"), b, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(eb_lg_load(write_list("a-name-far-too-long-here none 0 x\n"), b, err,
				    sizeof(err)), -EINVAL);
	assert_int_equal(eb_lg_load("/nonexistent/benchmarks", b, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/benchmarks"));
}

static void suite_lines(void **state)
{
	struct suite_entry e = { .iterations = 1000, .repetitions = 2, .batches = 1000 };

	(void)state;
	assert_null(eb_lg_entry_problem(&e));
	e.batches = 1001;
	assert_non_null(strstr(eb_lg_entry_problem(&e), "at most 1000 batches"));
	e.batches = 10;
	e.nparams = 1;
	assert_non_null(strstr(eb_lg_entry_problem(&e), "take no parameters"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_repositorys_list),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(suite_lines),
	};
	return cmocka_run_group_tests_name("lguest", tests, setup, teardown);
}
