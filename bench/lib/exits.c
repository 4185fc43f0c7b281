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

void eb_exits_judge(const struct eb_exits *x, uint32_t exit_kind, uint32_t exits_per_iter,
		    uint64_t iterations, struct eb_exit_judgement *j)
{
	uint64_t want = (uint64_t)exits_per_iter * iterations;
	uint64_t sum = x->c[EBC_SUM] >= x->doorbells ? x->c[EBC_SUM] - x->doorbells : 0;
	uint64_t mmio = x->c[EBC_MMIO] >= x->doorbells ? x->c[EBC_MMIO] - x->doorbells : 0;
	uint64_t specific = 0;
	const char *specific_name = NULL;

	memset(j, 0, sizeof(*j));
	j->background = x->c[EBC_DEC] + x->c[EBC_EXT];
	j->attributed = sum >= j->background ? sum - j->background : 0;
	j->per_iteration = iterations ? (double)j->attributed / (double)iterations : 0;
	j->verdict = EB_EXITS_OK;

	/* where the kernel or the runner counts the kind itself, that count must agree too */
	switch (exit_kind) {
	case EB_EXIT_EMUL:
		specific = x->c[EBC_EMUL];
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
	} else if (j->attributed != want) {
		j->verdict = EB_EXITS_MISMATCH;
		snprintf(j->why, sizeof(j->why),
			 "%" PRIu64 " exits in %" PRIu64 " iterations (%.4f per iteration), claimed %" PRIu32,
			 j->attributed, iterations, j->per_iteration, exits_per_iter);
	} else if (specific_name && specific != want) {
		j->verdict = EB_EXITS_MISMATCH;
		snprintf(j->why, sizeof(j->why),
			 "%s = %" PRIu64 " in %" PRIu64 " iterations, claimed %" PRIu32 " per iteration",
			 specific_name, specific, iterations, exits_per_iter);
	}
}
