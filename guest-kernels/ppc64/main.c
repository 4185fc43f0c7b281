// SPDX-License-Identifier: MIT
/*
 * The guest side of the mailbox protocol (guest-kernels/include/exitbench/mailbox.h):
 * translation on when the benchmark asks for it (EB_NEED_MMU, its parameter 0 the extra live
 * segments: mmu.c), warm up, then time each repetition's batches of the benchmark's loop with the timebase
 * and hand control to the runner at each repetition's start and end.
 */
#include <exitbench/mailbox.h>

#include "mmu.h"

void bench_loop(uint64_t iterations);		/* the benchmark's file */
extern const struct eb_bench_info eb_info;	/* its BENCH_INFO, at EB_INFO_OFFSET */
void guest_main(struct eb_mailbox *mb);
void guest_exception(uint64_t vector, uint64_t pc, uint64_t dar);

static inline uint64_t mftb(void)
{
	uint64_t tb;

	asm volatile("mftb %0" : "=r"(tb) : : "memory");
	return tb;
}

/* ends KVM_RUN with KVM_EXIT_MMIO; everything stored before is visible to the runner */
static void doorbell(uint64_t what)
{
	asm volatile("sync" : : : "memory");
	*(volatile uint64_t *)EB_DOORBELL_GPA = what;
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

	if ((eb_info.flags & EB_NEED_MMU) && eb_mmu_on(mb->params[0]))
		stop(mb, EB_ST_BAD_REQUEST);
	/* what the runner checks translation by (mfmsr exits: here, never in a repetition) */
	asm volatile("mfmsr %0" : "=r"(mb->guest_msr));

	deltas = (volatile uint64_t *)((char *)mb + mb->deltas_offset);
	per_batch = mb->iterations / mb->batches;
	mb->status = EB_ST_RUNNING;

	/* touch every delta slot so no first-store fault lands inside a timed repetition */
	for (b = 0; b < mb->batches; b++)
		deltas[b] = 0;
	bench_loop(mb->warmup_iterations);

	for (rep = 0; rep < mb->repetitions; rep++) {
		mb->rep = rep;
		mb->batches_done = 0;
		doorbell(EB_DB_REP_START);
		start = mftb();
		for (b = 0; b < mb->batches; b++) {
			t0 = mftb();
			bench_loop(per_batch);
			t1 = mftb();
			deltas[b] = t1 - t0;
		}
		mb->rep_ticks = mftb() - start;
		mb->batches_done = mb->batches;
		doorbell(EB_DB_REP_END);
	}
	stop(mb, EB_ST_DONE);
}

void guest_exception(uint64_t vector, uint64_t pc, uint64_t dar)
{
	struct eb_mailbox *mb = (struct eb_mailbox *)EB_MAILBOX_GPA;

	mb->error_arg = vector;
	mb->error_pc = pc;
	mb->error_addr = vector == 0x300 || vector == 0x380 ? dar : 0;
	stop(mb, EB_ST_EXCEPTION);
}
