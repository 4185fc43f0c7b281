/* SPDX-License-Identifier: MIT */
/*
 * The Linux guest's benchmarks (docs/design.md, "The Linux guest"): the list
 * guest-kernels/linux/benchmarks, one a line, "NAME EXIT-KIND EXITS-PER-ITERATION WHAT",
 * each run in the guest's kernel and named linux-NAME in a suite. Read by the runner (which
 * checks the claims) and by exitbench suite on the x86 side. Portable C.
 */
#ifndef EB_LGUEST_H
#define EB_LGUEST_H

#include <stddef.h>
#include <stdint.h>

#include <exitbench/mailbox.h>	/* EB_NAME_LEN, EB_WHAT_LEN */

#include "suite.h"

#define EB_LG_PREFIX "linux-"	/* a suite's name for the Linux guest's benchmark NAME */
#define EB_LG_MAX 16
#define EB_LG_MAX_BATCHES 1000	/* the module's (guest-kernels/linux/exitbench_lg.c) */
#define EB_XSTR(x) #x
#define EB_STR(x) EB_XSTR(x)

struct eb_lg_bench {
	char name[EB_NAME_LEN];		/* linux-NAME */
	uint32_t exit_kind;		/* EB_EXIT_* */
	uint32_t exits_per_iter;
	char what[EB_WHAT_LEN];
};

/* 1 when a suite's benchmark name is the Linux guest's (linux-NAME) */
int eb_lg_name(const char *bench);
/*
 * NULL when suite line e may run in the Linux guest; else why not (one line): it gives
 * parameters, or more batches than the module times. The runner and exitbench suite ask.
 */
const char *eb_lg_entry_problem(const struct suite_entry *e);
/* Read the list at path into b[EB_LG_MAX]; how many, or -errno / -EINVAL with err filled. */
int eb_lg_load(const char *path, struct eb_lg_bench *b, char *err, size_t errlen);

#endif
