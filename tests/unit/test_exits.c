// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <exitbench/mailbox.h>
#include "exits.h"

static void pvr_exits_once_per_iteration(void **state)
{
	/* 10000 mfpvr, the closing doorbell (an MMIO exit), 3 host timer exits */
	struct eb_exits x = { .doorbells = 1 };
	struct eb_exit_judgement j;

	(void)state;
	x.c[EBC_SUM] = 10000 + 1 + 3;
	x.c[EBC_EMUL] = 10000;
	x.c[EBC_MMIO] = 1;
	x.c[EBC_DEC] = 3;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 10000, &j);
	assert_int_equal(j.verdict, EB_EXITS_OK);
	assert_int_equal(j.attributed, 10000);
	assert_int_equal(j.background, 3);
	assert_float_equal(j.per_iteration, 1.0, 0);
}

static void null_with_an_exit_is_flagged(void **state)
{
	struct eb_exits x = { .doorbells = 1 };
	struct eb_exit_judgement j;

	(void)state;
	x.c[EBC_SUM] = 2;
	x.c[EBC_MMIO] = 1;
	x.c[EBC_PF_STORAGE] = 1;
	eb_exits_judge(&x, EB_EXIT_NONE, 0, 10000, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	assert_non_null(strstr(j.why, "1 exits in 10000 iterations"));
	x.c[EBC_SUM] = 1;
	eb_exits_judge(&x, EB_EXIT_NONE, 0, 10000, &j);
	assert_int_equal(j.verdict, EB_EXITS_OK);
	assert_float_equal(j.per_iteration, 0, 0);
}

static void wrong_kind_is_flagged(void **state)
{
	/* one exit per iteration, but as segment faults, not emulations */
	struct eb_exits x = { .doorbells = 1 };
	struct eb_exit_judgement j;

	(void)state;
	x.c[EBC_SUM] = 101;
	x.c[EBC_MMIO] = 1;
	x.c[EBC_SP_INSTRUC] = 100;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	assert_non_null(strstr(j.why, "emulated_inst_exits = 0"));
}

static void user_exits_must_reach_the_runner(void **state)
{
	struct eb_exits x = { .doorbells = 1, .user = 99 };
	struct eb_exit_judgement j;

	(void)state;
	x.c[EBC_SUM] = 101;
	x.c[EBC_MMIO] = 1;
	eb_exits_judge(&x, EB_EXIT_USER_HCALL, 1, 100, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	x.user = 100;
	eb_exits_judge(&x, EB_EXIT_USER_HCALL, 1, 100, &j);
	assert_int_equal(j.verdict, EB_EXITS_OK);
}

static void unreached_hypercall(void **state)
{
	/* sc 1 answered by the emulator: only the doorbell exited */
	struct eb_exits x = { .doorbells = 1 };
	struct eb_exit_judgement j;

	(void)state;
	x.c[EBC_SUM] = 1;
	x.c[EBC_MMIO] = 1;
	eb_exits_judge(&x, EB_EXIT_PAPR_HCALL, 1, 10000, &j);
	assert_int_equal(j.verdict, EB_EXITS_UNREACHED);
	assert_non_null(strstr(j.why, "never reached the host kernel"));
	assert_string_equal(eb_exit_kind_name(EB_EXIT_PAPR_HCALL), "papr-hcall");
	assert_string_equal(eb_exit_kind_name(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvr_exits_once_per_iteration),
		cmocka_unit_test(null_with_an_exit_is_flagged),
		cmocka_unit_test(wrong_kind_is_flagged),
		cmocka_unit_test(user_exits_must_reach_the_runner),
		cmocka_unit_test(unreached_hypercall),
	};
	return cmocka_run_group_tests_name("exits", tests, NULL, NULL);
}
