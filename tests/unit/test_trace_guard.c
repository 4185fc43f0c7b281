// SPDX-License-Identifier: MIT
/*
 * exitbench trace's SIGBUS guards (analysis/trace_compat.c): guards nest, each restoring the
 * one it was armed in, so a file that loses its data underneath the reader after a reopen of
 * its handle is one clear error, never a crash. The reopen is made to happen after each page
 * of data by the test seam this file defines (trace_test_reopened), which also truncates the
 * file once the reader has its new handle (a page of a mapping the file no longer has raises
 * SIGBUS when it is read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../analysis/trace_read.h"

/* libtracecmd 3.1.6 leaks the trace clock's name once a handle (tracecmd_parse_trace_clock) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\n";
}

/* the library has no frame pointers: the slow unwinder finds the frames named above */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static char datadir[1024], tmp[64];

static int cut;			/* the seam cuts the file after the page read (else keeps it) */
static unsigned reopens;	/* calls of the seam */
static int seam_errno;		/* a truncate that failed (reader threads cannot fail a test) */
static pthread_mutex_t seam_lock = PTHREAD_MUTEX_INITIALIZER;

void trace_test_reopened(const char *path, unsigned long long offset)
{
	struct stat st;
	off_t to = (off_t)((offset | 4095) + 1);	/* the end of the (4 KiB) page read */

	pthread_mutex_lock(&seam_lock);
	reopens++;
	/* only ever shorter: the readers of other CPUs call this too */
	if (cut && !stat(path, &st) && to < st.st_size && truncate(path, to))
		seam_errno = errno;
	pthread_mutex_unlock(&seam_lock);
}

static void copy_data(const char *name)
{
	char path[2048];
	FILE *in, *out;
	char buf[65536];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	in = fopen(path, "rb");
	out = fopen(tmp, "wb");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* trace_read_file on the copy, with threads readers: -EINVAL and one line that says msg */
static void expect_error(unsigned threads, const char *msg)
{
	struct trace_read_opts o = { .threads = threads };
	struct trace_summary s;
	struct trace_source src;
	char err[1024] = "";
	int ret;

	reopens = 0;
	seam_errno = 0;
	ret = trace_read_file(tmp, &o, &s, &src, err, sizeof(err));
	if (ret == 0)
		trace_summary_free(&s);
	if (seam_errno)
		fail_msg("truncate %s: %s", tmp, strerror(seam_errno));
	if (ret != -EINVAL)
		fail_msg("%d (%s), wanted -EINVAL", ret, err);
	if (strncmp(err, tmp, strlen(tmp)) || !strstr(err, msg))
		fail_msg("'%s' does not say '%s: ...%s'", err, tmp, msg);
	assert_null(strchr(err, '\n'));
	assert_true(reopens >= 1);
}

static volatile int caught;

/* a guard armed inside another one and ended: a SIGBUS after it goes to the outer one */
static void guards_nest(void **state)
{
	struct trace_guard outer, inner, again;
	struct sigaction old;

	(void)state;
	caught = 0;
	trace_sigbus_catch(&old);
	if (sigsetjmp(outer.jb, 1)) {
		caught++;
		goto next;
	}
	trace_guard_begin(&outer);
	if (sigsetjmp(inner.jb, 1))
		fail_msg("the inner guard caught a SIGBUS raised after it ended");
	trace_guard_begin(&inner);
	trace_guard_end(&inner);
	raise(SIGBUS);
	fail_msg("raise(SIGBUS) returned");
next:
	/* a fault under the inner guard ends it: the outer one catches the next */
	if (sigsetjmp(outer.jb, 1)) {
		caught++;
		goto done;
	}
	trace_guard_begin(&outer);
	if (sigsetjmp(again.jb, 1)) {
		caught++;
		raise(SIGBUS);
		fail_msg("raise(SIGBUS) returned");
	}
	trace_guard_begin(&again);
	raise(SIGBUS);
	fail_msg("raise(SIGBUS) returned");
done:
	trace_sigbus_restore(&old);
	assert_int_equal(caught, 3);
}

/* v6, not compressed: its data is mapped, and a page the file lost raises SIGBUS */
static void sigbus_after_reopen(void **state)
{
	(void)state;
	copy_data("trace-x86-v6.dat");
	cut = 1;
	expect_error(1, "truncated: CPU 0's data runs past the end of the file");
}

/* the same with a reader thread per CPU: each thread's guards are its own */
static void sigbus_after_reopen_threads(void **state)
{
	(void)state;
	copy_data("trace-x86-v6.dat");
	cut = 1;
	expect_error(2, "truncated: CPU 0's data runs past the end of the file");
}

/* the seam on an intact file: reopened after every page, the same figures as read at once */
static void reopen_every_page(void **state)
{
	struct trace_read_opts o = { .threads = 1 };
	struct trace_summary s;
	struct trace_source src;
	char err[1024];

	(void)state;
	copy_data("trace-x86-v6.dat");
	cut = 0;
	reopens = 0;
	if (trace_read_file(tmp, &o, &s, &src, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(reopens >= 4);
	assert_int_equal(s.c.records, 409);
	assert_int_equal(s.c.timing, 315);
	assert_int_equal(s.c.paired, 40);
	assert_int_equal(s.c.markers, 14);
	trace_summary_free(&s);
}

static int setup(void **state)
{
	char self[1024];

	(void)state;
	snprintf(self, sizeof(self), "%s", __FILE__);
	snprintf(datadir, sizeof(datadir), "%s/../data", dirname(self));
	snprintf(tmp, sizeof(tmp), "/tmp/exitbench-test-guard-%d.dat", (int)getpid());
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
		cmocka_unit_test(guards_nest),
		cmocka_unit_test(reopen_every_page),
		cmocka_unit_test(sigbus_after_reopen),
		cmocka_unit_test(sigbus_after_reopen_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
