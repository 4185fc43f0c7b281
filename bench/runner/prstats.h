/* SPDX-License-Identifier: MIT */
/*
 * The instrumented kvm-pr's exit timing histograms (module/patches 0005, kvm-pr
 * exit_timing_stats=N: one round trip in N, at random) in the vcpu's binary stats: per phase
 * of the round trip, and per exit reason the whole round trip, a sum of the durations in
 * timebase ticks, a linear histogram of one tick a bucket and a log2 histogram past it; and
 * the round trips timed. Read at the start and end of each repetition, as the exit counters
 * are; the difference is the repetition's (docs/design.md, "Raw records"). Library code:
 * -errno.
 */
#ifndef EB_PRSTATS_H
#define EB_PRSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vm.h"

#define PRS_NPHASE 10
#define PRS_NEXIT 12
#define PRS_NGROUP (PRS_NPHASE + PRS_NEXIT)

/* the phases of the round trip, in path order, as the stats name them */
extern const char *const prs_phase_names[PRS_NPHASE];
/* the exit reasons kept apart (the stats' pr_timing_exit_NAME_*), the last: all others */
extern const char *const prs_exit_names[PRS_NEXIT];
extern const uint32_t prs_exit_vectors[PRS_NEXIT];	/* the last: 0, the others */

struct prs {
	int on;				/* the stats are there and kvm-pr records into them */
	char state[160];		/* "on: ...", or "off: why" (the env record's) */
	unsigned every;			/* exit_timing_stats: one round trip in this many */
	off_t round_trips;		/* offsets into the stats fd */
	int ngroup;			/* the phases, then (a kvm-pr that has them) the reasons */
	struct {
		off_t sum, hist, log;
		uint32_t nhist, nlog;
	} g[PRS_NGROUP];
	size_t nvals;			/* values a reading holds (prs_read) */
};

/*
 * Find the stats among the vcpu's (vm_stats_open first); off (p->on 0, p->state why) when
 * this kvm-pr has none or does not record (its exit_timing_stats parameter, read from
 * param_path, is 0). 0.
 */
int prs_open(struct prs *p, const struct vm *vm, const char *param_path);
/* One reading into vals[p->nvals]: round trips, then per group: sum, hist[], log[]. */
int prs_read(const struct prs *p, int stats_fd, uint64_t *vals);
/* The layout of a reading: where group k's (phase k, or reason k - PRS_NPHASE) sum is. */
size_t prs_sum_at(const struct prs *p, int k);

#endif
