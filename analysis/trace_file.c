// SPDX-License-Identifier: MIT
/*
 * trace: a trace.dat, read with libtracecmd, one reader thread per CPU buffer (or per group
 * of them with --threads), each thread with a handle of its own: a handle's file position,
 * page reads and decompression state are not made for sharing between threads, and
 * per-thread handles cost one parse of the headers each. What the library needs worked
 * around is trace_compat.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_read.h"

struct reader {
	struct trace_reader_thread t;
	struct trace_worker *w;
	int *cpus;
	int ncpus;
	struct trace_handle th;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	volatile int cpu_i = 0;
	struct trace_guard g;

	trace_thread_enter();
	if (trace_handle_open(&r->th, r->t.msg, sizeof(r->t.msg))) {
		r->t.ret = -EINVAL;
		goto out;
	}
	if (sigsetjmp(g.jb, 1)) {
		r->t.ret = -EINVAL;
		snprintf(r->t.msg, sizeof(r->t.msg), "truncated: CPU %d's data runs past the end of the file",
			 r->cpus[cpu_i]);
		r->th.faulted = 1;
		goto out;
	}
	trace_guard_begin(&g);
	for (; cpu_i < r->ncpus; cpu_i++) {
		int cpu = r->cpus[cpu_i];
		struct tep_record *rec;
		struct trace_cpu c;

		trace_cpu_init(&c, cpu);
		for (rec = trace_handle_first(&r->th, cpu); rec; rec = r->th.rec) {
			trace_decode(&r->th.d, r->w, &c, rec);
			r->t.ret = trace_handle_next(&r->th, cpu, r->t.msg, sizeof(r->t.msg));
			if (r->t.ret)
				break;
		}
		if (r->t.ret)
			break;
	}
	trace_guard_end(&g);
out:
	trace_thread_leave();
	return NULL;
}

/* "overrun: N" and "dropped events: N" of every CPU in the file's statistics */
static uint64_t stats_lost(const char *stats)
{
	uint64_t lost = 0;

	for (const char *p = stats; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long long n;

		if (sscanf(p, "overrun: %llu", &n) == 1 || sscanf(p, "dropped events: %llu", &n) == 1)
			lost += n;
	}
	return lost;
}

static int first_record_offset(struct tracecmd_input *h, int cpu, unsigned long long *off)
{
	struct tep_record *rec = tracecmd_read_cpu_first(h, cpu);

	if (!rec)
		return 0;
	*off = rec->offset;
	tracecmd_free_record(rec);
	return 1;
}

/* the CPUs with data into cpus[*n]; -1, or the CPU whose first page faulted (truncated) */
static int scan_cpus(struct tracecmd_input *h, int declared, int *cpus, int *n)
{
	volatile int cpu = 0;
	struct trace_guard g;

	*n = 0;
	if (sigsetjmp(g.jb, 1))
		return cpu;
	trace_guard_begin(&g);
	for (; cpu < declared; cpu++) {
		unsigned long long off;

		if (first_record_offset(h, cpu, &off))
			cpus[(*n)++] = cpu;
	}
	trace_guard_end(&g);
	return -1;
}

int trace_read_file(const char *path, const struct trace_read_opts *o, struct trace_summary *s,
		    struct trace_source *src, char *err, size_t len)
{
	struct sigaction old_sa;
	struct tracecmd_input *h0;
	struct reader *readers = NULL;
	struct trace_agg *agg = NULL;
	int *cpus_with = NULL, ncpu = 0, declared, ret;
	const char *why;
	unsigned nthreads = 0;
	struct trace_live live;
	int live_on = 0;
	struct trace_decoder d;
	double t0 = trace_now_s();

	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	snprintf(src->path, sizeof(src->path), "%s", path);
	ret = trace_check_file(path, err, len);
	if (ret)
		return ret;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	ret = trace_compat_probe(path, err, len);
	if (ret)
		return ret;
	trace_sigbus_catch(&old_sa);
	h0 = trace_compat_open(path, !(o && o->library_noise), &why);
	if (!h0) {
		trace_set_err(err, len, "%s: libtracecmd cannot read it: %s", path, why);
		ret = -EINVAL;
		goto out;
	}
	declared = tep_get_cpus(tracecmd_get_tep(h0));
	src->cpus = declared;
	if (declared <= 0 || declared > TRACE_MAX_CPUS) {
		trace_set_err(err, len, "%s: declares %d CPUs: not a CPU count (corrupt?)", path, declared);
		ret = -EINVAL;
		goto out;
	}
	if (trace_compat_cpus(h0) > declared) {
		trace_set_err(err, len, "%s: lists data of %d CPU buffers but declares %d CPUs (corrupt?)", path,
			trace_compat_cpus(h0), declared);
		ret = -EINVAL;
		goto out;
	}
	ret = trace_decoder_init(&d, tracecmd_get_tep(h0), err, len);
	if (ret) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		trace_set_err(err, len, "%s: %s", path, msg);
		ret = -EINVAL;
		goto out;
	}
	src->have_timing = d.id_timing >= 0;
	src->have_exit = d.id_exit >= 0;
	src->have_reenter = d.id_reenter >= 0;
	src->have_print = d.id_print >= 0;
	trace_clock_unit(src, trace_compat_clock(h0));
	src->lost_file = stats_lost(trace_compat_cpustats(h0));
	cpus_with = calloc((size_t)declared, sizeof(*cpus_with));
	if (!cpus_with) {
		ret = -ENOMEM;
		trace_set_err(err, len, "%s: out of memory", path);
		goto out;
	}
	ret = scan_cpus(h0, declared, cpus_with, &ncpu);
	if (ret >= 0) {
		trace_compat_abandon(h0);
		h0 = NULL;
		trace_set_err(err, len, "%s: truncated: CPU %d's data runs past the end of the file", path, ret);
		ret = -EINVAL;
		goto out;
	}
	src->cpus_with_data = ncpu;
	if (!ncpu) {
		trace_set_err(err, len, "%s: no events recorded in it (every CPU buffer is empty)", path);
		ret = -EINVAL;
		goto out;
	}
	nthreads = trace_reader_threads(o, ncpu);
	src->threads = nthreads;
	ret = trace_agg_new(nthreads, &agg);
	readers = calloc(nthreads, sizeof(*readers));
	if (ret || !readers) {
		trace_set_err(err, len, "%s: out of memory", path);
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		readers[i].th.path = path;
		readers[i].cpus = calloc((size_t)ncpu / nthreads + 1, sizeof(int));
		if (!readers[i].cpus || trace_worker_new(agg, i, &readers[i].w)) {
			trace_set_err(err, len, "%s: out of memory", path);
			ret = -ENOMEM;
			goto out;
		}
	}
	for (int i = 0; i < ncpu; i++) {
		struct reader *r = &readers[(unsigned)i % nthreads];

		r->cpus[r->ncpus++] = cpus_with[i];
	}
	readers[0].th.h = h0;
	h0 = NULL;
	if (o && o->live)
		live_on = trace_live_start(&live, agg, o, t0) == 0;
	ret = trace_run_readers(readers, sizeof(*readers), nthreads, reader_main, path, err, len);
	if (live_on)
		trace_live_stop(&live);
	if (ret)
		goto out;
	ret = trace_summarize(agg, s);
	if (ret) {
		trace_set_err(err, len, "%s: out of memory", path);
		goto out;
	}
	if (!s->c.timing && !s->c.exits) {
		trace_set_err(err, len, "%s: no kvm_pr:kvm_pr_exit_timing or kvm_pr:kvm_exit events recorded in it "
			"(%llu records of other events)", path, (unsigned long long)s->c.records);
		trace_summary_free(s);
		ret = -EINVAL;
		goto out;
	}
	src->elapsed_s = trace_now_s() - t0;
out:
	trace_sigbus_restore(&old_sa);
	if (h0)
		tracecmd_close(h0);
	for (unsigned i = 0; readers && i < nthreads; i++) {
		trace_handle_close(&readers[i].th);
		free(readers[i].cpus);
	}
	free(readers);
	free(cpus_with);
	trace_agg_free(agg);
	return ret;
}
