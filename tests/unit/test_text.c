// SPDX-License-Identifier: MIT
/* Bounded formatting: a message cut to fit says so, a path that does not fit is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void messages_cut_visibly(void **state)
{
	char buf[12];

	(void)state;
	assert_int_equal(text_fmt(buf, sizeof(buf), "%s %d", "pvr", 590), 0);
	assert_string_equal(buf, "pvr 590");
	assert_int_equal(text_fmt(buf, sizeof(buf), "%s: %s", "/a/long/path", "No such file"), 1);
	assert_string_equal(buf, "/a/long/...");
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void paths_whole_or_refused(void **state)
{
	char buf[12];

	(void)state;
	assert_int_equal(text_path(buf, sizeof(buf), "%s/%s", "dir", "pvr.bin"), 0);
	assert_string_equal(buf, "dir/pvr.bin");
	assert_int_equal(text_path(buf, sizeof(buf), "%s/%s", "dir", "hcall.bin"), -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(messages_cut_visibly),
		cmocka_unit_test(paths_whole_or_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
