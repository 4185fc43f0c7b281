// SPDX-License-Identifier: MIT
/*
 * Translation on, as a Linux guest has it (EB_NEED_MMU): a hashed page table the guest owns
 * (non-PAPR: SDR1 holds its guest physical address, kvm-pr reads it there), 4 KiB pages of
 * 256 MiB segments, SLB entries written with slbmte, then MSR IR and DR through rfid. Every
 * address the guest uses is mapped one to one: the image, the mailbox, the stack, the
 * doorbell and the mmio benchmark's page (cache-inhibited, guarded: not in any memslot,
 * they still exit to the runner as MMIO). Each extra live segment i (0 .. segments - 1)
 * is ESID EB_SEG_FIRST_ESID + i, its first page mapped to EB_SEG_PAGE_GPA, and is touched
 * once here so that kvm-pr's shadow SLB holds it from then on: each guest entry then
 * loads one more entry (LOAD_GUEST_SEGMENTS, book3s_64_slb.S).
 * Everything here runs before the warm-up: its exits (slbmte, mtsdr1, rfid, the first
 * touch of each page and segment) are never inside a timed repetition.
 */
#include <exitbench/mailbox.h>

#include "mmu.h"

#define MSR_IR		0x20ULL
#define MSR_DR		0x10ULL
#define HPTE_V_VALID	0x1ULL
#define HPTE_V_SECOND	0x2ULL
#define HPTE_R_R	0x100ULL	/* referenced, changed: set, kvm-pr need not write them */
#define HPTE_R_C	0x80ULL
#define WIMG_M		0x10ULL		/* memory coherence */
#define WIMG_IG		0x28ULL		/* cache-inhibited, guarded */
#define SLB_ESID_V	0x08000000ULL
#define PTEGS		(EB_HPT_SIZE / 128)
#define PAGE		0x1000ULL

void eb_mmu_rfid(uint64_t msr);		/* start.S: rfid to the caller with this MSR */

/* the VSID of a segment: any non-zero value the guest likes, one per ESID */
static uint64_t vsid_of(uint64_t esid)
{
	return 0x10000 + esid;
}

static inline void store_be(volatile uint64_t *p, uint64_t v)
{
	*p = __builtin_bswap64(v);
}

static inline uint64_t load_be(volatile uint64_t *p)
{
	return __builtin_bswap64(*p);
}

/* one 4 KiB page ea -> pa in the hashed page table; 0, or -1 when both PTEGs are full */
static int map_page(uint64_t ea, uint64_t pa, uint64_t wimg)
{
	uint64_t vsid = vsid_of(ea >> 28), page = (ea & 0xfffffffULL) >> 12;
	uint64_t vpn = (vsid << 16) | page, hash = (vsid ^ page) & 0x7fffffffffULL;

	for (int second = 0; second < 2; second++) {
		uint64_t h = (second ? ~hash : hash) & (PTEGS - 1);
		volatile uint64_t *pteg = (volatile uint64_t *)(EB_HPT_GPA + (h << 7));

		for (int i = 0; i < 16; i += 2) {
			if (load_be(&pteg[i]) & HPTE_V_VALID)
				continue;
			store_be(&pteg[i + 1], (pa & ~(PAGE - 1)) | HPTE_R_R | HPTE_R_C | wimg);
			store_be(&pteg[i], ((vpn >> 11) << 7) | (second ? HPTE_V_SECOND : 0) |
					   HPTE_V_VALID);
			return 0;
		}
	}
	return -1;
}

static int map_range(uint64_t start, uint64_t size, uint64_t wimg)
{
	for (uint64_t a = start; a < start + size; a += PAGE)
		if (map_page(a, a, wimg))
			return -1;
	return 0;
}

static void slb_entry(uint64_t esid, uint64_t index)
{
	uint64_t rs = vsid_of(esid) << 12, rb = (esid << 28) | SLB_ESID_V | index;

	asm volatile("slbmte %0, %1" : : "r"(rs), "r"(rb) : "memory");
}

int eb_mmu_on(uint64_t segments)
{
	uint64_t msr, sdr1 = EB_HPT_GPA;	/* HTABSIZE 0: 2048 PTEGs, 256 KiB */
	volatile uint64_t *hpt = (volatile uint64_t *)EB_HPT_GPA;

	if (segments > EB_MMU_MAX_SEGMENTS)
		return -1;
	for (uint64_t i = 0; i < EB_HPT_SIZE / 8; i++)
		hpt[i] = 0;
	if (map_range(0, EB_IMAGE_MAX, WIMG_M) ||
	    map_range(EB_MAILBOX_GPA, EB_MAILBOX_SIZE, WIMG_M) ||
	    map_range(EB_STACK_TOP - EB_MMU_STACK_MAPPED, EB_MMU_STACK_MAPPED, WIMG_M) ||
	    map_range(EB_DOORBELL_GPA, PAGE, WIMG_IG) || map_range(EB_MMIO_BENCH_GPA, PAGE, WIMG_IG))
		return -1;
	for (uint64_t i = 0; i < segments; i++)
		if (map_page((EB_SEG_FIRST_ESID + i) << 28, EB_SEG_PAGE_GPA, WIMG_M))
			return -1;
	asm volatile("ptesync; mtspr 25, %0; isync" : : "r"(sdr1) : "memory");	/* SDR1 */
	asm volatile("slbia; isync" : : : "memory");
	slb_entry(0, 0);				/* image, mailbox, stack */
	slb_entry(EB_DOORBELL_GPA >> 28, 1);		/* the doorbell and the mmio page */
	for (uint64_t i = 0; i < segments; i++)
		slb_entry(EB_SEG_FIRST_ESID + i, 2 + i);
	asm volatile("isync" : : : "memory");
	asm volatile("mfmsr %0" : "=r"(msr));
	eb_mmu_rfid(msr | MSR_IR | MSR_DR);
	/* translated from here: each extra segment touched once, into the shadow SLB */
	for (uint64_t i = 0; i < segments; i++)
		(void)*(volatile uint64_t *)((EB_SEG_FIRST_ESID + i) << 28);
	return 0;
}
