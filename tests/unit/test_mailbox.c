// SPDX-License-Identifier: MIT
/* The runner's validation of what a guest wrote into the mailbox. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../bench/runner/mailbox.h"

#define SIZE (EB_DELTAS_OFFSET + 4 * sizeof(uint64_t))

static const struct eb_request req = { .iterations = 400, .warmup = 40, .batches = 4,
				       .repetitions = 3, .params = { 16, 0x123456789 } };

/* what guest_main leaves after ending repetition rep */
static struct eb_mailbox *guest_ended_rep(uint32_t rep)
{
	struct eb_mailbox *mb = calloc(1, SIZE);
	uint64_t *d = (uint64_t *)((char *)mb + EB_DELTAS_OFFSET);

	eb_mailbox_init(mb, &req);
	mb->status = EB_ST_RUNNING;
	mb->rep = rep;
	mb->batches_done = 4;
	for (int i = 0; i < 4; i++)
		d[i] = 600 * 100 + i;
	mb->rep_ticks = 4 * 60000 + 100;
	return mb;
}

static void layout_is_the_contract(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct eb_mailbox), EB_DELTAS_OFFSET);
	assert_int_equal(offsetof(struct eb_mailbox, iterations), 8);
	assert_int_equal(offsetof(struct eb_mailbox, batches), 24);
	assert_int_equal(offsetof(struct eb_mailbox, status), 32);
	assert_int_equal(offsetof(struct eb_mailbox, rep_ticks), 48);
	assert_int_equal(offsetof(struct eb_mailbox, error_addr), 72);
	assert_int_equal(offsetof(struct eb_mailbox, params), 80);
	assert_int_equal(offsetof(struct eb_mailbox, guest_msr), 96);
	assert_int_equal(sizeof(struct eb_bench_info), 0x100 - EB_INFO_OFFSET);
	assert_int_equal(offsetof(struct eb_bench_info, params), 176);
	/* the page table and the segments' page inside guest memory, clear of the rest */
	assert_true(EB_HPT_GPA >= EB_STACK_TOP && EB_HPT_GPA % EB_HPT_SIZE == 0);
	assert_true(EB_SEG_PAGE_GPA >= EB_HPT_GPA + EB_HPT_SIZE);
	assert_true(EB_SEG_PAGE_GPA + 0x1000 <= EB_GUEST_MEM_SIZE);
	assert_true(EB_MAILBOX_GPA + EB_MAILBOX_SIZE <= EB_STACK_TOP - 0x10000);
	assert_true(EB_IMAGE_MAX <= EB_MAILBOX_GPA);
	assert_true(EB_DOORBELL_GPA >= EB_GUEST_MEM_SIZE);
}

static void good_rep_decodes(void **state)
{
	struct eb_mailbox *mb = guest_ended_rep(1);
	const char *why = NULL;

	(void)state;
	assert_int_equal(eb_mailbox_check_rep(mb, SIZE, &req, 1, &why), 0);
	assert_int_equal(eb_mailbox_deltas(mb)[3], 60003);
	free(mb);
}

static void corruption_is_caught(void **state)
{
	const char *why;
	struct eb_mailbox *mb;

	(void)state;
#define EXPECT_BAD(mutation, rep, text)                                            \
	do {                                                                       \
		mb = guest_ended_rep(1);                                           \
		mutation;                                                          \
		why = NULL;                                                        \
		assert_int_equal(eb_mailbox_check_rep(mb, SIZE, &req, rep, &why), -EINVAL); \
		assert_non_null(strstr(why, text));                                \
		free(mb);                                                          \
	} while (0)
	EXPECT_BAD(mb->magic = 0, 1, "header overwritten");
	EXPECT_BAD(mb->deltas_offset = 8, 1, "header overwritten");
	EXPECT_BAD(mb->iterations = 401, 1, "request fields changed");
	EXPECT_BAD(mb->batches = 2, 1, "request fields changed");
	EXPECT_BAD(mb->params[1] = 0, 1, "request fields changed");
	/* a guest that asked for translation: its MSR must say so */
	{
		struct eb_request mmu = req;
		const char *w = NULL;

		mmu.translation = 1;
		mb = guest_ended_rep(1);
		mb->guest_msr = 0x8000000000001001ULL;	/* SF ME LE, real mode */
		assert_int_equal(eb_mailbox_check_rep(mb, SIZE, &mmu, 1, &w), -EINVAL);
		assert_non_null(strstr(w, "IR and DR are not both on"));
		mb->guest_msr |= EB_MSR_IR_DR;
		assert_int_equal(eb_mailbox_check_rep(mb, SIZE, &mmu, 1, &w), 0);
		free(mb);
	}
	EXPECT_BAD(mb->status = EB_ST_DONE, 1, "not running");
	EXPECT_BAD((void)0, 2, "another repetition");
	EXPECT_BAD(mb->batches_done = 3, 1, "before all its batches");
	EXPECT_BAD(mb->rep_ticks = 1000, 1, "longer than their repetition");
	EXPECT_BAD(((uint64_t *)((char *)mb + EB_DELTAS_OFFSET))[0] = UINT64_MAX, 1, "overflow");
	mb = guest_ended_rep(1);
	assert_int_equal(eb_mailbox_check_rep(mb, EB_DELTAS_OFFSET, &req, 1, &why), -EINVAL);
	free(mb);
}

/* the parameters reach the guest as the request gave them, in the info's order */
static void params_are_carried(void **state)
{
	struct eb_mailbox *mb = guest_ended_rep(0);

	(void)state;
	assert_int_equal(mb->version, 2);
	assert_int_equal(mb->params[0], 16);
	assert_int_equal(mb->params[1], 0x123456789);
	free(mb);
}

static void failures_are_described(void **state)
{
	struct eb_mailbox *mb = guest_ended_rep(0);
	char buf[160];

	(void)state;
	mb->status = EB_ST_EXCEPTION;
	mb->error_arg = 0x700;
	mb->error_pc = 0x1344;
	eb_mailbox_describe_failure(mb, buf, sizeof(buf));
	assert_string_equal(buf, "unexpected guest interrupt at vector 0x700, pc 0x1344");
	mb->error_arg = 0x380;
	mb->error_addr = 0x110000000;
	eb_mailbox_describe_failure(mb, buf, sizeof(buf));
	assert_string_equal(buf, "unexpected guest interrupt at vector 0x380 (data segment: no segment), "
				 "pc 0x1344, address 0x110000000");
	mb->error_arg = 0x300;
	eb_mailbox_describe_failure(mb, buf, sizeof(buf));
	assert_string_equal(buf, "unexpected guest interrupt at vector 0x300 (data storage: no page), "
				 "pc 0x1344, address 0x110000000");
	mb->status = EB_ST_BAD_REQUEST;
	eb_mailbox_describe_failure(mb, buf, sizeof(buf));
	assert_string_equal(buf, "guest rejected the mailbox request");
	free(mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_is_the_contract),
		cmocka_unit_test(good_rep_decodes),
		cmocka_unit_test(corruption_is_caught),
		cmocka_unit_test(params_are_carried),
		cmocka_unit_test(failures_are_described),
	};
	return cmocka_run_group_tests_name("mailbox", tests, NULL, NULL);
}
