/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * A PAPR hypercall (KVM_CAP_PPC_PAPR): sc 1 with H_SET_MODE, mflags 0, resource 3,
 * answered in the kernel by kvmppc_h_pr. On POWER hardware it is a system call interrupt
 * that kvm-pr serves; under QEMU's emulated pseries the emulator itself answers sc 1 from
 * problem state (H_PRIVILEGE) and nothing exits: the runner sees 0 exits and says so.
 */
BENCH_INFO papr-hcall, 1, EB_EXIT_PAPR_HCALL, EB_NEED_PAPR, "sc 1 H_SET_MODE: PAPR hypercall answered in the kernel (kvmppc_h_pr)"
BENCH_LOOP_BEGIN
	li	r3, 0x31c		/* H_SET_MODE */
	li	r4, 0			/* mflags */
	li	r5, 3			/* resource */
	li	r6, 0
	li	r7, 0
	sc	1
BENCH_LOOP_END
