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

#include <gsl/gsl_rng.h>
#include <math.h>

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
		{ "1\n1e-400\n", "t.txt:2: '1e-400' is out of the range of a double: too close to 0 (it underflows" },
		{ "1\r2\rabc\r4\r", "t.txt:3: 'abc' is not a number" },
		{ "1\r\n2\r\n\r\nx\r\n", "t.txt:4: 'x' is not a number" },
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


/* old Mac files end a line with a CR alone: each CR is a line, and CR LF is one */
static void line_endings(void **state)
{
	static const struct { const char *text; size_t n; } cases[] = {
		{ "567.1\r568.3\r-1e3\r", 3 },
		{ "567.1\r568.3\r-1e3", 3 },			/* no CR at the end */
		{ "# a comment\r\r567.1 x\r568.3\r\n-1e3\n", 3 },	/* CR, CR LF and LF mixed */
		{ "567.1\n\r568.3\r\r\n-1e3\r\n", 3 },
	};
	char err[256];
	double *v;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_text(cases[i].text, strlen(cases[i].text), &v, &n, err), 0);
		assert_int_equal(n, cases[i].n);
		assert_float_equal(v[0], 567.1, 0);
		assert_float_equal(v[1], 568.3, 0);
		assert_float_equal(v[2], -1000, 0);
		free(v);
	}
}

/* values near 1e-100 are numbers like any other; only below a double's range is refused */
static void tiny_values(void **state)
{
	static const char text[] = "1.5e-100\n2.5e-100\n2.2250738585072014e-308\n";
	char err[256];
	double *v;
	size_t n;

	(void)state;
	assert_int_equal(read_text(text, strlen(text), &v, &n, err), 0);
	assert_int_equal(n, 3);
	assert_true(v[0] == 1.5e-100 && v[1] == 2.5e-100 && v[2] == 2.2250738585072014e-308);
	free(v);
}

/* the fast decimal conversion gives strtod's double, bit for bit */
static void decimals_as_strtod(void **state)
{
	static const char *const odd[] = { "0", "-0", "+4", "590.125", "0.1", "1e22", "1e23",
					   "9007199254740993", "9007199254740992", "123456789012345678",
					   "1234567890123456789", "0.000000000000000000001", "1.e5",
					   ".5", "-.5e-3", "5E+2", "0000000000000000000000001",
					   "1.7976931348623157e308", "2.2250738585072014e-308",
					   "12345678901234567890", "0x1p-3" };
	size_t nodd = sizeof(odd) / sizeof(odd[0]), count = nodd + 2000, len = 0, n;
	char (*tok)[48] = malloc(count * sizeof(*tok)), *all = malloc(count * 49), err[256];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *v;

	(void)state;
	for (size_t i = 0; i < count; i++) {
		if (i < nodd)
			snprintf(tok[i], sizeof(tok[i]), "%s", odd[i]);
		else
			snprintf(tok[i], sizeof(tok[i]), i % 3 ? "%.*fe%d" : "%.*fE%+d",
				 (int)gsl_rng_uniform_int(rng, 8),
				 (gsl_rng_uniform(rng) - 0.5) * pow(10, (double)gsl_rng_uniform_int(rng, 12)),
				 (int)gsl_rng_uniform_int(rng, 50) - 25);
		len += (size_t)sprintf(all + len, "%s\n", tok[i]);
	}
	if (read_text(all, len, &v, &n, err))
		fail_msg("%s", err);
	assert_int_equal(n, count);
	for (size_t i = 0; i < count; i++) {
		double want = strtod(tok[i], NULL);

		if (memcmp(&v[i], &want, sizeof(want)))
			fail_msg("'%s': %.17g, strtod %.17g", tok[i], v[i], want);
	}
	free(v);
	free(all);
	free(tok);
	gsl_rng_free(rng);
}

/* a directory opens, and its read fails: the line says why */
static void read_error(void **state)
{
	FILE *f = fopen("/", "r");
	char err[256];
	double *v;
	size_t n;

	(void)state;
	if (!f)
		skip();
	assert_int_equal(sample_read(f, "/", &v, &n, err, sizeof(err)), -EIO);
	assert_string_equal(err, "/: read error: Is a directory");
	fclose(f);
}

static void count_progress(void *arg, const char *what, double done)
{
	int *calls = arg;

	assert_string_equal(what, "reading t.txt");
	assert_true(done == -1);	/* fmemopen: no file size to share out */
	(*calls)++;
}

/* a long file tells its progress every 2^20 lines */
static void progress(void **state)
{
	size_t lines = (1u << 20) + 5;
	char *text = malloc(lines * 2), err[256];
	double *v;
	size_t n;
	int calls = 0;
	FILE *f;

	(void)state;
	for (size_t i = 0; i < lines; i++)
		memcpy(text + 2 * i, "7\n", 2);
	f = fmemopen(text, lines * 2, "r");
	assert_int_equal(sample_read_progress(f, "t.txt", &v, &n, err, sizeof(err), count_progress,
					      &calls), 0);
	fclose(f);
	assert_int_equal(n, lines);
	assert_int_equal(calls, 1);
	free(v);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_input),
		cmocka_unit_test(refusals),
		cmocka_unit_test(hostile_input),
		cmocka_unit_test(line_endings),
		cmocka_unit_test(tiny_values),
		cmocka_unit_test(decimals_as_strtod),
		cmocka_unit_test(progress),
		cmocka_unit_test(read_error),
	};
	return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
