/* SPDX-License-Identifier: MIT */
/* Translation on for a guest kernel (EB_NEED_MMU): guest-kernels/ppc64/mmu.c. */
#ifndef EB_PPC64_MMU_H
#define EB_PPC64_MMU_H

#include <stdint.h>

/* the guest SLB's 64 entries less the image's segment and the doorbell's */
#define EB_MMU_MAX_SEGMENTS	62
/* the stack's mapped top (start.S starts it 256 bytes below EB_STACK_TOP) */
#define EB_MMU_STACK_MAPPED	0x10000

/*
 * Map the guest's memory one to one, give it SEGMENTS extra live segments, turn MSR IR and
 * DR on and touch each extra segment once. 0, or -1: SEGMENTS beyond EB_MMU_MAX_SEGMENTS or
 * the page table full (translation still off then).
 */
int eb_mmu_on(uint64_t segments);

#endif
