/* SPDX-License-Identifier: MIT */
/* What the mailbox protocol (guest-kernels/common/main.c) needs of a ppc64 guest kernel. */
#ifndef EB_PPC64_ARCH_H
#define EB_PPC64_ARCH_H

#include <stdint.h>

#include <exitbench/mailbox.h>

#include "mmu.h"

/* the 64-bit timebase, in one read */
static inline uint64_t arch_read_tb(void)
{
	uint64_t tb;

	asm volatile("mftb %0" : "=r"(tb) : : "memory");
	return tb;
}

/* the doorbell: one 8-byte store, one MMIO exit */
static inline void arch_doorbell_store(uint64_t what)
{
	*(volatile uint64_t *)EB_DOORBELL_GPA = what;
}

static inline uint64_t arch_read_msr(void)
{
	uint64_t msr;

	asm volatile("mfmsr %0" : "=r"(msr));
	return msr;
}

/* translation on, SEGMENTS extra live segments (mmu.c): 0, or -1 */
static inline int arch_mmu_on(uint64_t segments)
{
	return eb_mmu_on(segments);
}

#endif
