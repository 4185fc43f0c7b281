// SPDX-License-Identifier: MIT
/*
 * The guest side of the mailbox protocol (guest-kernels/include/exitbench/mailbox.h), the
 * same for every guest kernel: translation on when the benchmark asks for it (EB_NEED_MMU,
 * its parameter 0 the extra live segments: the arch's MMU hook), warm up, then time each
 * repetition's batches of the benchmark's loop with the timebase and hand control to the
 * runner at each repetition's start and end. What differs between 64-bit and 32-bit guests
 * (the timebase read, the doorbell store, the MSR, the MMU) is in guest-kernels/<arch>/arch.h.
 */
#include <exitbench/mailbox.h>

#include "arch.h"

void bench_loop(unsigned long iterations);	/* the benchmark's file */
extern const struct eb_bench_info eb_info;	/* its BENCH_INFO, at EB_INFO_OFFSET */
void guest_main(struct eb_mailbox *mb);
void guest_exception(unsigned long vector, unsigned long pc, unsigned long dar);

/* ends KVM_RUN with KVM_EXIT_MMIO; everything stored before is visible to the runner */
static void doorbell(uint64_t what)
{
	asm volatile("sync" : : : "memory");
	arch_doorbell_store(what);
}

static void __attribute__((noreturn)) stop(struct eb_mailbox *mb, uint32_t status)
{
	mb->status = status;
	doorbell(status == EB_ST_DONE ? EB_DB_DONE : EB_DB_FAIL);
	for (;;)
		;
}

void guest_main(struct eb_mailbox *mb)
{
	volatile uint64_t *deltas;
	uint64_t per_batch, start, t0, t1;
	uint32_t rep, b;

	if (mb->magic != EB_MAILBOX_MAGIC || mb->version != EB_MAILBOX_VERSION ||
	    mb->deltas_offset != EB_DELTAS_OFFSET || mb->batches == 0 ||
	    mb->batches > EB_MAX_BATCHES || mb->iterations % mb->batches != 0 ||
	    mb->repetitions == 0)
		stop(mb, EB_ST_BAD_REQUEST);

	if ((eb_info.flags & EB_NEED_MMU) && arch_mmu_on(mb->params[0]))
		stop(mb, EB_ST_BAD_REQUEST);
	/* what the runner checks translation by (mfmsr exits: here, never in a repetition) */
	mb->guest_msr = arch_read_msr();

	deltas = (volatile uint64_t *)((char *)mb + mb->deltas_offset);
	per_batch = mb->iterations / mb->batches;
	/* bench_loop counts in a register: a 32-bit guest refuses what it would truncate */
	if ((unsigned long)per_batch != per_batch ||
	    (unsigned long)mb->warmup_iterations != mb->warmup_iterations)
		stop(mb, EB_ST_BAD_REQUEST);
	mb->status = EB_ST_RUNNING;

	/* touch every delta slot so no first-store fault lands inside a timed repetition */
	for (b = 0; b < mb->batches; b++)
		deltas[b] = 0;
	bench_loop(mb->warmup_iterations);

	for (rep = 0; rep < mb->repetitions; rep++) {
		mb->rep = rep;
		mb->batches_done = 0;
		doorbell(EB_DB_REP_START);
		start = arch_read_tb();
		for (b = 0; b < mb->batches; b++) {
			t0 = arch_read_tb();
			bench_loop(per_batch);
			t1 = arch_read_tb();
			deltas[b] = t1 - t0;
		}
		mb->rep_ticks = arch_read_tb() - start;
		mb->batches_done = mb->batches;
		doorbell(EB_DB_REP_END);
	}
	stop(mb, EB_ST_DONE);
}

void guest_exception(unsigned long vector, unsigned long pc, unsigned long dar)
{
	struct eb_mailbox *mb = (struct eb_mailbox *)EB_MAILBOX_GPA;

	mb->error_arg = vector;
	mb->error_pc = pc;
	mb->error_addr = vector == 0x300 || vector == 0x380 ? dar : 0;
	stop(mb, EB_ST_EXCEPTION);
}
