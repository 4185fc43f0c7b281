/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * pvr with translation on, as a Linux guest runs (guest-kernels/ppc64/mmu.c): the same
 * mfpvr loop, but every guest entry now loads the shadow SLB's live segments, the image's
 * and the doorbell's plus `segments` more the guest touched before timing (ESID 16, 17 ...).
 * The cost of a live segment is what this benchmark's figure gains per segment.
 */
BENCH_INFO pvr-mmu, 1, EB_EXIT_EMUL, EB_NEED_MMU, "mfpvr, MMU on: emulated SPR read with live segments (RESUME_GUEST_NV)", segments, 62, 0
BENCH_LOOP_BEGIN
	mfpvr	r4
BENCH_LOOP_END
