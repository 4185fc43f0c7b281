/* SPDX-License-Identifier: MIT */
/* Assembler helpers of the ppc64 guest kernels. */
#ifndef EB_PPC64_ASM_H
#define EB_PPC64_ASM_H

#include <exitbench/bench_info.h>
#include <exitbench/mailbox.h>

/* load a 64-bit constant (the image runs at its link address, 0, in real mode) */
#define LOAD_IMM64(r, v)		\
	lis	r, (v)@highest;		\
	ori	r, r, (v)@higher;	\
	rldicr	r, r, 32, 31;		\
	oris	r, r, (v)@h;		\
	ori	r, r, (v)@l

/*
 * bench_loop(n): run n iterations of the benchmark body. The count lives in r10, not
 * CTR, because the host's system call vector clobbers CTR across sc. Every benchmark,
 * null included, has the same loop around its body, so null's figure is the overhead
 * to subtract.
 */
.macro BENCH_LOOP_BEGIN
	.section .text
	.globl	bench_loop
	.type	bench_loop, @function
bench_loop:
	mr.	r10, r3
	beqlr
	/* r9: the mmio benchmark's target, loaded in every benchmark to keep loops alike */
	LOAD_IMM64(r9, EB_MMIO_BENCH_GPA)
	.balign 32
99:
.endm

.macro BENCH_LOOP_END
	addi	r10, r10, -1
	cmpdi	r10, 0
	bne	99b
	blr
	.size	bench_loop, . - bench_loop
.endm

#endif
