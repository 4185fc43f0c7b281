/* SPDX-License-Identifier: MIT */
#include "asm.h"
/* mfspr of SPRG0: privileged, emulated from the vcpu's shared page (kvmppc_emulate_mfspr). */
BENCH_INFO spr, 1, EB_EXIT_EMUL, 0, "mfsprg0: emulated privileged SPR read (RESUME_GUEST_NV)"
BENCH_LOOP_BEGIN
	mfsprg	r4, 0
BENCH_LOOP_END
