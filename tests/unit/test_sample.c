// SPDX-License-Identifier: MIT
/* Plain-text samples, ministat-style: what is a number and what is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../analysis/sample.h"

static int read_text(const char *text, size_t len, double **v, size_t *n, char *err)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int ret;

	assert_non_null(f);
	err[0] = '\0';
	ret = sample_read(f, "t.txt", v, n, err, 256);
	fclose(f);
	return ret;
}

static void good_input(void **state)
{
	static const char text[] = "# ms for 10^6 mfpvr\n\n  567.1\n568.3 extra columns ignored\r\n"
				   "\t-1e3\r\n+4\n0x10\n";
	char err[256];
	double *v;
	size_t n;

	(void)state;
	assert_int_equal(read_text(text, strlen(text), &v, &n, err), 0);
	assert_int_equal(n, 5);
	assert_float_equal(v[0], 567.1, 0);
	assert_float_equal(v[1], 568.3, 0);
	assert_float_equal(v[2], -1000, 0);
	assert_float_equal(v[3], 4, 0);
	assert_float_equal(v[4], 16, 0);
	free(v);
}

static void refusals(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "1\n2\nabc\n", "t.txt:3: 'abc' is not a number" },
		{ "1\n12x\n", "t.txt:2: '12x' is not a number" },
		{ "nan\n", "t.txt:1: 'nan' is not a number (NaN)" },
		{ "1\n-inf\n", "t.txt:2: '-inf' is infinite" },
		{ "1e999\n", "t.txt:1: '1e999' is infinite" },
		{ "1e-400\n", "out of the range" },
		{ "", "t.txt: no numbers" },
		{ "# only a comment\n\n", "t.txt: no numbers" },
	};
	char err[256];
	double *v;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_text(cases[i].text, strlen(cases[i].text), &v, &n, err), -EINVAL);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].msg);
	}
}

static void hostile_input(void **state)
{
	size_t big = 100000;
	char *text = malloc(big + 16), err[256];
	static const char nul[] = "1\n2\0\n3\n";
	double *v;
	size_t n;

	(void)state;
	memset(text, '7', big);
	memcpy(text + big, "\n8\n", 4);
	assert_int_equal(read_text(text, big + 3, &v, &n, err), -EINVAL);	/* 7.7e99999 */
	assert_non_null(strstr(err, "t.txt:1: '7777777777777777777777777777777777777777...' is infinite"));
	memset(text, ' ', big);
	assert_int_equal(read_text(text, big + 3, &v, &n, err), 0);	/* a long blank line */
	assert_int_equal(n, 1);
	assert_float_equal(v[0], 8, 0);
	free(v);
	memset(text, 'x', big);
	assert_int_equal(read_text(text, big + 3, &v, &n, err), -EINVAL);
	assert_true(strlen(err) < 120);	/* the token is cut short in the message */
	assert_int_equal(read_text(nul, sizeof(nul) - 1, &v, &n, err), -EINVAL);
	assert_non_null(strstr(err, "t.txt:2: a NUL byte"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_input),
		cmocka_unit_test(refusals),
		cmocka_unit_test(hostile_input),
	};
	return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
