// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prstats.h"

const char *const prs_phase_names[PRS_NPHASE] = {
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit",
};

/* KVMPPC_PR_EXITS of module/patches 0005, then exit_other */
const char *const prs_exit_names[PRS_NEXIT] = {
	"data_storage", "data_segment", "inst_storage", "inst_segment", "external", "alignment",
	"program", "fp_unavail", "decrementer", "syscall", "fac_unavail", "other",
};
const uint32_t prs_exit_vectors[PRS_NEXIT] = {
	0x300, 0x380, 0x400, 0x480, 0x500, 0x600, 0x700, 0x800, 0x900, 0xc00, 0xf60, 0,
};

static void off_because(struct prs *p, const char *why)
{
	p->on = 0;
	snprintf(p->state, sizeof(p->state), "off: %s", why);
}

/* group k's stats, named pr_timing_NAME_{sum,hist,log}: -ENOENT when one is not there */
static int find_group(struct prs *p, const struct vm *vm, int k, const char *name)
{
	char stat[80];
	uint32_t size;
	long off;

	snprintf(stat, sizeof(stat), "pr_timing_%s_sum", name);
	if (vm_stats_find(vm, stat, &off, &size))
		return -ENOENT;
	p->g[k].sum = off;
	snprintf(stat, sizeof(stat), "pr_timing_%s_hist", name);
	if (vm_stats_find(vm, stat, &off, &p->g[k].nhist))
		return -ENOENT;
	p->g[k].hist = off;
	snprintf(stat, sizeof(stat), "pr_timing_%s_log", name);
	if (vm_stats_find(vm, stat, &off, &p->g[k].nlog))
		return -ENOENT;
	p->g[k].log = off;
	return 0;
}

int prs_open(struct prs *p, const struct vm *vm, const char *param_path)
{
	char name[64], param[16] = "", *end;
	unsigned long every;
	uint32_t size;
	long off;
	FILE *f;

	memset(p, 0, sizeof(*p));
	if (vm_stats_find(vm, "pr_timing_round_trips", &off, &size)) {
		off_because(p, "this kvm-pr has no exit timing stats (module/patches 0005)");
		return 0;
	}
	p->round_trips = off;
	for (int k = 0; k < PRS_NPHASE; k++)
		if (find_group(p, vm, k, prs_phase_names[k])) {
			off_because(p, "this kvm-pr's exit timing stats lack a phase");
			return 0;
		}
	p->ngroup = PRS_NPHASE;
	for (int k = 0; k < PRS_NEXIT; k++) {
		snprintf(name, sizeof(name), "exit_%s", prs_exit_names[k]);
		if (find_group(p, vm, PRS_NPHASE + k, name))
			break;	/* an older series: phases only */
		if (k == PRS_NEXIT - 1)
			p->ngroup = PRS_NGROUP;
	}
	p->nvals = 1;
	for (int k = 0; k < p->ngroup; k++)
		p->nvals += 1 + p->g[k].nhist + p->g[k].nlog;
	if ((f = fopen(param_path, "r"))) {
		if (!fgets(param, sizeof(param), f))
			param[0] = '\0';
		fclose(f);
	}
	/* a number (one round trip in N, 0: off); Y: a series that timed every one */
	every = param[0] == 'Y' ? 1 : strtoul(param, &end, 10);
	if (param[0] != 'Y' && (end == param || every == 0)) {
		off_because(p, "kvm-pr's exit_timing_stats is 0 (insmod kvm-pr.ko exit_timing_stats=N)");
		return 0;
	}
	p->on = 1;
	p->every = (unsigned)every;
	snprintf(p->state, sizeof(p->state), "on: one round trip in %lu timed, at random", every);
	return 0;
}

size_t prs_sum_at(const struct prs *p, int k)
{
	size_t at = 1;

	for (int i = 0; i < k; i++)
		at += 1 + p->g[i].nhist + p->g[i].nlog;
	return at;
}

int prs_read(const struct prs *p, int stats_fd, uint64_t *vals)
{
	size_t at = 1;

	if (pread(stats_fd, vals, 8, p->round_trips) != 8)
		return -EIO;
	for (int k = 0; k < p->ngroup; k++) {
		size_t nh = p->g[k].nhist * 8, nl = p->g[k].nlog * 8;

		if (pread(stats_fd, &vals[at], 8, p->g[k].sum) != 8 ||
		    pread(stats_fd, &vals[at + 1], nh, p->g[k].hist) != (ssize_t)nh ||
		    pread(stats_fd, &vals[at + 1 + p->g[k].nhist], nl, p->g[k].log) != (ssize_t)nl)
			return -EIO;
		at += 1 + p->g[k].nhist + p->g[k].nlog;
	}
	return 0;
}
