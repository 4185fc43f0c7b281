/* SPDX-License-Identifier: MIT */
#include "timed-only.h"
/*
 * Test only: translation on (EB_NEED_MMU), and inside the timed loop (every call of
 * bench_loop after the first, the warm-up) a load from a segment the guest never gave an
 * SLB entry: a data segment interrupt (0x380) that must be reported with its address,
 * never as a figure.
 */
BENCH_INFO segfault-mmu, 1, EB_EXIT_EMUL, EB_NEED_MMU, "test: MMU on, a load from an unmapped segment in the timed loop", segments, 0, 0
TIMED_ONLY_BEGIN
	LOAD_IMM64(r6, (EB_SEG_FIRST_ESID + 100) << 28)
	ld	r5, 0(r6)
TIMED_ONLY_END
