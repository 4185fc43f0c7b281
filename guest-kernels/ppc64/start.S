/* SPDX-License-Identifier: MIT */
/*
 * Boot stub of the ppc64 guest kernels. The runner starts the vcpu at 0 in real mode
 * with MSR = SF | ME | LE and interrupts off; from the guest's point of view it runs in
 * supervisor state (PR KVM really runs it in problem state on the host).
 */
#include "asm.h"

	.section .head.entry, "ax"
	.globl	_start
_start:
	b	start_main

	/* .bench_info (the benchmark's own file) lands at EB_INFO_OFFSET, here */

	.section .head.vectors, "ax"

/*
 * Exception vectors 0x100 - 0xf00. A benchmark never takes one; if it does, report the
 * vector and SRR0 to the runner rather than run off into the weeds.
 */
.macro VECTOR n
	. = \n - 0x100
	li	r3, \n
	b	unexpected_exception
.endm
	VECTOR 0x100
	VECTOR 0x200
	VECTOR 0x300
	VECTOR 0x380
	VECTOR 0x400
	VECTOR 0x480
	VECTOR 0x500
	VECTOR 0x600
	VECTOR 0x700
	VECTOR 0x800
	VECTOR 0x900
	VECTOR 0x980
	VECTOR 0xa00
	VECTOR 0xb00
	VECTOR 0xc00
	VECTOR 0xd00
	VECTOR 0xe00
	VECTOR 0xe20
	VECTOR 0xe40
	VECTOR 0xe60
	VECTOR 0xe80
	VECTOR 0xf00
	VECTOR 0xf20
	VECTOR 0xf40
	VECTOR 0xf60
	. = 0x1000 - 0x100

unexpected_exception:
	mfsrr0	r4
	mfdar	r5		/* a storage interrupt's address (0x300, 0x380) */
	LOAD_IMM64(r1, EB_STACK_TOP - 256)
	LOAD_IMM64(r2, .TOC.)	/* the interrupted code may have lost it */
	bl	guest_exception
	b	.

/* eb_mmu_rfid(msr): back to the caller with MSR = msr (translation on: mmu.c) */
	.globl	eb_mmu_rfid
eb_mmu_rfid:
	mflr	r4
	mtsrr0	r4
	mtsrr1	r3
	rfid

start_main:
	LOAD_IMM64(r1, EB_STACK_TOP - 256)
	LOAD_IMM64(r2, .TOC.)
	/* clear .bss */
	LOAD_IMM64(r3, __bss_start)
	LOAD_IMM64(r4, __bss_end)
	li	r5, 0
1:	cmpld	r3, r4
	bge	2f
	std	r5, 0(r3)
	addi	r3, r3, 8
	b	1b
2:	LOAD_IMM64(r3, EB_MAILBOX_GPA)
	bl	guest_main
	b	.
