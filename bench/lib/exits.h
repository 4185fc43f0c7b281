/* SPDX-License-Identifier: MIT */
/*
 * Exits of one repetition, from the vcpu's own KVM statistics, and the judgement whether
 * the benchmark exited as its file claims. Portable C, shared by the runner and exitbench.
 */
#ifndef EB_EXITS_H
#define EB_EXITS_H

#include <stddef.h>
#include <stdint.h>

/* the vcpu statistics the runner reads (names as KVM_GET_STATS_FD gives them) */
enum eb_counter {
	EBC_SUM,		/* sum_exits: every guest exit kvmppc_handle_exit_pr saw */
	EBC_EMUL,		/* emulated_inst_exits */
	EBC_MMIO,		/* mmio_exits */
	EBC_SYSCALL,		/* syscall_exits: guest syscalls reflected into the guest */
	EBC_DEC,		/* dec_exits: host timer, not the benchmark */
	EBC_EXT,		/* ext_intr_exits: host interrupts, not the benchmark */
	EBC_PF_STORAGE,		/* pf_storage / pf_instruc: shadow page faults */
	EBC_PF_INSTRUC,
	EBC_SP_STORAGE,		/* sp_storage / sp_instruc: segment faults */
	EBC_SP_INSTRUC,
	EBC_N
};
extern const char *const eb_counter_names[EBC_N];

/* what one repetition exited, as raw deltas of the counters over the repetition */
struct eb_exits {
	uint64_t c[EBC_N];
	uint64_t user;		/* KVM_RUN returns to the runner the benchmark caused */
	uint64_t doorbells;	/* the runner's own doorbell exits inside the deltas */
	/*
	 * A Linux guest's repetition (docs/design.md, "The Linux guest"): base, the same
	 * counters over the same way in and out of the loop run with no iteration (the guest
	 * kernel's own exits), subtracted from c; slack, the exits by which two such empty runs
	 * differed, which the count may miss the claim by.
	 */
	int has_base;
	uint64_t base[EBC_N];
	uint64_t slack;
};

enum eb_exit_verdict {
	EB_EXITS_OK,		/* exactly as claimed (within the slack) */
	EB_EXITS_MISMATCH,	/* more, fewer or other exits than claimed */
	EB_EXITS_UNREACHED,	/* claimed exits but none reached the host kernel */
};

struct eb_exit_judgement {
	uint64_t attributed;	/* exits of the benchmark: all but doorbells and host timer/IRQ */
	uint64_t background;	/* dec_exits + ext_intr_exits */
	double per_iteration;	/* attributed / iterations */
	enum eb_exit_verdict verdict;
	char why[200];		/* for a verdict other than OK */
};

/* Name of an EB_EXIT_* kind ("emulated-instruction" ...), "unknown" out of range. */
const char *eb_exit_kind_name(uint32_t kind);
/* The EB_EXIT_* kind of a name, EB_EXIT_KINDS when none. */
uint32_t eb_exit_kind_from_name(const char *name);
/* Judge one repetition of a benchmark of exit_kind claiming exits_per_iter exits. */
void eb_exits_judge(const struct eb_exits *x, uint32_t exit_kind, uint32_t exits_per_iter,
		    uint64_t iterations, struct eb_exit_judgement *j);

#endif
