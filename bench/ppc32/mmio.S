/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * A 32-bit store to unbacked guest physical memory: the data storage fault becomes
 * KVM_EXIT_MMIO (length 4), the runner completes it and re-enters (RESUME_HOST).
 */
BENCH_INFO mmio, 1, EB_EXIT_MMIO, 0, "stw to unbacked guest memory: MMIO completed by the runner (KVM_EXIT_MMIO, RESUME_HOST)"
BENCH_LOOP_BEGIN
	stw	r4, 0(r9)
BENCH_LOOP_END
