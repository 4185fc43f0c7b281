/* SPDX-License-Identifier: MIT */
#include "timed-only.h"
/*
 * Test only: in real mode, an illegal instruction in the timed loop (every call of bench_loop
 * after the first, the warm-up): kvm-pr cannot emulate it and gives the guest a program
 * interrupt (0x700), which must be reported with its vector and pc, never as a figure.
 */
BENCH_INFO illegal, 1, EB_EXIT_EMUL, 0, "test: an illegal instruction in the timed loop"
TIMED_ONLY_BEGIN
	.long	0		/* primary opcode 0: illegal */
TIMED_ONLY_END
