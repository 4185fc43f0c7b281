// SPDX-License-Identifier: MIT
/*
 * exitbench trace on bad input: not a trace.dat, every truncation of the test files, a CPU
 * count the data does not match, flipped bytes in the event data, no kvm_pr events, another
 * kernel's format. Each is one clear error (-errno, one line), never a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../analysis/trace.h"

/*
 * Leaks of libtracecmd 3.1.6 itself: the trace clock's name, once a handle; what it allocated
 * before it refused a file in tracecmd_open_head (its own error path frees too little).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\nleak:tracecmd_open_head\n";
}

/* the library has no frame pointers: the slow unwinder finds the frames named above */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static char datadir[1024], tmp[64];

static const char *data(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return path;
}

static void expect_bad(const char *path, int want, const char *msg)
{
	struct trace_read_opts o = { 0 };
	struct trace_summary s;
	struct trace_source src;
	char err[1024] = "";
	int ret = trace_read_file(path, &o, &s, &src, err, sizeof(err));

	if (ret != want)
		fail_msg("%s: %d (%s), wanted %d", path, ret, err, want);
	if (msg && !strstr(err, msg))
		fail_msg("%s: '%s' does not say '%s'", path, err, msg);
	assert_null(strchr(err, '\n'));
}

static void write_file(const void *p, size_t n)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void bad_input(void **state)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char garbage[4096];

	(void)state;
	expect_bad("/nonexistent/trace.dat", -ENOENT, "No such file");
	expect_bad(datadir, -EINVAL, "not a regular file");
	write_file("", 0);
	expect_bad(tmp, -EINVAL, "not a trace.dat");
	write_file("{\"schema_version\": 2}\n", 22);
	expect_bad(tmp, -EINVAL, "not a trace.dat");
	/* the magic, then noise */
	memcpy(garbage, magic, sizeof(magic));
	for (size_t i = sizeof(magic); i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 131 + 7);
	write_file(garbage, sizeof(garbage));
	expect_bad(tmp, -EINVAL, "not a readable trace.dat");
	expect_bad(data("trace-x86-nokvm.dat"), -EINVAL, "no kvm_pr:kvm_pr_exit_timing or kvm_pr:kvm_exit event");
	expect_bad(data("trace-x86-oldformat.dat"), -EINVAL, "has no field 'entry': another kernel's format");
}

/* every cut of the files: a clear error or, when the cut spares the events, their figures */
static void truncated(void **state)
{
	static const char *const files[] = { "trace-x86-v6.dat", "trace-x86-v7.dat", "trace-x86-zstd.dat" };

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		size_t n, step;
		unsigned char *p = slurp(data(files[k]), &n);

		step = n / 97 + 1;
		for (size_t cut = 0; cut < n; cut += step) {
			struct trace_read_opts o = { 0 };
			struct trace_summary s;
			struct trace_source src;
			char err[1024];
			int ret;

			write_file(p, cut);
			ret = trace_read_file(tmp, &o, &s, &src, err, sizeof(err));
			if (ret == 0) {
				assert_true(s.c.records <= 409);
				trace_summary_free(&s);
			} else {
				assert_int_equal(ret, -EINVAL);
				assert_null(strchr(err, '\n'));
			}
		}
		free(p);
	}
}

/* the CPU count: one the data does not match is refused */
static void cpu_count(void **state)
{
	size_t n;
	unsigned char *p = slurp(data("trace-x86-v6.dat"), &n);
	unsigned char *opt = memmem(p, n, "options  ", 10);

	(void)state;
	assert_non_null(opt);
	/* v6: the CPU count is the 4 bytes (little-endian here) before the options */
	assert_int_equal(opt[-4], 2);
	opt[-4] = 3;
	write_file(p, n);
	expect_bad(tmp, -EINVAL, "CPU 2");
	memcpy(opt - 4, "\x0f\x27\x00\x00", 4);
	write_file(p, n);
	expect_bad(tmp, -EINVAL, "CPU");
	free(p);
}

/* bytes flipped in the event data: records are bounds-checked, nothing crashes */
static void corrupt_data(void **state)
{
	size_t n;
	unsigned char *p = slurp(data("trace-x86-v6.dat"), &n);

	(void)state;
	for (unsigned seed = 1; seed <= 40; seed++) {
		unsigned char *q = malloc(n);
		struct trace_read_opts o = { 0 };
		struct trace_summary s;
		struct trace_source src;
		char err[1024];

		memcpy(q, p, n);
		/* the last 16 KiB are the CPU data pages */
		for (unsigned i = 0; i < 64; i++) {
			size_t at = n - 16384 + (seed * 7919u + i * 104729u) % 16384;

			q[at] ^= (unsigned char)(seed * 31 + i);
		}
		write_file(q, n);
		if (trace_read_file(tmp, &o, &s, &src, err, sizeof(err)) == 0)
			trace_summary_free(&s);
		free(q);
	}
	free(p);
}

/* what crashed libtracecmd or libtraceevent under the fuzzer: refused before they see it */
static void fuzz_regressions(void **state)
{
	static const struct {
		const char *file, *says;
	} cases[] = {
		{ "regress-option-string", "option 5: a string without its end" },	/* strdup ran off */
		{ "regress-page-commit", "says it holds more than a page" },	/* kbuffer read past it */
		{ "regress-section-bounds", "runs past the end" },	/* SEGV in the library */
		{ "regress-huge-size", "runs past the end" },	/* a malloc of the size said */
		{ "regress-chunk-count", "not a count of compressed chunks" },	/* a calloc of it */
		{ "regress-printk", "printk format line" },	/* strdup past the line */
		{ "regress-clock", "trace clock of nothing" },	/* sscanf of NULL */
		{ "regress-loop", "corrupt data" },	/* the same record, forever */
		{ "regress-open-head-null-write", "libtracecmd crashed reading its headers" },	/* in a child */
	};
	char path[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/../fuzz/corpus/fuzz_trace/%s", datadir, cases[i].file);
		expect_bad(path, -EINVAL, cases[i].says);
	}
}

static int setup(void **state)
{
	char self[1024];

	(void)state;
	snprintf(self, sizeof(self), "%s", __FILE__);
	snprintf(datadir, sizeof(datadir), "%s/../data", dirname(self));
	snprintf(tmp, sizeof(tmp), "/tmp/exitbench-test-trace-%d.dat", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tmp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input),
		cmocka_unit_test(truncated),
		cmocka_unit_test(cpu_count),
		cmocka_unit_test(corrupt_data),
		cmocka_unit_test(fuzz_regressions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
