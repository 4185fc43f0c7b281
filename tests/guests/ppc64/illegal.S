/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * Test only: in real mode, an illegal instruction in the timed loop (every call of bench_loop
 * after the first, the warm-up): kvm-pr cannot emulate it and gives the guest a program
 * interrupt (0x700), which must be reported with its vector and pc, never as a figure.
 */
BENCH_INFO illegal, 1, EB_EXIT_EMUL, 0, "test: an illegal instruction in the timed loop"
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
1:	mfpvr	r4
	cmpdi	r7, 1
	beq	2f		/* the warm-up: none */
	.long	0		/* primary opcode 0: illegal */
2:	addi	r10, r10, -1
	cmpdi	r10, 0
	bne	1b
	blr
	.size	bench_loop, . - bench_loop

	.section .bss
	.balign	8
calls:	.quad	0
