/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * Test only: translation on (EB_NEED_MMU), and inside the timed loop (every call of
 * bench_loop after the first, the warm-up) a load from a segment the guest never gave an
 * SLB entry: a data segment interrupt (0x380) that must be reported with its address,
 * never as a figure.
 */
BENCH_INFO segfault-mmu, 1, EB_EXIT_EMUL, EB_NEED_MMU, "test: MMU on, a load from an unmapped segment in the timed loop", segments, 0, 0
	.section .text
	.globl	bench_loop
	.type	bench_loop, @function
bench_loop:
	LOAD_IMM64(r8, calls)
	ld	r7, 0(r8)
	addi	r7, r7, 1
	std	r7, 0(r8)
	mr.	r10, r3
	beqlr
	LOAD_IMM64(r6, (EB_SEG_FIRST_ESID + 100) << 28)
1:	mfpvr	r4
	cmpdi	r7, 1
	beq	2f		/* the warm-up: no load */
	ld	r5, 0(r6)
2:	addi	r10, r10, -1
	cmpdi	r10, 0
	bne	1b
	blr
	.size	bench_loop, . - bench_loop

	.section .bss
	.balign	8
calls:	.quad	0
