/* SPDX-License-Identifier: MIT */
/*
 * The Linux guest (docs/design.md, "The Linux guest"): QEMU with PR KVM running a Linux
 * kernel whose module (guest-kernels/linux/exitbench_lg.c) runs the loops; the runner talks
 * to its /init over the guest's console and reads KVM's counters of its VM from debugfs.
 */
#ifndef EB_RUNNER_LGRUN_H
#define EB_RUNNER_LGRUN_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "exits.h"
#include "lguest.h"

#define LG_MAX_ARGS 64

struct lguest {
	char dir[PATH_MAX];		/* vmlinux, guest.cpio.gz, qemu.args, benchmarks */
	struct eb_lg_bench list[EB_LG_MAX];
	int n;
	pid_t pid;			/* QEMU, 0 when not running */
	int to, from;			/* its console: our commands in, its lines out */
	char buf[1 << 16];
	size_t len;
	char last[256];			/* the last line that was not the protocol's */
	char kvm[PATH_MAX];		/* /sys/kernel/debug/kvm/PID-FD: its VM's counters */
	uint32_t pvr;
	uint64_t tb_hz;
	char release[64];
	int state;			/* 0 not booted, 1 up, -1 failed (why) */
	char why[512];
};

/* Read DIR's list of benchmarks; 0, or -errno with err filled. */
int lg_open(struct lguest *g, const char *dir, char *err, size_t errlen);
/* The benchmark linux-NAME of the list, or NULL. */
const struct eb_lg_bench *lg_find(const struct lguest *g, const char *name);
/* Start QEMU and wait (until deadline, CLOCK_MONOTONIC seconds) for the guest's
 * EB-LG-READY; 0, or -1 with g->why set and QEMU stopped. */
int lg_boot(struct lguest *g, time_t deadline);
/*
 * Run NAME's loop in the guest: "run NAME N BATCHES" (N written 20 digits wide: the same
 * bytes cross the console for any), until its EB-LG-RAN. 0; -1 with why filled (the guest
 * refused, died, or did not answer by deadline: then g->state is -1 and QEMU stopped).
 */
int lg_run(struct lguest *g, const char *name, uint64_t n, uint32_t batches, time_t deadline,
	   char *why, size_t len);
/* The last run's result, checked to be NAME's N and BATCHES: *ticks (the whole loop),
 * batch[batches], *slb. 0, or -1 as lg_run. */
int lg_result(struct lguest *g, const char *name, uint64_t n, uint32_t batches, time_t deadline,
	      uint64_t *ticks, uint64_t *batch, uint32_t *slb, char *why, size_t len);
/* KVM's counters of the guest's VM (the sum over its vcpus), eb_counter_names' order */
int lg_counters(struct lguest *g, uint64_t c[EBC_N]);
/* Power the guest off (quit), QEMU killed if it does not exit within 10 s; a later lg_boot
 * boots it again. */
void lg_close(struct lguest *g);
time_t lg_now(void);

#endif
