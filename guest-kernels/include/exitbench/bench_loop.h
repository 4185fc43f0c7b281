/* SPDX-License-Identifier: MIT */
/*
 * The loop around every benchmark's body, the code each repetition times, for every guest
 * kernel: guest-kernels/<arch>/asm.h defines the two things the word size changes,
 * EB_LOAD_ADDR(r, v) (an address into a register) and EB_CMPI (compare a register with an
 * immediate: cmpdi, cmpwi), then includes this.
 */
#ifndef EXITBENCH_BENCH_LOOP_H
#define EXITBENCH_BENCH_LOOP_H

#ifndef __ASSEMBLER__
#error "exitbench/bench_loop.h is for assembler sources only"
#endif

#include <exitbench/mailbox.h>

/*
 * bench_loop(n): run n iterations of the benchmark body, n an unsigned long in r3. The
 * count lives in r10, not CTR, because the host's system call vector clobbers CTR across
 * sc. Every benchmark, null included, has the same loop around its body, so null's figure
 * is the overhead to subtract.
 */
.macro BENCH_LOOP_BEGIN
	.section .text
	.globl	bench_loop
	.type	bench_loop, @function
bench_loop:
	mr.	r10, r3
	beqlr
	/* r9: the mmio benchmark's target, loaded in every benchmark to keep loops alike */
	EB_LOAD_ADDR(r9, EB_MMIO_BENCH_GPA)
	.balign 32
99:
.endm

.macro BENCH_LOOP_END
	addi	r10, r10, -1
	EB_CMPI	r10, 0
	bne	99b
	blr
	.size	bench_loop, . - bench_loop
.endm

#endif
