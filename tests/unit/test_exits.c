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

static void linux_guest_base_and_slack(void **state)
{
	/* 100000 mfpvr in a Linux guest: the guest kernel's own 2759 exits (2700 emulations)
	 * on the way in and out, measured by an empty run, come off; within the slack */
	struct eb_exits x = { .has_base = 1, .slack = 1000 };
	struct eb_exit_judgement j;

	(void)state;
	x.base[EBC_SUM] = 2759 + 40;
	x.base[EBC_EMUL] = 2700;
	x.base[EBC_DEC] = 40;
	x.c[EBC_SUM] = 100000 + 2790 + 41;
	x.c[EBC_EMUL] = 100000 + 2731;
	x.c[EBC_DEC] = 41;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100000, &j);
	assert_int_equal(j.verdict, EB_EXITS_OK);
	assert_int_equal(j.attributed, 100031);
	assert_int_equal(j.background, 1);
	/* the same without the base: the guest kernel's exits count, far beyond the slack */
	x.has_base = 0;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100000, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	/* with it, a loop that exits twice an iteration is caught, and said so */
	x.has_base = 1;
	x.c[EBC_SUM] += 100000;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100000, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	assert_non_null(strstr(j.why, "the guest kernel's own exits taken out"));
	/* one more than the slack allows: caught too; a counter below its base counts none */
	x.c[EBC_SUM] -= 100000 - 1001 + 31;
	x.c[EBC_EMUL] = 100000 + 2700 + 1001;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100000, &j);
	assert_int_equal(j.verdict, EB_EXITS_MISMATCH);
	x.c[EBC_SUM] -= 1;
	x.c[EBC_EMUL] -= 1;
	eb_exits_judge(&x, EB_EXIT_EMUL, 1, 100000, &j);
	assert_int_equal(j.verdict, EB_EXITS_OK);
	x.c[EBC_DEC] = 0;
	x.c[EBC_SUM] = 100;
	eb_exits_judge(&x, EB_EXIT_NONE, 0, 100000, &j);
	assert_int_equal(j.attributed, 0);
	assert_int_equal(j.verdict, EB_EXITS_OK);
}

static void kind_names_both_ways(void **state)
{
	(void)state;
	for (uint32_t k = 0; k < EB_EXIT_KINDS; k++)
		assert_int_equal(eb_exit_kind_from_name(eb_exit_kind_name(k)), k);
	assert_int_equal(eb_exit_kind_from_name("unknown"), EB_EXIT_KINDS);
	assert_int_equal(eb_exit_kind_from_name(""), EB_EXIT_KINDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvr_exits_once_per_iteration),
		cmocka_unit_test(null_with_an_exit_is_flagged),
		cmocka_unit_test(wrong_kind_is_flagged),
		cmocka_unit_test(user_exits_must_reach_the_runner),
		cmocka_unit_test(unreached_hypercall),
		cmocka_unit_test(linux_guest_base_and_slack),
		cmocka_unit_test(kind_names_both_ways),
	};
	return cmocka_run_group_tests_name("exits", tests, NULL, NULL);
}
