// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>	/* before libpfm4's copy of it, which then stands aside */

#ifdef HAVE_LIBPFM
#include <perfmon/pfmlib_perf_event.h>
#endif

#include "pmu.h"

/*
 * What is counted, in group order. The POWER8 events (PM_RUN_* are gated by the run latch,
 * which the kernel clears in idle) go on PMC5/PMC6 and two of PMC1-4; the generic
 * instructions/cycles take the other two, so that one filter's group fits a POWER8 PMU.
 */
static const struct {
	const char *name;
	int hw;		/* PERF_COUNT_HW_* for a generic event, -1 for a libpfm4 name */
} wanted[] = {
	{ "PM_RUN_INST_CMPL", -1 },
	{ "PM_RUN_CYC", -1 },
	{ "PM_INST_CMPL", -1 },
	{ "PM_CYC", -1 },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	{ "cycles", PERF_COUNT_HW_CPU_CYCLES },
};

static const char *const mode_names[PMU_MODES] = { "all", "u", "k" };
static const char *const mode_suffix[PMU_MODES] = { "", ":u", ":k" };

const char *pmu_mode_name(enum pmu_mode m)
{
	return m < PMU_MODES ? mode_names[m] : "?";
}

static int perf_open(struct perf_event_attr *attr, int group_fd)
{
	/* this thread (pid 0), any CPU; no inherit: the VMM thread alone */
	return syscall(__NR_perf_event_open, attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

static const char *open_hint(int err)
{
	switch (err) {
	case ENOENT: return " (the kernel's PMU driver does not know this event)";
	case ENODEV: return " (no PMU for this event type)";
	case EOPNOTSUPP: return " (the PMU cannot count it this way)";
	case EACCES:
	case EPERM: return " (not permitted: see /proc/sys/kernel/perf_event_paranoid)";
	case EINVAL: return " (no counter of the PMU takes it, or it takes none of its settings)";
	default: return "";
	}
}

#ifdef HAVE_LIBPFM
static int pfm_ok;	/* pfm_initialize succeeded */

static void pfm_setup(struct pmu *p)
{
	pfm_pmu_info_t info;
	const char *core = NULL;
	int v, ret = pfm_initialize();

	if (ret != PFM_SUCCESS) {
		snprintf(p->library, sizeof(p->library), "libpfm4: pfm_initialize: %s",
			 pfm_strerror(ret));
		return;
	}
	pfm_ok = 1;
	for (int i = PFM_PMU_NONE + 1; i < PFM_PMU_MAX && !core; i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(i, &info) == PFM_SUCCESS && info.is_present &&
		    info.type == PFM_PMU_TYPE_CORE)
			core = info.name;
	}
	v = pfm_get_version();
	snprintf(p->library, sizeof(p->library), "libpfm4 (API %d.%d), core PMU %s",
		 PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v), core ? core : "none detected");
}

/* the libpfm4 name (with :u/:k) into attr; 0, or -1 with the reason in e->status */
static int encode(struct pmu_event *e, const char *name, struct perf_event_attr *attr)
{
	pfm_perf_encode_arg_t arg;
	char *fstr = NULL;
	int ret;

	if (!pfm_ok) {
		snprintf(e->status, sizeof(e->status), "unsupported: libpfm4 did not initialize");
		return -1;
	}
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.fstr = &fstr;
	arg.size = sizeof(arg);
	/* the default privilege levels: everything; a :u or :k in the name narrows them */
	ret = pfm_get_os_event_encoding(e->name, PFM_PLM0 | PFM_PLM3 | PFM_PLMH,
					PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(e->status, sizeof(e->status), "unsupported: libpfm4: %s%s", pfm_strerror(ret),
			 ret == PFM_ERR_NOTFOUND ? " (not an event of the PMU libpfm4 found here)" : "");
		free(fstr);
		return -1;
	}
	snprintf(e->encoding, sizeof(e->encoding), "%s, type %u config 0x%llx", fstr ? fstr : name,
		 attr->type, (unsigned long long)attr->config);
	free(fstr);
	return 0;
}
#else
static void pfm_setup(struct pmu *p)
{
	snprintf(p->library, sizeof(p->library), "none: the runner was built without libpfm4");
}

static int encode(struct pmu_event *e, const char *name, struct perf_event_attr *attr)
{
	(void)name;
	(void)attr;
	snprintf(e->status, sizeof(e->status),
		 "unsupported: the runner was built without libpfm4 (libpfm4-dev) to name it");
	return -1;
}
#endif

static void open_event(struct pmu *p, const char *name, int hw, enum pmu_mode m, int *leader)
{
	struct pmu_event *e = &p->ev[p->n++];
	struct perf_event_attr attr;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s%s", name, mode_suffix[m]);
	e->mode = m;
	e->fd = e->leader = -1;
	memset(&attr, 0, sizeof(attr));
	if (hw >= 0) {
		attr.type = PERF_TYPE_HARDWARE;
		attr.config = hw;
		attr.exclude_user = m == PMU_KERNEL;
		attr.exclude_kernel = m == PMU_USER;
		attr.exclude_hv = m != PMU_ALL;
		snprintf(e->encoding, sizeof(e->encoding), "perf generic, type %u config %d",
			 PERF_TYPE_HARDWARE, hw);
	} else if (encode(e, name, &attr)) {
		return;
	}
	attr.size = sizeof(attr);
	attr.inherit = 0;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr.sample_period = 0;
	attr.freq = 0;

	/*
	 * Into the filter's group, enabled: it then starts and stops with its leader, in one
	 * step (enabling members one by one would stagger them). Alone and disabled when the
	 * group is full, so that perf may multiplex it.
	 */
	attr.disabled = 0;
	if (*leader >= 0 && (e->fd = perf_open(&attr, *leader)) >= 0) {
		e->leader = *leader;
	} else if (attr.disabled = 1, (e->fd = perf_open(&attr, -1)) >= 0) {
		e->leader = e->fd;
		if (*leader < 0)
			*leader = e->fd;
	} else {
		int err = errno;

		snprintf(e->status, sizeof(e->status), "unsupported: perf_event_open: %s%s",
			 strerror(err), open_hint(err));
		return;
	}
	snprintf(e->status, sizeof(e->status), "ok");
}

/* the same event under another filter: "X:u" and "X:k" */
static int same_event(const struct pmu_event *a, const struct pmu_event *b)
{
	size_t la = strlen(a->name), lb = strlen(b->name);

	return la == lb && la > 2 && !strncmp(a->name, b->name, la - 2);
}

/* a user-mode loop, no system calls: a :k count of it should be (nearly) nothing */
static void user_loop(void)
{
	for (volatile unsigned i = 0; i < 200000; i++)
		;
}

/*
 * Does the PMU honour the :u/:k filter? Count a user-mode loop under both; when :k counts
 * it as :u does, the split would only repeat the unfiltered count (QEMU's POWER8 model
 * ignores the freeze bits): keep the unfiltered counts alone, and say why.
 */
static void check_split(struct pmu *p)
{
	struct pmu_event *u = NULL, *k = NULL;
	uint64_t cu, ck;

	for (size_t i = 0; i < p->n && !k; i++)
		for (size_t j = 0; j < p->n && !k; j++)
			if (p->ev[i].mode == PMU_USER && p->ev[j].mode == PMU_KERNEL &&
			    p->ev[i].fd >= 0 && p->ev[j].fd >= 0 && same_event(&p->ev[i], &p->ev[j])) {
				u = &p->ev[i];
				k = &p->ev[j];
			}
	if (!k)
		return;
	pmu_start(p, PMU_USER);
	user_loop();
	pmu_stop(p);
	cu = u->count;
	pmu_start(p, PMU_KERNEL);
	user_loop();
	pmu_stop(p);
	ck = k->count;
	snprintf(p->split_check, sizeof(p->split_check), "a user-mode loop counted %llu under %s, "
		 "%llu under %s", (unsigned long long)cu, u->name, (unsigned long long)ck, k->name);
	if (cu == 0 || ck * 2 < cu)
		return;
	p->nmodes = 1;
	for (size_t i = 0; i < p->n; i++) {
		struct pmu_event *e = &p->ev[i];

		if (e->mode == PMU_ALL || e->fd < 0)
			continue;
		close(e->fd);
		e->fd = e->leader = -1;
		snprintf(e->status, sizeof(e->status), "unsupported: the PMU ignores the privilege "
			 "filter (it counted a user-mode loop under :k as under :u)");
	}
}

void pmu_open(struct pmu *p, int split)
{
	memset(p, 0, sizeof(*p));
	p->active = -1;
	p->nmodes = split ? PMU_MODES : 1;
	pfm_setup(p);
	for (int m = 0; m < p->nmodes; m++) {
		int leader = -1;

		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			open_event(p, wanted[i].name, wanted[i].hw, m, &leader);
	}
	if (split)
		check_split(p);
}

size_t pmu_usable(const struct pmu *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->ev[i].fd >= 0;
	return n;
}

static int mode_usable(const struct pmu *p, int m)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ev[i].mode == (enum pmu_mode)m && p->ev[i].fd >= 0)
			return 1;
	return 0;
}

enum pmu_mode pmu_mode_for_rep(const struct pmu *p, uint32_t rep)
{
	int modes[PMU_MODES], n = 0;

	for (int m = 0; m < p->nmodes; m++)
		if (mode_usable(p, m))
			modes[n++] = m;
	return n ? (enum pmu_mode)modes[rep % n] : PMU_ALL;
}

int pmu_start(struct pmu *p, enum pmu_mode m)
{
	int ret = 0;

	pmu_stop(p);
	for (size_t i = 0; i < p->n; i++) {
		struct pmu_event *e = &p->ev[i];
		uint64_t v[3];

		e->count = e->enabled_ns = e->running_ns = 0;
		e->base_enabled_ns = e->base_running_ns = 0;
		e->read_error = 0;
		if (e->mode != m || e->fd < 0)
			continue;
		if (ioctl(e->fd, PERF_EVENT_IOC_RESET, 0) && !ret)
			ret = -errno;
		if (read(e->fd, v, sizeof(v)) == (ssize_t)sizeof(v)) {
			e->base_enabled_ns = v[1];
			e->base_running_ns = v[2];
		}
	}
	/* a group starts as one, through its leader (its members are enabled) */
	for (size_t i = 0; i < p->n; i++) {
		struct pmu_event *e = &p->ev[i];

		if (e->mode == m && e->fd >= 0 && e->leader == e->fd &&
		    ioctl(e->fd, PERF_EVENT_IOC_ENABLE, 0) && !ret)
			ret = -errno;
	}
	p->active = m;
	p->running = 1;
	return ret;
}

int pmu_stop(struct pmu *p)
{
	int ret = 0;

	if (!p->running)
		return 0;
	p->running = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct pmu_event *e = &p->ev[i];

		if ((int)e->mode == p->active && e->fd >= 0 && e->leader == e->fd &&
		    ioctl(e->fd, PERF_EVENT_IOC_DISABLE, 0) && !ret)
			ret = -errno;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct pmu_event *e = &p->ev[i];
		uint64_t v[3];
		ssize_t got;

		if ((int)e->mode != p->active || e->fd < 0)
			continue;
		got = read(e->fd, v, sizeof(v));

		if (got != (ssize_t)sizeof(v)) {
			e->read_error = got < 0 ? errno : EIO;
			if (!ret)
				ret = -e->read_error;
			continue;
		}
		e->count = v[0];
		e->enabled_ns = v[1] - e->base_enabled_ns;
		e->running_ns = v[2] - e->base_running_ns;
	}
	return ret;
}

void pmu_close(struct pmu *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ev[i].fd >= 0)
			close(p->ev[i].fd);
	p->n = 0;
	p->active = -1;
	p->running = 0;
#ifdef HAVE_LIBPFM
	if (pfm_ok)
		pfm_terminate();
	pfm_ok = 0;
#endif
}
