/* SPDX-License-Identifier: MIT */
/*
 * The contract between a guest kernel and the runner (docs/design.md, "The mailbox").
 *
 * Guest physical layout:
 *   0x0000_0000  the guest image: a branch, struct eb_bench_info at EB_INFO_OFFSET,
 *                exception vectors from 0x100, code and data
 *   EB_MAILBOX_GPA  the mailbox: struct eb_mailbox, then the per-batch deltas
 *   EB_STACK_TOP    top of the guest's stack
 *   EB_DOORBELL_GPA unbacked: a store of an EB_DB_* value there (64-bit on a 64-bit
 *                   guest, one 32-bit stw on a 32-bit one) ends KVM_RUN with KVM_EXIT_MMIO,
 *                   the guest's way to hand control to the runner
 *   EB_MMIO_BENCH_GPA unbacked: the mmio benchmark's target
 *   EB_HPT_GPA      the hashed page table of a guest with the MMU on (EB_HPT_SIZE)
 *   EB_SEG_PAGE_GPA the page every extra live segment of such a guest maps
 *
 * The runner fills the request fields (with the benchmark's parameters, the suite line's
 * NAME:PARAM=VALUE,...) and starts the vcpu at 0 in real mode. A benchmark that asks for it
 * (EB_NEED_MMU) then turns translation on as a Linux guest does (guest-kernels/ppc64/mmu.c:
 * a hashed page table at EB_HPT_GPA, SLB entries, MSR IR/DR), every address above mapped
 * one to one. The guest runs a warm-up,
 * then for each repetition rings EB_DB_REP_START, times `batches` batches of
 * iterations/batches loop iterations with the timebase, stores each batch's ticks in
 * deltas[], and rings EB_DB_REP_END; at the end it rings EB_DB_DONE. The runner validates
 * every field it reads (eb_mailbox_check) before trusting it.
 *
 * Every field is in the guest's byte order, which is its host's: little-endian for the
 * 64-bit guests (MSR[LE]), big-endian for the 32-bit Book3S ones (guest-kernels/ppc32); an
 * image's struct eb_bench_info says which by its magic (bench/lib/image.c). Fixed-width
 * fields only, so the layout is the same in the freestanding guest, the runner and the x86
 * tests, on either architecture.
 */
#ifndef EXITBENCH_MAILBOX_H
#define EXITBENCH_MAILBOX_H

#ifdef __ASSEMBLER__
#define EB_UL(x) x
#else
#include <stdint.h>
#define EB_UL(x) x##UL
#endif

#define EB_GUEST_MEM_SIZE	EB_UL(0x1000000)	/* 16 MiB slot at guest physical 0 */
#define EB_IMAGE_MAX		EB_UL(0x80000)		/* guest image may use [0, 512 KiB) */
#define EB_MAILBOX_GPA		EB_UL(0x100000)
#define EB_MAILBOX_SIZE		EB_UL(0x100000)		/* header + deltas */
#define EB_STACK_TOP		EB_UL(0x400000)
#define EB_DOORBELL_GPA		EB_UL(0x40000000)
#define EB_MMIO_BENCH_GPA	EB_UL(0x40001000)
#define EB_HPT_GPA		EB_UL(0x800000)		/* 256 KiB aligned */
#define EB_HPT_SIZE		EB_UL(0x40000)		/* 2048 PTEGs: SDR1's HTABSIZE 0 */
#define EB_SEG_PAGE_GPA		EB_UL(0x900000)
#define EB_SEG_FIRST_ESID	16			/* the extra segments: ESID 16, 17 ... */

#define EB_INFO_OFFSET		0x10
#define EB_INFO_MAGIC		0x49425845	/* "EXBI" */
#define EB_INFO_VERSION		2	/* 2: parameters; the runner still reads 1 */
#define EB_MAILBOX_MAGIC	0x4d425845	/* "EXBM" */
#define EB_MAILBOX_VERSION	2	/* 2: parameters, error_addr */
#define EB_DELTAS_OFFSET	256
#define EB_MAX_BATCHES		((EB_MAILBOX_SIZE - EB_DELTAS_OFFSET) / 8)

/* doorbell values (what the guest stores at EB_DOORBELL_GPA) */
#define EB_DB_REP_START		1
#define EB_DB_REP_END		2
#define EB_DB_DONE		3
#define EB_DB_FAIL		4

/* mailbox status, written by the guest */
#define EB_ST_NEW		0	/* runner wrote the request, guest not started */
#define EB_ST_RUNNING		1
#define EB_ST_DONE		2
#define EB_ST_BAD_REQUEST	3	/* the guest rejected the request fields */
#define EB_ST_EXCEPTION		4	/* unexpected interrupt: error_arg = vector, error_pc = SRR0,
					   error_addr = DAR for 0x300 and 0x380 */

/* what a benchmark's iteration is expected to cause (struct eb_bench_info.exit_kind) */
#define EB_EXIT_NONE		0	/* no exit: loop and timer overhead (null) */
#define EB_EXIT_EMUL		1	/* emulated privileged instruction (emulated_inst_exits) */
#define EB_EXIT_HCALL		2	/* hypercall answered in the kernel (no counter of its own) */
#define EB_EXIT_USER_HCALL	3	/* hypercall answered by the runner (KVM_EXIT_OSI) */
#define EB_EXIT_PAPR_HCALL	4	/* PAPR sc 1, answered in the kernel (kvmppc_h_pr) */
#define EB_EXIT_MMIO		5	/* MMIO to userspace (mmio_exits, KVM_EXIT_MMIO) */
#define EB_EXIT_KINDS		6

/* struct eb_bench_info.flags: what the runner must enable on the vcpu */
#define EB_NEED_OSI		0x1	/* KVM_CAP_PPC_OSI */
#define EB_NEED_PAPR		0x2	/* KVM_CAP_PPC_PAPR */
#define EB_NEED_MMU		0x4	/* translation on, parameter 0 the extra live segments */
#define EB_MSR_IR_DR		0x30	/* MSR[IR] | MSR[DR]: translation on */

#define EB_NAME_LEN		24	/* a benchmark's name, with its NUL: the one limit everywhere */
#define EB_WHAT_LEN		128
#define EB_MAX_PARAMS		2	/* a benchmark's parameters (unsigned integers) */
#define EB_PARAM_NAME_LEN	16

#ifndef __ASSEMBLER__
/* At EB_INFO_OFFSET in the image: what the benchmark is, from its own file. */
struct eb_bench_info {
	uint32_t magic;
	uint16_t version;
	uint16_t size;
	char name[EB_NAME_LEN];		/* NUL-terminated; the benchmark's file name */
	uint32_t exits_per_iter;	/* claimed */
	uint32_t exit_kind;		/* EB_EXIT_* */
	uint32_t flags;			/* EB_NEED_* */
	uint32_t reserved;
	char what[EB_WHAT_LEN];		/* one line: what an iteration does */
	/* version 2: the parameters a suite line may give it (name "" : none) */
	struct eb_param_info {
		char name[EB_PARAM_NAME_LEN];	/* [a-z0-9_]+, NUL-terminated */
		uint64_t max;			/* values 0 .. max */
		uint64_t def;			/* when the suite line does not say */
	} params[EB_MAX_PARAMS];
};

struct eb_mailbox {
	uint32_t magic;
	uint16_t version;
	uint16_t deltas_offset;		/* EB_DELTAS_OFFSET */
	/* request: written by the runner before the first KVM_RUN */
	uint64_t iterations;		/* per repetition */
	uint64_t warmup_iterations;
	uint32_t batches;		/* per repetition, divides iterations */
	uint32_t repetitions;
	/* progress: written by the guest */
	uint32_t status;		/* EB_ST_* */
	uint32_t rep;			/* repetition in progress or just ended */
	uint32_t batches_done;		/* in this repetition */
	uint32_t pad;
	uint64_t rep_ticks;		/* timebase ticks of the whole repetition */
	uint64_t error_arg;
	uint64_t error_pc;
	uint64_t error_addr;		/* a storage interrupt's DAR, else 0 */
	/* request (version 2): the benchmark's parameters, in its info's order */
	uint64_t params[EB_MAX_PARAMS];
	uint64_t guest_msr;		/* the guest's MSR once set up, before the warm-up */
	uint64_t reserved[19];
	/* at deltas_offset: uint64_t deltas[batches], ticks of each batch of this repetition */
};

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct eb_bench_info) <= 0x100 - EB_INFO_OFFSET, "info overlaps vectors");
_Static_assert(sizeof(struct eb_mailbox) == EB_DELTAS_OFFSET, "mailbox header size");
#endif
#endif /* __ASSEMBLER__ */
#endif
