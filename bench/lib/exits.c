// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <exitbench/mailbox.h>
#include "exits.h"

const char *const eb_counter_names[EBC_N] = {
	[EBC_SUM] = "sum_exits",
	[EBC_EMUL] = "emulated_inst_exits",
	[EBC_MMIO] = "mmio_exits",
	[EBC_SYSCALL] = "syscall_exits",
	[EBC_DEC] = "dec_exits",
	[EBC_EXT] = "ext_intr_exits",
	[EBC_PF_STORAGE] = "pf_storage",
	[EBC_PF_INSTRUC] = "pf_instruc",
	[EBC_SP_STORAGE] = "sp_storage",
	[EBC_SP_INSTRUC] = "sp_instruc",
};

static const char *const kind_names[EB_EXIT_KINDS] = {
	[EB_EXIT_NONE] = "none",
	[EB_EXIT_EMUL] = "emulated-instruction",
	[EB_EXIT_HCALL] = "hcall-kernel",
	[EB_EXIT_USER_HCALL] = "hcall-user",
	[EB_EXIT_PAPR_HCALL] = "papr-hcall",
	[EB_EXIT_MMIO] = "mmio",
};

const char *eb_exit_kind_name(uint32_t kind)
{
	return kind < EB_EXIT_KINDS ? kind_names[kind] : "unknown";
}

uint32_t eb_exit_kind_from_name(const char *name)
{
	uint32_t k;

	for (k = 0; k < EB_EXIT_KINDS; k++)
		if (!strcmp(kind_names[k], name))
			break;
	return k;
}

/* |a - b| <= slack */
static int near(uint64_t a, uint64_t b, uint64_t slack)
{
	return a >= b ? a - b <= slack : b - a <= slack;
}

void eb_exits_judge(const struct eb_exits *x, uint32_t exit_kind, uint32_t exits_per_iter,
		    uint64_t iterations, struct eb_exit_judgement *j)
{
	uint64_t want = (uint64_t)exits_per_iter * iterations;
	uint64_t c[EBC_N], sum, mmio, specific = 0;
	const char *specific_name = NULL;

	for (int i = 0; i < EBC_N; i++) {
		uint64_t base = x->has_base ? x->base[i] : 0;

		c[i] = x->c[i] >= base ? x->c[i] - base : 0;
	}
	sum = c[EBC_SUM] >= x->doorbells ? c[EBC_SUM] - x->doorbells : 0;
	mmio = c[EBC_MMIO] >= x->doorbells ? c[EBC_MMIO] - x->doorbells : 0;
	memset(j, 0, sizeof(*j));
	j->background = c[EBC_DEC] + c[EBC_EXT];
	j->attributed = sum >= j->background ? sum - j->background : 0;
	j->per_iteration = iterations ? (double)j->attributed / (double)iterations : 0;
	j->verdict = EB_EXITS_OK;

	/* where the kernel or the runner counts the kind itself, that count must agree too */
	switch (exit_kind) {
	case EB_EXIT_EMUL:
		specific = c[EBC_EMUL];
		specific_name = "emulated_inst_exits";
		break;
	case EB_EXIT_MMIO:
		specific = mmio;
		specific_name = "mmio_exits";
		break;
	case EB_EXIT_USER_HCALL:
		specific = x->user;
		specific_name = "exits to the runner";
		break;
	default:
		break;
	}

	if (want && j->attributed == 0) {
		j->verdict = EB_EXITS_UNREACHED;
		snprintf(j->why, sizeof(j->why),
			 "0 exits in %" PRIu64 " iterations: the %s never reached the host kernel",
			 iterations, eb_exit_kind_name(exit_kind));
	} else if (!near(j->attributed, want, x->slack)) {
		j->verdict = EB_EXITS_MISMATCH;
		snprintf(j->why, sizeof(j->why),
			 "%" PRIu64 " exits in %" PRIu64 " iterations (%.4f per iteration), claimed %" PRIu32 "%s",
			 j->attributed, iterations, j->per_iteration, exits_per_iter,
			 x->has_base ? ", the guest kernel's own exits taken out" : "");
	} else if (specific_name && !near(specific, want, x->slack)) {
		j->verdict = EB_EXITS_MISMATCH;
		snprintf(j->why, sizeof(j->why),
			 "%s = %" PRIu64 " in %" PRIu64 " iterations, claimed %" PRIu32 " per iteration",
			 specific_name, specific, iterations, exits_per_iter);
	}
}
