/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * The KVM paravirtual hypercall KVM_HC_FEATURES: sc with r0 = KVM_SC_MAGIC_R0 and
 * r11 = KVM_HCALL_TOKEN(KVM_HC_FEATURES), answered by kvmppc_kvm_pv in the kernel and
 * resumed with RESUME_GUEST: the lightweight re-entry. On a 32-bit vcpu (bench/ppc32, the same
 * file) the magic and the token are compared as 32-bit values, which these are.
 */
BENCH_INFO hcall, 1, EB_EXIT_HCALL, 0, "sc KVM_HC_FEATURES: hypercall answered in the kernel (RESUME_GUEST, lightweight)"
BENCH_LOOP_BEGIN
	lis	r0, 0x4b56		/* KVM_SC_MAGIC_R0 0x4b564d21 */
	ori	r0, r0, 0x4d21
	lis	r11, 0x2a		/* KVM_HCALL_TOKEN(KVM_HC_FEATURES) 0x2a0003 */
	ori	r11, r11, 3
	sc
BENCH_LOOP_END
