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

static void off_because(struct prs *p, const char *why)
{
	p->on = 0;
	snprintf(p->state, sizeof(p->state), "off: %s", why);
}

int prs_open(struct prs *p, const struct vm *vm, const char *param_path)
{
	char name[64], param[8] = "";
	uint32_t size;
	long off;
	FILE *f;

	memset(p, 0, sizeof(*p));
	if (vm_stats_find(vm, "pr_timing_round_trips", &off, &size)) {
		off_because(p, "this kvm-pr has no exit timing stats (module/patches 0005)");
		return 0;
	}
	p->round_trips = off;
	p->nvals = 1;
	for (int k = 0; k < PRS_NPHASE; k++) {
		snprintf(name, sizeof(name), "pr_timing_%s_sum", prs_phase_names[k]);
		if (vm_stats_find(vm, name, &off, &size))
			goto lacking;
		p->ph[k].sum = off;
		snprintf(name, sizeof(name), "pr_timing_%s_hist", prs_phase_names[k]);
		if (vm_stats_find(vm, name, &off, &p->ph[k].nhist))
			goto lacking;
		p->ph[k].hist = off;
		snprintf(name, sizeof(name), "pr_timing_%s_log", prs_phase_names[k]);
		if (vm_stats_find(vm, name, &off, &p->ph[k].nlog))
			goto lacking;
		p->ph[k].log = off;
		p->nvals += 1 + p->ph[k].nhist + p->ph[k].nlog;
	}
	if ((f = fopen(param_path, "r"))) {
		if (!fgets(param, sizeof(param), f))
			param[0] = '\0';
		fclose(f);
	}
	if (param[0] != 'Y') {
		off_because(p, "kvm-pr's exit_timing_stats is not on (insmod kvm-pr.ko exit_timing_stats=1)");
		return 0;
	}
	p->on = 1;
	snprintf(p->state, sizeof(p->state), "on");
	return 0;
lacking:
	off_because(p, "this kvm-pr's exit timing stats lack a phase");
	return 0;
}

size_t prs_sum_at(const struct prs *p, int k)
{
	size_t at = 1;

	for (int i = 0; i < k; i++)
		at += 1 + p->ph[i].nhist + p->ph[i].nlog;
	return at;
}

int prs_read(const struct prs *p, int stats_fd, uint64_t *vals)
{
	size_t at = 1;

	if (pread(stats_fd, vals, 8, p->round_trips) != 8)
		return -EIO;
	for (int k = 0; k < PRS_NPHASE; k++) {
		size_t nh = p->ph[k].nhist * 8, nl = p->ph[k].nlog * 8;

		if (pread(stats_fd, &vals[at], 8, p->ph[k].sum) != 8 ||
		    pread(stats_fd, &vals[at + 1], nh, p->ph[k].hist) != (ssize_t)nh ||
		    pread(stats_fd, &vals[at + 1 + p->ph[k].nhist], nl, p->ph[k].log) != (ssize_t)nl)
			return -EIO;
		at += 1 + p->ph[k].nhist + p->ph[k].nlog;
	}
	return 0;
}
