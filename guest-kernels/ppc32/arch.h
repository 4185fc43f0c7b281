/* SPDX-License-Identifier: MIT */
/*
 * What the mailbox protocol (guest-kernels/common/main.c) needs of a ppc32 guest kernel:
 * big-endian, 32-bit Book3S (book3s_32 PR KVM), real mode throughout.
 */
#ifndef EB_PPC32_ARCH_H
#define EB_PPC32_ARCH_H

#include <stdint.h>

#include <exitbench/mailbox.h>

/* the 64-bit timebase from its two halves, read again when the low half wrapped between */
static inline uint64_t arch_read_tb(void)
{
	uint32_t hi, lo, hi2;

	do {
		asm volatile("mftbu %0\n\tmftb %1\n\tmftbu %2"
			     : "=r"(hi), "=r"(lo), "=r"(hi2) : : "memory");
	} while (hi != hi2);
	return (uint64_t)hi << 32 | lo;
}

/*
 * the doorbell: one 32-bit stw, one MMIO exit of length 4 (an 8-byte store would be two
 * stores here, two exits); every EB_DB_* value fits
 */
static inline void arch_doorbell_store(uint64_t what)
{
	*(volatile uint32_t *)EB_DOORBELL_GPA = (uint32_t)what;
}

static inline uint64_t arch_read_msr(void)
{
	uint32_t msr;

	asm volatile("mfmsr %0" : "=r"(msr));
	return msr;
}

/* no translation on a 32-bit guest (yet): a benchmark that needs it is a bad request */
static inline int arch_mmu_on(uint64_t segments)
{
	(void)segments;
	return -1;
}

#endif
