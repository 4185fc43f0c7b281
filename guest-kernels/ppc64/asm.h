/* SPDX-License-Identifier: MIT */
/* Assembler helpers of the ppc64 guest kernels. */
#ifndef EB_PPC64_ASM_H
#define EB_PPC64_ASM_H

#include <exitbench/mailbox.h>

/* load a 64-bit constant (the image runs at its link address, 0, in real mode) */
#define LOAD_IMM64(r, v)		\
	lis	r, (v)@highest;		\
	ori	r, r, (v)@higher;	\
	rldicr	r, r, 32, 31;		\
	oris	r, r, (v)@h;		\
	ori	r, r, (v)@l

/*
 * BENCH_INFO name, exits_per_iter, exit_kind, flags, "what" [, p0, p0max, p0def [, p1, p1max,
 * p1def]]: struct eb_bench_info of the benchmark in this file, placed at EB_INFO_OFFSET by
 * the linker script, with the parameters a suite line may give it (name:p0=N): a name, the
 * largest value, the default.
 */
.macro BENCH_INFO name, exits, kind, flags, what, p0=, p0max=0, p0def=0, p1=, p1max=0, p1def=0
	.pushsection .bench_info, "a"
	.globl	eb_info
eb_info:
	.long	EB_INFO_MAGIC
	.short	EB_INFO_VERSION
	.short	240
1:	.asciz	"\name"
	.org	1b + EB_NAME_LEN
	.long	\exits
	.long	\kind
	.long	\flags
	.long	0
2:	.asciz	"\what"
	.org	2b + EB_WHAT_LEN
3:	.asciz	"\p0"
	.org	3b + EB_PARAM_NAME_LEN
	.quad	\p0max
	.quad	\p0def
4:	.asciz	"\p1"
	.org	4b + EB_PARAM_NAME_LEN
	.quad	\p1max
	.quad	\p1def
	.popsection
.endm

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
