/* SPDX-License-Identifier: MIT */
/*
 * Boot stub of the ppc32 guest kernels (big-endian, 32-bit Book3S, book3s_32 PR KVM). The
 * runner starts the vcpu at 0 in real mode with MSR = ME and interrupts off (MSR[IP] 0: the
 * vectors are at 0); from the guest's point of view it runs in supervisor state (PR KVM
 * really runs it in problem state on the host).
 */
#include "asm.h"

	.section .head.entry, "ax"
	.globl	_start
_start:
	b	start_main

	/* .bench_info (the benchmark's own file) lands at EB_INFO_OFFSET, here */

	.section .head.vectors, "ax"

/*
 * Exception vectors 0x100 - 0x2f00, one every 0x100: the 32-bit Book3S set (0x1000 - 0x1300
 * the 603's TLB misses and the IABR, 0x1400 - 0x2f00 the implementation-specific rest). A
 * benchmark never takes one; if it does, report the vector, SRR0 and DAR to the runner
 * rather than run off into the weeds.
 */
	.set	vector, 0x100
	.rept	(0x3000 - 0x100) / 0x100
	. = vector - 0x100
	li	r3, vector
	b	unexpected_exception
	.set	vector, vector + 0x100
	.endr
	. = 0x3000 - 0x100

unexpected_exception:
	mfsrr0	r4
	mfdar	r5		/* a data storage interrupt's address (0x300) */
	LOAD_IMM32(r1, EB_STACK_TOP - 256)
	bl	guest_exception
	b	.

start_main:
	LOAD_IMM32(r1, EB_STACK_TOP - 256)
	/* clear .bss */
	LOAD_IMM32(r3, __bss_start)
	LOAD_IMM32(r4, __bss_end)
	li	r5, 0
1:	cmplw	r3, r4
	bge	2f
	stw	r5, 0(r3)
	addi	r3, r3, 4
	b	1b
2:	LOAD_IMM32(r3, EB_MAILBOX_GPA)
	bl	guest_main
	b	.
