// SPDX-License-Identifier: MIT
/*
 * exitbench-run: the VMM that runs a suite of benchmark guest kernels on /dev/kvm (Book3S
 * PR) and writes one raw record per repetition. Runs inside the POWER host, emulated or
 * real. Records go to --output (or stdout), progress to stderr.
 */
#define _GNU_SOURCE	/* sched_getcpu, CPU_SET */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "exits.h"
#include "image.h"
#include "lgrun.h"
#include "mailbox.h"
#include "marker.h"
#include "pmu.h"
#include "prstats.h"
#include "record.h"
#include "suite.h"
#include "text.h"
#include "vm.h"

#define RUNNER_VERSION "0.1"
#define MSR_SF (1ULL << 63)
#define MSR_ME (1ULL << 12)
#define MSR_LE (1ULL << 0)
/*
 * The guest's MSR at entry (real mode, interrupts off): a 64-bit little-endian guest on a
 * 64-bit host; the 32-bit big-endian guest of a 32-bit Book3S host (book3s_32 PR) has no SF
 * and no LE. The guest kernels are built for the runner's own architecture.
 */
#ifdef __powerpc64__
#define ENTRY_MSR (MSR_SF | MSR_ME | MSR_LE)
#else
#define ENTRY_MSR MSR_ME
#endif
#define H_FUNCTION ((uint64_t)-2)
#define MAX_BENCH 64
#define LG_BOOT_TIMEOUT_S 600	/* the Linux guest's boot, under plain emulation too */
#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct options {
	const char *suite;
	const char *images;
	const char *linux_dir;	/* the Linux guest's folder (linux-NAME benchmarks), or NULL */
	const char *output;
	const char *only;
	unsigned timeout_s;	/* overrides the suite's when set */
	const char *variant;	/* module variant under test (a comparison's side), tagged on records */
	uint64_t round;		/* the comparison's round, tagged on records */
	int cpu;		/* the CPU to pin to; -1: the one it starts on */
	enum marker_mode markers;
	int pmu;		/* 0 off, 1 unfiltered counts only, 2 also :u and :k */
};

/* what the runner holds across benchmarks: the VMM thread's counters and markers */
struct host {
	int cpu;		/* pinned to, or -1 */
	struct pmu pmu;
	int pmu_on;
	struct marker marker;
	unsigned marker_dropped;	/* markers written while tracing was off */
};

static const char *const pmu_choice[] = { "off", "total", "split" };

static volatile sig_atomic_t watchdog_fired;

static void on_alarm(int sig)
{
	(void)sig;
	watchdog_fired = 1;
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	fputs("exitbench-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitbench-run --suite FILE --images DIR [--linux DIR] [--output FILE] [--only NAME]\n"
		"                     [--timeout S] [--variant NAME --round N] [--cpu N] [--pmu off|total|split]\n"
		"                     [--trace-markers | --no-trace-markers]\n"
		"  Runs each benchmark of the suite (DIR/<name>.bin guest kernels) in a PR KVM VM\n"
		"  and writes one JSON record per line: env, bench, rep, skip, error, end.\n"
		"  --linux DIR: the Linux guest (DIR/qemu.args, DIR/benchmarks): its benchmarks,\n"
		"    linux-NAME, run in one QEMU with PR KVM, booted at the first of them.\n"
		"  --variant/--round tag every record (the side and round of a comparison).\n"
		"  --cpu N: pin the runner to CPU N (default: the CPU it starts on).\n"
		"  --pmu: hardware event counts around each repetition: split (default) rotates the\n"
		"    repetitions through unfiltered, :u and :k counts (when the PMU honours the\n"
		"    filter); total counts unfiltered only; off counts nothing.\n"
		"  --trace-markers: write begin/end markers into tracefs's trace_marker around each\n"
		"    repetition (default: when tracing_on is 1); --no-trace-markers: never.\n");
}

/*
 * Pin the runner to cpu (or, -1, to the CPU it is on) so that trace events of that CPU
 * between two markers are the benchmark's; *pinned the CPU, -1 on failure (errno set).
 */
static int pin(int cpu, int *pinned)
{
	cpu_set_t set;

	*pinned = -1;
	if (cpu < 0 && (cpu = sched_getcpu()) < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	*pinned = cpu;
	return 0;
}

/* first line of /proc/cpuinfo starting with key, value into buf */
static void cpuinfo(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	size_t klen = strlen(key);

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, klen) || !colon || (line[klen] != ' ' && line[klen] != '\t' &&
							    line[klen] != ':'))
			continue;
		colon++;
		while (*colon == ' ')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static int write_env(struct rec *r, const char *suite, const struct host *h)
{
	struct rec_env e = {
		.runner = "exitbench-run " RUNNER_VERSION, .suite = suite,
		.online_cpus = sysconf(_SC_NPROCESSORS_ONLN), .kvm_api_version = vm_api_version(),
		.pinned_cpu = h->cpu, .trace_markers = h->marker.state,
		.pmu_counting = h->pmu_on, .pmu_library = h->pmu_on ? h->pmu.library : "off: --pmu off",
	};
	char cpu[256], rev[256], tb[64], platform[256], model[256], mmu[256], rot[320];
	struct utsname u;

	if (!uname(&u)) {
		e.kernel_release = u.release;
		e.kernel_version = u.version;
		e.machine = u.machine;
	}
	cpuinfo("cpu", cpu, sizeof(cpu));
	cpuinfo("revision", rev, sizeof(rev));
	cpuinfo("timebase", tb, sizeof(tb));
	cpuinfo("platform", platform, sizeof(platform));
	cpuinfo("model", model, sizeof(model));
	cpuinfo("MMU", mmu, sizeof(mmu));
	e.cpu = cpu;
	e.cpu_revision = rev;
	e.tb_hz = strtoull(tb, NULL, 10);
	e.platform = platform;
	e.model = model;
	e.mmu = mmu;
	if (h->pmu_on) {
		snprintf(rot, sizeof(rot), "%s%s%s%s", h->pmu.nmodes > 1 ?
			 "repetitions rotate through unfiltered, :u and :k counts" :
			 "unfiltered counts only", h->pmu.split_check[0] ? " (filter check: " : "",
			 h->pmu.split_check, h->pmu.split_check[0] ? ")" : "");
		e.pmu_rotation = rot;
	}
	return rec_write_env(r, &e);
}

static int write_problem(struct rec *r, const char *type, const char *bench, const char *what,
			 const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	progress("%s: %s: %s", bench, type, reason);
	return rec_write_problem(r, type, bench, what, reason);
}

struct bench_run {
	const struct suite_entry *e;
	struct host *h;
	struct eb_bench_info info;
	struct eb_request req;
	struct vm vm;
	struct eb_mailbox *mb;
	uint64_t before[EBC_N], after[EBC_N];
	struct prs prs;			/* the exit timing stats (instrumented kvm-pr) */
	uint64_t *tbefore, *tafter;	/* ... read as the counters are (prs.on) */
	uint64_t user_exits;
	uint32_t rep;
	int failed;		/* error or hang recorded */
	int skipped;
};

/*
 * The counts of the mode this repetition counted (scaling is left to the reader), into
 * c[PMU_MAX_EVENTS] with their error texts in why[]; the count of them.
 */
static size_t pmu_counts(const struct pmu *p, struct rec_pmu_count *c, char (*why)[160])
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct pmu_event *e = &p->ev[i];

		if ((int)e->mode != p->active || e->fd < 0)
			continue;
		c[n] = (struct rec_pmu_count){ .event = e->name, .count = e->count,
					       .enabled_ns = e->enabled_ns,
					       .running_ns = e->running_ns };
		if (e->read_error) {
			snprintf(why[n], sizeof(why[n]), "read: %s", strerror(e->read_error));
			c[n].error = why[n];
		}
		n++;
	}
	return n;
}

/* the events, as the bench record declares them: what each is and whether it counts */
static size_t pmu_events(const struct pmu *p, struct rec_pmu_event *ev)
{
	for (size_t i = 0; i < p->n; i++)
		ev[i] = (struct rec_pmu_event){ .event = p->ev[i].name,
						.mode = pmu_mode_name(p->ev[i].mode),
						.status = p->ev[i].status,
						.encoding = p->ev[i].encoding };
	return p->n;
}

static void marker(struct host *h, const char *what, const char *bench, uint32_t rep)
{
	int ret = marker_write(&h->marker, what, bench, rep);

	if (ret == -EBADF) {
		/* tracing_on is 0 for now: this marker is lost, later ones may not be */
		if (!h->marker_dropped++)
			progress("trace markers dropped while tracing is off (tracing_on 0)");
	} else if (ret) {
		progress("trace markers off from now: %s: %s", h->marker.path, strerror(-ret));
		marker_close(&h->marker);
	}
}

static int write_rep(struct rec *r, struct bench_run *b)
{
	const uint64_t *d = eb_mailbox_deltas(b->mb);
	struct eb_exits x = { .user = b->user_exits, .doorbells = 1 };
	struct eb_exit_judgement j;
	uint64_t sum = 0;

	for (int i = 0; i < EBC_N; i++)
		x.c[i] = b->after[i] - b->before[i];
	eb_exits_judge(&x, b->info.exit_kind, b->info.exits_per_iter, b->req.iterations, &j);
	for (uint32_t i = 0; i < b->req.batches; i++)
		sum += d[i];

	struct rec_pmu_count counts[PMU_MAX_EVENTS];
	char why[PMU_MAX_EVENTS][160];
	struct rec_rep p = {
		.bench = b->e->name, .rep = b->rep, .iterations = b->req.iterations,
		.batches = b->req.batches, .rep_ticks = b->mb->rep_ticks, .batch_ticks = d,
		.exits = x,
	};

	struct rec_timing_phase ph[PRS_NPHASE], ex[PRS_NEXIT];
	struct rec_timing t = { .n = PRS_NPHASE, .ph = ph, .ex = ex };

	if (b->prs.on) {
		/* the differences, into tafter (each reading is taken afresh) */
		for (size_t i = 0; i < b->prs.nvals; i++)
			b->tafter[i] -= b->tbefore[i];
		t.round_trips = b->tafter[0];
		t.every = b->prs.every;
		for (int k = 0; k < b->prs.ngroup; k++) {
			size_t at = prs_sum_at(&b->prs, k);
			struct rec_timing_phase g = {
				.sum = b->tafter[at], .nhist = b->prs.g[k].nhist, .nlog = b->prs.g[k].nlog,
				.hist = &b->tafter[at + 1], .log = &b->tafter[at + 1 + b->prs.g[k].nhist] };
			uint64_t n = 0;

			if (k < PRS_NPHASE) {
				g.name = prs_phase_names[k];
				ph[k] = g;
				continue;
			}
			for (uint32_t i = 0; i < g.nhist; i++)
				n += g.hist[i];
			if (!n)
				continue;	/* only the reasons that were timed */
			g.name = prs_exit_names[k - PRS_NPHASE];
			g.vector = prs_exit_vectors[k - PRS_NPHASE];
			ex[t.nexit++] = g;
		}
		p.timing = &t;
	}
	if (b->h->pmu_on && b->h->pmu.active >= 0) {
		p.pmu_mode = pmu_mode_name(b->h->pmu.active);
		p.ncounts = pmu_counts(&b->h->pmu, counts, why);
		p.counts = counts;
	}
	if (rec_write_rep(r, &p))
		return -1;
	progress("%s: rep %u/%u: %.2f ticks/iter, %.4f exits/iter%s%s", b->e->name, b->rep + 1,
		 b->req.repetitions, (double)sum / (double)b->req.iterations, j.per_iteration,
		 j.verdict == EB_EXITS_OK ? "" : ": ", j.verdict == EB_EXITS_OK ? "" : j.why);
	if (j.verdict == EB_EXITS_UNREACHED) {
		write_problem(r, "skip", b->e->name, "not-measurable",
			      "not measurable on this host: %s (the remaining repetitions are not run)",
			      j.why);
		b->skipped = 1;
	}
	return 0;
}

/* handle one doorbell; 1 when the benchmark is over */
static int doorbell(struct rec *r, struct bench_run *b, uint64_t what)
{
	const char *why;
	char buf[256];

	switch (what) {
	case EB_DB_REP_START:
		if (b->mb->rep != b->rep)
			return write_problem(r, "error", b->e->name, "protocol",
					     "guest started repetition %u, expected %u", b->mb->rep,
					     b->rep), b->failed = 1;
		b->user_exits = 0;
		if (vm_stats_read(&b->vm, b->before) ||
		    (b->prs.on && prs_read(&b->prs, b->vm.stats_fd, b->tbefore)))
			return write_problem(r, "error", b->e->name, "stats",
					     "reading the vcpu statistics failed"), b->failed = 1;
		/* the last things before the guest runs the repetition: marker, counters */
		marker(b->h, "begin", b->e->name, b->rep);
		if (b->h->pmu_on)
			pmu_start(&b->h->pmu, pmu_mode_for_rep(&b->h->pmu, b->rep));
		return 0;
	case EB_DB_REP_END:
		/* and the first after it */
		if (b->h->pmu_on)
			pmu_stop(&b->h->pmu);
		marker(b->h, "end", b->e->name, b->rep);
		if (vm_stats_read(&b->vm, b->after) ||
		    (b->prs.on && prs_read(&b->prs, b->vm.stats_fd, b->tafter)))
			return write_problem(r, "error", b->e->name, "stats",
					     "reading the vcpu statistics failed"), b->failed = 1;
		if (eb_mailbox_check_rep(b->mb, EB_MAILBOX_SIZE, &b->req, b->rep, &why))
			return write_problem(r, "error", b->e->name, "mailbox",
					     "repetition %u: %s", b->rep, why), b->failed = 1;
		if (write_rep(r, b))
			return write_problem(r, "error", b->e->name, "output",
					     "writing the record failed"), b->failed = 1;
		b->rep++;
		return b->skipped;
	case EB_DB_DONE:
		if (b->rep != b->req.repetitions)
			return write_problem(r, "error", b->e->name, "protocol",
					     "guest done after %u of %u repetitions", b->rep,
					     b->req.repetitions), b->failed = 1;
		return 1;
	case EB_DB_FAIL:
		eb_mailbox_describe_failure(b->mb, buf, sizeof(buf));
		return write_problem(r, "error", b->e->name, "guest", "%s (repetition %u)", buf,
				     b->rep), b->failed = 1;
	default:
		return write_problem(r, "error", b->e->name, "protocol",
				     "unknown doorbell value %" PRIu64, what), b->failed = 1;
	}
}

/* the exits the benchmark itself sends to userspace */
static int serve_exit(struct rec *r, struct bench_run *b)
{
	struct kvm_run *run = b->vm.run;
	uint64_t v = 0;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		/* the guest's byte order is the host's: an 8-byte store (64-bit guests) or a
		 * 4-byte one (32-bit guests: one stw, one exit) */
		if (run->mmio.phys_addr == EB_DOORBELL_GPA && run->mmio.is_write && run->mmio.len == 8) {
			memcpy(&v, run->mmio.data, 8);
			return doorbell(r, b, v);
		}
		if (run->mmio.phys_addr == EB_DOORBELL_GPA && run->mmio.is_write && run->mmio.len == 4) {
			uint32_t w;

			memcpy(&w, run->mmio.data, 4);
			return doorbell(r, b, w);
		}
		if (run->mmio.phys_addr >= EB_MMIO_BENCH_GPA &&
		    run->mmio.phys_addr < EB_MMIO_BENCH_GPA + 0x1000) {
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			b->user_exits++;
			return 0;
		}
		return write_problem(r, "error", b->e->name, "guest",
				     "MMIO %s at unexpected address 0x%llx (repetition %u)",
				     run->mmio.is_write ? "store" : "load",
				     (unsigned long long)run->mmio.phys_addr, b->rep), b->failed = 1;
	case KVM_EXIT_OSI:
		b->user_exits++;	/* the answer is the registers as they are */
		return 0;
	case KVM_EXIT_PAPR_HCALL:
		b->user_exits++;	/* the kernel did not answer it: neither do we */
		run->papr_hcall.ret = H_FUNCTION;
		return 0;
	default:
		return write_problem(r, "error", b->e->name, "guest",
				     "unexpected exit reason %u (repetition %u)", run->exit_reason,
				     b->rep), b->failed = 1;
	}
}

/* run one benchmark; 0 when it ran, 1 when skipped for a stated reason, -1 on failure */
static int run_bench(struct rec *r, const struct options *o, struct host *h,
		     const struct suite_entry *e)
{
	struct bench_run b = { .e = e, .h = h };
	char err[512];
	char *image = NULL;
	size_t size;
	uint32_t pvr = 0;
	unsigned timeout = o->timeout_s ? o->timeout_s : e->timeout_s;
	const char *missing = NULL;
	int ret, done = 0;

	if (eb_image_load(o->images, e->bench, &image, &size, &b.info, err, sizeof(err)))
		return write_problem(r, "error", e->name, "image", "%s", err), -1;
	b.req = (struct eb_request){ .iterations = e->iterations, .warmup = e->warmup,
				     .batches = e->batches, .repetitions = e->repetitions };
	b.req.translation = !!(b.info.flags & EB_NEED_MMU);
	if (eb_params_resolve(&b.info, e, b.req.params, err, sizeof(err))) {
		free(image);
		return write_problem(r, "error", e->name, "suite", "%s", err), -1;
	}

	ret = vm_create_pr(&b.vm, EB_GUEST_MEM_SIZE);
	if (ret) {
		free(image);
		return write_problem(r, "error", e->name, "kvm",
				     "creating a PR VM failed: %s (is kvm-pr.ko loaded and /dev/kvm there?)",
				     strerror(-ret)), -1;
	}
	memcpy(b.vm.mem, image, size);
	free(image);
	b.mb = (struct eb_mailbox *)((char *)b.vm.mem + EB_MAILBOX_GPA);
	eb_mailbox_init(b.mb, &b.req);

	if ((b.info.flags & EB_NEED_OSI) && (ret = vm_enable_vcpu_cap(&b.vm, KVM_CAP_PPC_OSI)))
		goto kvm_fail;
	if ((b.info.flags & EB_NEED_PAPR) && (ret = vm_enable_vcpu_cap(&b.vm, KVM_CAP_PPC_PAPR)))
		goto kvm_fail;
	if ((ret = vm_set_entry(&b.vm, 0, ENTRY_MSR)))
		goto kvm_fail;
	vm_get_pvr(&b.vm, &pvr);
	ret = vm_stats_open(&b.vm, eb_counter_names, EBC_N, &missing);
	if (ret) {
		write_problem(r, "error", e->name, "stats",
			      "cannot count exits: vcpu statistic %s: %s (KVM_GET_STATS_FD needs Linux 5.14+)",
			      missing ? missing : "fd", strerror(-ret));
		vm_destroy(&b.vm);
		return -1;
	}

	/* the instrumented kvm-pr's exit timing stats, when it records them */
	ret = prs_open(&b.prs, &b.vm, "/sys/module/kvm_pr/parameters/exit_timing_stats");
	if (!ret && b.prs.on && (!(b.tbefore = calloc(b.prs.nvals, 8)) ||
				 !(b.tafter = calloc(b.prs.nvals, 8))))
		ret = -ENOMEM;
	if (ret) {
		write_problem(r, "error", e->name, "stats", "reading the exit timing stats failed: %s",
			      strerror(-ret));
		free(b.tbefore);
		vm_destroy(&b.vm);
		return -1;
	}

	struct rec_pmu_event events[PMU_MAX_EVENTS];
	const char *pnames[EB_MAX_PARAMS];
	uint32_t np = 0;

	while (np < EB_MAX_PARAMS && b.info.params[np].name[0]) {
		pnames[np] = b.info.params[np].name;
		np++;
	}
	struct rec_bench rb = {
		.name = e->name, .what = b.info.what, .exit_kind = eb_exit_kind_name(b.info.exit_kind),
		.claimed_exits_per_iteration = b.info.exits_per_iter, .iterations = e->iterations,
		.batches = e->batches, .repetitions = e->repetitions, .warmup = e->warmup,
		.timeout_s = timeout, .vcpu_pvr = pvr,
		.npmu = h->pmu_on ? pmu_events(&h->pmu, events) : 0, .pmu = events,
		.exit_timing_stats = b.prs.state[0] ? b.prs.state : NULL,
		.file = e->bench, .nparams = np, .param_names = pnames, .param_values = b.req.params,
	};
	rec_write_bench(r, &rb);
	progress("%s: %" PRIu64 " iterations x %u repetitions (%s)", e->name, e->iterations,
		 e->repetitions, b.info.what);

	watchdog_fired = 0;
	alarm(timeout);
	while (!done && !b.failed) {
		ret = vm_run(&b.vm);
		if (ret == -EINTR) {
			if (!watchdog_fired)
				continue;
			write_problem(r, "error", e->name, "hang",
				      "guest did not finish within %u s (repetition %u of %u, guest status %u); "
				      "raise timeout= in the suite if it is only slow",
				      timeout, b.rep + 1, e->repetitions, b.mb->status);
			b.failed = 1;
			break;
		}
		if (ret) {
			write_problem(r, "error", e->name, "kvm", "KVM_RUN failed: %s (repetition %u)",
				      strerror(-ret), b.rep);
			b.failed = 1;
			break;
		}
		done = serve_exit(r, &b) > 0;
	}
	alarm(0);
	if (h->pmu_on)
		pmu_stop(&h->pmu);	/* a repetition cut short leaves them running */
	vm_destroy(&b.vm);
	free(b.tbefore);
	free(b.tafter);
	return b.failed ? -1 : b.skipped;

kvm_fail:
	write_problem(r, "error", e->name, "kvm", "setting up the vcpu failed: %s", strerror(-ret));
	vm_destroy(&b.vm);
	return -1;
}

/*
 * One window of a Linux guest's repetition: KVM's counters of its VM into before, the loop
 * run n times in e's batches (the trace markers around it when n > 0), the counters into
 * after; then its result (read after the counters: it grows with the batches). 0, or -1
 * with why (empty when reading the counters failed).
 */
static int lg_window(struct lguest *g, struct host *h, const struct suite_entry *e, uint64_t n,
		     uint32_t rep, uint64_t *before, uint64_t *after, uint64_t *ticks,
		     uint64_t *batch, uint32_t *slb, time_t deadline, char *why, size_t len)
{
	if (lg_counters(g, before))
		return -1;
	if (n)
		marker(h, "begin", e->name, rep);
	if (lg_run(g, e->name, n, e->batches, deadline, why, len))
		return -1;
	if (n)
		marker(h, "end", e->name, rep);
	if (lg_counters(g, after))
		return -1;
	return lg_result(g, e->name, n, e->batches, deadline, ticks, batch, slb, why, len);
}

/*
 * One benchmark of the Linux guest (docs/design.md, "The Linux guest"), booted at the first:
 * per repetition, the loop itself, then twice the loop with no iteration (the guest
 * kernel's own exits on the way in and out: the base), KVM's counters of the guest's VM
 * read around each. The count may miss the claim by the slack: how much the two bases
 * differ, and at least 1% of the claim (tens of exits vary from one window to the next).
 * 0 when it ran, -1 on failure.
 */
static int run_lg_bench(struct rec *r, const struct options *o, struct host *h,
			struct lguest *g, const struct suite_entry *e)
{
	static uint64_t batch[EB_LG_MAX_BATCHES], empty[EB_LG_MAX_BATCHES];
	const struct eb_lg_bench *lb = lg_find(g, e->name);
	unsigned timeout = o->timeout_s ? o->timeout_s : e->timeout_s;
	uint64_t c[6][EBC_N], ticks, t0;
	uint32_t slb, slb0;
	char why[512];

	if (!lb)
		return write_problem(r, "error", e->name, "suite",
				     "not a benchmark of the Linux guest (%s/benchmarks)", g->dir), -1;
	if (eb_lg_entry_problem(e))
		return write_problem(r, "error", e->name, "suite", "%s", eb_lg_entry_problem(e)), -1;
	if (!g->state) {
		progress("booting the Linux guest (%s/qemu.args)", g->dir);
		t0 = (uint64_t)lg_now();
		if (!lg_boot(g, lg_now() + LG_BOOT_TIMEOUT_S))
			progress("Linux guest %s up in %" PRIu64 " s (vcpu PVR 0x%08" PRIx32 ")",
				 g->release, (uint64_t)lg_now() - t0, g->pvr);
	}
	if (g->state < 0)
		return write_problem(r, "error", e->name, "guest", "%s", g->why), -1;

	struct rec_bench rb = {
		.name = e->name, .what = lb->what, .exit_kind = eb_exit_kind_name(lb->exit_kind),
		.claimed_exits_per_iteration = lb->exits_per_iter, .iterations = e->iterations,
		.batches = e->batches, .repetitions = e->repetitions, .warmup = e->warmup,
		.timeout_s = timeout, .vcpu_pvr = g->pvr, .guest = "linux",
		.guest_kernel = g->release,
	};
	time_t deadline = lg_now() + timeout;

	rec_write_bench(r, &rb);
	progress("%s: %" PRIu64 " iterations x %u repetitions (%s)", e->name, e->iterations,
		 e->repetitions, lb->what);
	if (e->warmup && (lg_run(g, e->name, e->warmup, 1, deadline, why, sizeof(why)) ||
			  lg_result(g, e->name, e->warmup, 1, deadline, &ticks, empty, &slb, why,
				    sizeof(why))))
		return write_problem(r, "error", e->name, "guest", "warm-up: %s", why), -1;
	for (uint32_t rep = 0; rep < e->repetitions; rep++) {
		struct eb_exits x = { .has_base = 1 };
		struct eb_exit_judgement j;
		uint64_t sum = 0;

		/* the loop, then twice the loop with no iteration: c[0..1], c[2..3], c[4..5] */
		why[0] = '\0';
		if (lg_window(g, h, e, e->iterations, rep, c[0], c[1], &ticks, batch, &slb,
			      deadline, why, sizeof(why)) ||
		    lg_window(g, h, e, 0, rep, c[2], c[3], &t0, empty, &slb0, deadline, why,
			      sizeof(why)) ||
		    lg_window(g, h, e, 0, rep, c[4], c[5], &t0, empty, &slb0, deadline, why,
			      sizeof(why)))
			return write_problem(r, "error", e->name, why[0] ? "guest" : "stats",
					     "repetition %u: %s", rep, why[0] ? why :
					     "reading KVM's counters of the guest failed"), -1;
		for (int i = 0; i < EBC_N; i++) {
			uint64_t b1 = c[3][i] - c[2][i], b2 = c[5][i] - c[4][i];

			x.c[i] = c[1][i] - c[0][i];
			x.base[i] = b1;
			if (i == EBC_SUM || i == EBC_EMUL || i == EBC_MMIO || i == EBC_SYSCALL)
				x.slack = MAX(x.slack, b1 > b2 ? b1 - b2 : b2 - b1);
		}
		/* and 1% of the claim (of the iterations, for a claim of none) */
		x.slack = MAX(x.slack,
			      (lb->exits_per_iter ? lb->exits_per_iter : 1) * e->iterations / 100);
		eb_exits_judge(&x, lb->exit_kind, lb->exits_per_iter, e->iterations, &j);
		for (uint32_t i = 0; i < e->batches; i++)
			sum += batch[i];

		struct rec_rep p = {
			.bench = e->name, .rep = rep, .iterations = e->iterations,
			.batches = e->batches, .rep_ticks = ticks, .batch_ticks = batch, .exits = x,
			.guest_slb_valid = slb,
		};
		if (rec_write_rep(r, &p))
			return write_problem(r, "error", e->name, "output", "writing the record failed"), -1;
		progress("%s: rep %u/%u: %.2f ticks/iter, %.4f exits/iter (base %" PRIu64
			 ", slack %" PRIu64 ", %u SLB entries)%s%s", e->name, rep + 1, e->repetitions,
			 (double)sum / (double)e->iterations, j.per_iteration, x.base[EBC_SUM],
			 x.slack, slb, j.verdict == EB_EXITS_OK ? "" : ": ",
			 j.verdict == EB_EXITS_OK ? "" : j.why);
	}
	return 0;
}

/* the next benchmark run after entry i is the Linux guest's */
static int next_is_lg(const struct suite *s, const struct options *o, size_t i)
{
	while (++i < s->n)
		if (!o->only || !strcmp(o->only, s->entries[i].name))
			return eb_lg_name(s->entries[i].bench);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "images", required_argument, NULL, 'i' },
		{ "linux", required_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "only", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "variant", required_argument, NULL, 'V' },
		{ "round", required_argument, NULL, 'R' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "pmu", required_argument, NULL, 'P' },
		{ "trace-markers", no_argument, NULL, 'M' },
		{ "no-trace-markers", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .cpu = -1, .markers = MARKER_AUTO, .pmu = 2 };
	static struct host h;
	static struct lguest g;
	struct sigaction sa = { .sa_handler = on_alarm };
	char names[MAX_BENCH][EB_NAME_LEN];
	const char *known[MAX_BENCH];
	struct suite s;
	struct rec r;
	char err[1024];
	FILE *out = stdout;
	size_t nknown, ran = 0, failed = 0, skipped = 0;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "s:i:L:o:n:t:V:R:c:P:MNh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.suite = optarg; break;
		case 'i': o.images = optarg; break;
		case 'L': o.linux_dir = optarg; break;
		case 'o': o.output = optarg; break;
		case 'n': o.only = optarg; break;
		case 't': o.timeout_s = strtoul(optarg, NULL, 10); break;
		case 'V': o.variant = optarg; break;
		case 'R': o.round = strtoull(optarg, NULL, 10); break;
		case 'c':
			o.cpu = strtol(optarg, &end, 10);
			if (*end || end == optarg || o.cpu < 0 || o.cpu >= CPU_SETSIZE) {
				fprintf(stderr, "exitbench-run: --cpu %s: not a CPU number\n", optarg);
				return 2;
			}
			break;
		case 'P':
			for (o.pmu = 0; o.pmu < 3 && strcmp(optarg, pmu_choice[o.pmu]); o.pmu++)
				;
			if (o.pmu == 3) {
				fprintf(stderr, "exitbench-run: --pmu %s: off, total or split\n", optarg);
				return 2;
			}
			break;
		case 'M': o.markers = MARKER_ON; break;
		case 'N': o.markers = MARKER_OFF; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.suite || !o.images || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (suite_load(o.suite, &s, err, sizeof(err))) {
		fprintf(stderr, "exitbench-run: %s\n", err);
		return 2;
	}
	nknown = suite_dir_names(o.images, (const char *const[]){ ".bin", NULL }, names, MAX_BENCH);
	for (size_t i = 0; i < nknown; i++)
		known[i] = names[i];
	if (o.linux_dir) {
		if (lg_open(&g, o.linux_dir, err, sizeof(err))) {
			fprintf(stderr, "exitbench-run: --linux: %s\n", err);
			return 2;
		}
		for (int i = 0; i < g.n && nknown < MAX_BENCH; i++)
			known[nknown++] = g.list[i].name;
	}
	if (suite_check_names(&s, o.suite, known, nknown, err, sizeof(err))) {
		fprintf(stderr, "exitbench-run: %s in %s\n", err, o.images);
		return 2;
	}
	if (o.output && !(out = fopen(o.output, "w"))) {
		fprintf(stderr, "exitbench-run: %s: %s\n", o.output, strerror(errno));
		return 2;
	}
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: the alarm must interrupt KVM_RUN */
	signal(SIGPIPE, SIG_IGN);	/* a Linux guest's QEMU that died is an error, not our end */
	if (pin(o.cpu, &h.cpu)) {
		if (o.cpu >= 0) {
			fprintf(stderr, "exitbench-run: --cpu %d: cannot run there: %s\n", o.cpu,
				strerror(errno));
			return 2;
		}
		progress("not pinned to a CPU: %s (trace events of other threads may interleave)",
			 strerror(errno));
	}
	if (marker_open(&h.marker, o.markers))
		progress("trace markers off: %s", h.marker.state + strlen("off: "));
	h.pmu_on = o.pmu > 0;
	if (h.pmu_on) {
		pmu_open(&h.pmu, o.pmu == 2);
		progress("PMU: %zu of %zu events count (%s)", pmu_usable(&h.pmu), h.pmu.n,
			 h.pmu.library);
	}
	rec_open(&r, out);
	r.variant = o.variant;
	r.round = o.round;
	if (write_env(&r, o.suite, &h)) {
		fprintf(stderr, "exitbench-run: writing records failed: %s\n", strerror(errno));
		return 1;
	}
	if (access("/dev/kvm", R_OK | W_OK))
		progress("/dev/kvm: %s: load kvm.ko and kvm-pr.ko first", strerror(errno));
	for (size_t i = 0; i < s.n; i++) {
		if (o.only && strcmp(o.only, s.entries[i].name))
			continue;
		ran++;
		switch (eb_lg_name(s.entries[i].bench) ? run_lg_bench(&r, &o, &h, &g, &s.entries[i])
						       : run_bench(&r, &o, &h, &s.entries[i])) {
		case 0: break;
		case 1: skipped++; break;
		default: failed++; break;
		}
		/* the Linux guest is powered off before a bare guest runs: its QEMU, idle, would
		 * still take the host's time */
		if (g.state > 0 && !next_is_lg(&s, &o, i)) {
			progress("powering the Linux guest off");
			lg_close(&g);
			/* and the host's work of tearing its QEMU down done before a timing */
			sleep(1);
		}
	}
	lg_close(&g);
	rec_write_end(&r, ran, failed, skipped);
	progress("done: %zu benchmarks, %zu failed, %zu not measurable", ran, failed, skipped);
	if (h.pmu_on)
		pmu_close(&h.pmu);
	marker_close(&h.marker);
	suite_free(&s);
	if (out != stdout)
		fclose(out);
	return failed ? 1 : 0;
}
