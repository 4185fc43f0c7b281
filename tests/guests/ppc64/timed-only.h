/* SPDX-License-Identifier: MIT */
/*
 * Test guests whose loop does something only in the timed repetitions: every call of
 * bench_loop after the first, which is the warm-up (guest-kernels/common/main.c). Between
 * TIMED_ONLY_BEGIN and TIMED_ONLY_END, what each timed iteration does besides pvr's mfpvr;
 * r5, r6 are free there.
 */
#ifndef EB_TEST_TIMED_ONLY_H
#define EB_TEST_TIMED_ONLY_H

#include "asm.h"

.macro TIMED_ONLY_BEGIN
	.section .text
	.globl	bench_loop
	.type	bench_loop, @function
bench_loop:
	LOAD_IMM64(r8, timed_only_calls)
	ld	r7, 0(r8)
	addi	r7, r7, 1
	std	r7, 0(r8)
	mr.	r10, r3
	beqlr
1:	mfpvr	r4
	cmpdi	r7, 1
	beq	2f		/* the warm-up: the iteration is pvr's alone */
.endm

.macro TIMED_ONLY_END
2:	addi	r10, r10, -1
	cmpdi	r10, 0
	bne	1b
	blr
	.size	bench_loop, . - bench_loop

	.section .bss
	.balign	8
timed_only_calls:
	.quad	0
.endm

#endif
