// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "prstats.h"

const char *const prs_phase_names[PRS_NPHASE] = {
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit",
};

/* the data offset and size of the stat named name; -ENOENT */
static int find(const char *descs, size_t desc_size, uint32_t n, size_t name_size,
		uint32_t data_offset, const char *name, off_t *off, uint32_t *size)
{
	for (uint32_t k = 0; k < n; k++) {
		const struct kvm_stats_desc *d = (const void *)(descs + k * desc_size);

		if (!strncmp(d->name, name, name_size)) {
			*off = (off_t)data_offset + d->offset;
			*size = d->size;
			return 0;
		}
	}
	return -ENOENT;
}

static void off_because(struct prs *p, const char *why)
{
	p->on = 0;
	snprintf(p->state, sizeof(p->state), "off: %s", why);
}

int prs_open(struct prs *p, int stats_fd, const char *param_path)
{
	struct kvm_stats_header hdr;
	size_t desc_size;
	char *descs, name[64], param[8] = "";
	uint32_t size;
	FILE *f;
	int r = 0;

	memset(p, 0, sizeof(*p));
	if (pread(stats_fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
		return -EIO;
	desc_size = sizeof(struct kvm_stats_desc) + hdr.name_size;
	if (!(descs = calloc(hdr.num_desc, desc_size)))
		return -ENOMEM;
	if (pread(stats_fd, descs, hdr.num_desc * desc_size, hdr.desc_offset) !=
	    (ssize_t)(hdr.num_desc * desc_size)) {
		free(descs);
		return -EIO;
	}
	if (find(descs, desc_size, hdr.num_desc, hdr.name_size, hdr.data_offset,
		 "pr_timing_round_trips", &p->round_trips, &size)) {
		off_because(p, "this kvm-pr has no exit timing stats (module/patches 0005)");
		goto out;
	}
	p->nvals = 1;
	for (int k = 0; k < PRS_NPHASE && !r; k++) {
		snprintf(name, sizeof(name), "pr_timing_%s_sum", prs_phase_names[k]);
		r = find(descs, desc_size, hdr.num_desc, hdr.name_size, hdr.data_offset, name,
			 &p->ph[k].sum, &size);
		snprintf(name, sizeof(name), "pr_timing_%s_hist", prs_phase_names[k]);
		r = r ? r : find(descs, desc_size, hdr.num_desc, hdr.name_size, hdr.data_offset, name,
				 &p->ph[k].hist, &p->ph[k].nhist);
		snprintf(name, sizeof(name), "pr_timing_%s_log", prs_phase_names[k]);
		r = r ? r : find(descs, desc_size, hdr.num_desc, hdr.name_size, hdr.data_offset, name,
				 &p->ph[k].log, &p->ph[k].nlog);
		p->nvals += 1 + p->ph[k].nhist + p->ph[k].nlog;
	}
	if (r) {
		off_because(p, "this kvm-pr's exit timing stats lack a phase");
		r = 0;
		goto out;
	}
	if ((f = fopen(param_path, "r"))) {
		if (!fgets(param, sizeof(param), f))
			param[0] = '\0';
		fclose(f);
	}
	if (param[0] != 'Y') {
		off_because(p, "kvm-pr's exit_timing_stats is not on (insmod kvm-pr.ko exit_timing_stats=1)");
		goto out;
	}
	p->on = 1;
	snprintf(p->state, sizeof(p->state), "on");
out:
	free(descs);
	return r;
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
