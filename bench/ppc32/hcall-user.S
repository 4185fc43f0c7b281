/* SPDX-License-Identifier: MIT */
#include "asm.h"
/*
 * The OSI hypercall (KVM_CAP_PPC_OSI): sc with the OSI magic in r3/r4 leaves KVM_RUN with
 * KVM_EXIT_OSI, the runner answers and re-enters (RESUME_HOST_NV): a full trip to userspace.
 */
BENCH_INFO hcall-user, 1, EB_EXIT_USER_HCALL, EB_NEED_OSI, "sc OSI call: hypercall answered by the runner in userspace (KVM_EXIT_OSI, RESUME_HOST_NV)"
BENCH_LOOP_BEGIN
	lis	r3, 0x1137		/* OSI_SC_MAGIC_R3 0x113724fa */
	ori	r3, r3, 0x24fa
	lis	r4, 0x7781		/* OSI_SC_MAGIC_R4 0x77810f9b */
	ori	r4, r4, 0x0f9b
	li	r0, 0			/* not KVM_SC_MAGIC_R0 */
	sc
BENCH_LOOP_END
