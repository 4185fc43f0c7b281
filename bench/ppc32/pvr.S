/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * mfpvr traps (privileged in problem state), kvmppc_core_emulate_mfspr_pr answers it and
 * kvmppc_handle_exit_pr returns RESUME_GUEST_NV: the heavyweight re-entry that reloads
 * the non-volatile GPRs, here through book3s_32's entry and exit code.
 */
BENCH_INFO pvr, 1, EB_EXIT_EMUL, 0, "mfpvr: emulated SPR read (RESUME_GUEST_NV, heavyweight re-entry)"
BENCH_LOOP_BEGIN
	mfpvr	r4
BENCH_LOOP_END
