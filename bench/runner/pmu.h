/* SPDX-License-Identifier: MIT */
/*
 * Hardware event counts of the VMM thread around each repetition (perf_event_open, counting
 * mode, inherit off). The POWER events are named through libpfm4 when the runner is built
 * with it (HAVE_LIBPFM); the generic hardware events (instructions, cycles) are counted
 * beside them and stand alone where libpfm4 or the POWER events are missing.
 *
 * Each event is opened three times: unfiltered, ":u" (problem state: under Book3S PR that is
 * the guest and the VMM) and ":k" (the host kernel: the exit and entry path). The events of
 * one filter form a perf group; a repetition counts one group, the repetitions rotating
 * through them, so that no count is multiplexed within a repetition (a group that the PMU
 * cannot hold is still multiplexed by perf: its time_running says so). A PMU that ignores
 * the filter (a user-mode loop counts as much under :k as under :u) keeps the unfiltered
 * counts only.
 *
 * exclude_guest/exclude_host are not used: no powerpc code looks at them (a PR guest is host
 * user mode, invisible to perf as a guest), so they would repeat the unfiltered count.
 * Library code: returns -errno, prints nothing; an event that cannot be counted says why.
 */
#ifndef EB_PMU_H
#define EB_PMU_H

#include <stddef.h>
#include <stdint.h>

#define PMU_MAX_EVENTS 24

/* the privilege filter of an event (the perf_event exclude_* bits) */
enum pmu_mode { PMU_ALL, PMU_USER, PMU_KERNEL, PMU_MODES };

struct pmu_event {
	char name[48];		/* "PM_RUN_INST_CMPL", "instructions:u" ... */
	enum pmu_mode mode;
	char encoding[96];	/* how it was opened: "power8::PM_RUN_INST_CMPL raw 0x500fa" */
	char status[160];	/* "ok" or "unsupported: why" */
	int fd;			/* -1 when unsupported */
	int leader;		/* fd it is enabled through: its group's leader, or itself */
	/* the last repetition it counted (pmu_stop); the times are deltas over it (a reset
	 * clears the count only) */
	uint64_t count, enabled_ns, running_ns;
	uint64_t base_enabled_ns, base_running_ns;
	int read_error;		/* errno of a failed read, 0 */
};

struct pmu {
	size_t n;
	struct pmu_event ev[PMU_MAX_EVENTS];
	int nmodes;		/* PMU_ALL only (1) or all three (3) */
	int active;		/* mode of the last pmu_start (its counts after pmu_stop), -1 */
	int running;		/* between pmu_start and pmu_stop */
	char library[128];	/* "libpfm4 (API 4.0), core PMU power8", or why none */
	char split_check[160];	/* what the :u/:k filter check counted ("" when not made) */
};

/* Name of a mode: "all", "u", "k". */
const char *pmu_mode_name(enum pmu_mode m);
/*
 * Open the counters for the calling thread; split: also the :u and :k counts, if the PMU
 * honours the filter. Never fails as a whole: an event that cannot be counted keeps fd -1
 * and says why in its status.
 */
void pmu_open(struct pmu *p, int split);
/* Events that count (fd >= 0). */
size_t pmu_usable(const struct pmu *p);
/* The mode repetition rep counts: rotating through the modes that have usable events. */
enum pmu_mode pmu_mode_for_rep(const struct pmu *p, uint32_t rep);
/* Reset and start the events of mode m. */
int pmu_start(struct pmu *p, enum pmu_mode m);
/* Stop the running events and read their counts (count, enabled_ns, running_ns). */
int pmu_stop(struct pmu *p);
void pmu_close(struct pmu *p);

#endif
