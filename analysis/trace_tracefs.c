// SPDX-License-Identifier: MIT
/*
 * trace: the running system's tracefs, read with libtracefs (tracefs_cpu_*) and
 * libtraceevent's kbuffer, one reader thread per CPU (or per group of them with --threads).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kbuffer.h>
#include <tracefs.h>

#include "trace_read.h"

struct tf_reader {
	struct trace_reader_thread t;
	const struct trace_decoder *d;
	struct trace_worker *w;
	const volatile sig_atomic_t *stop;
	int *cpus;
	int ncpus;
};

static void tf_page(const struct tf_reader *r, struct kbuffer *kbuf, struct trace_cpu *c, void *page)
{
	unsigned long long ts;
	void *data;

	if (kbuffer_load_subbuffer(kbuf, page) < 0)
		return;
	while ((data = kbuffer_read_event(kbuf, &ts))) {
		struct tep_record rec = {
			.ts = ts, .cpu = c->cpu, .data = data, .size = kbuffer_event_size(kbuf),
			.missed_events = kbuffer_missed_events(kbuf),
		};

		trace_decode(r->d, r->w, c, &rec);
		kbuffer_next_event(kbuf, NULL);
	}
}

static void *tf_main(void *arg)
{
	struct tf_reader *r = arg;
	struct tracefs_cpu **tc = calloc((size_t)r->ncpus, sizeof(*tc));
	struct trace_cpu *cs = calloc((size_t)r->ncpus, sizeof(*cs));
	struct kbuffer *kbuf = kbuffer_alloc(sizeof(long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
					     __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? KBUFFER_ENDIAN_BIG :
					     KBUFFER_ENDIAN_LITTLE);
	void *page = NULL;
	int size = 0;

	trace_thread_enter();
	if (!tc || !cs || !kbuf) {
		r->t.ret = -ENOMEM;
		snprintf(r->t.msg, sizeof(r->t.msg), "out of memory");
		goto out;
	}
	for (int i = 0; i < r->ncpus; i++) {
		trace_cpu_init(&cs[i], r->cpus[i]);
		tc[i] = tracefs_cpu_open(NULL, r->cpus[i], true);
		if (!tc[i]) {
			r->t.ret = errno ? -errno : -EIO;
			snprintf(r->t.msg, sizeof(r->t.msg), "per_cpu/cpu%d/trace_pipe_raw: %s", r->cpus[i],
				 strerror(-r->t.ret));
			goto out;
		}
		if (tracefs_cpu_read_size(tc[i]) > size)
			size = tracefs_cpu_read_size(tc[i]);
	}
	page = malloc(size > 0 ? (size_t)size : 65536);
	if (!page) {
		r->t.ret = -ENOMEM;
		goto out;
	}
	while (!*r->stop) {
		int got = 0;

		for (int i = 0; i < r->ncpus; i++)
			while (tracefs_cpu_read(tc[i], page, true) > 0) {
				tf_page(r, kbuf, &cs[i], page);
				got = 1;
			}
		if (!got)
			usleep(50000);
	}
	/* what is left in the buffers */
	for (int i = 0; i < r->ncpus; i++)
		while (tracefs_cpu_flush(tc[i], page) > 0)
			tf_page(r, kbuf, &cs[i], page);
out:
	for (int i = 0; tc && i < r->ncpus; i++)
		if (tc[i])
			tracefs_cpu_close(tc[i]);
	free(tc);
	free(cs);
	free(page);
	if (kbuf)
		kbuffer_free(kbuf);
	trace_thread_leave();
	return NULL;
}

int trace_read_tracefs(const struct trace_read_opts *o, struct trace_summary *s,
		       struct trace_source *src, char *err, size_t len)
{
	static const char *const events[] = { "kvm_pr_exit_timing", "kvm_exit", "kvm_book3s_reenter" };
	const char *systems[] = { "kvm_pr", "ftrace", NULL };
	int enabled[3] = { 0 }, ncpu, ret;
	struct tf_reader *readers = NULL;
	struct trace_agg *agg = NULL;
	struct tep_handle *tep;
	const char *dir;
	unsigned nthreads;
	struct trace_decoder d;
	struct trace_live live;
	int live_on = 0;
	double t0 = trace_now_s();

	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	dir = tracefs_tracing_dir();
	if (!dir) {
		trace_set_err(err, len, "no tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		return -ENOENT;
	}
	snprintf(src->path, sizeof(src->path), "%s", dir);
	tep = tracefs_local_events_system(dir, systems);
	if (!tep) {
		trace_set_err(err, len, "%s: cannot read the event formats: %s", dir, strerror(errno ? errno : EIO));
		return -EIO;
	}
	ret = trace_decoder_init(&d, tep, err, len);
	if (ret) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		trace_set_err(err, len, "%s: %s", dir, msg);
		tep_free(tep);
		return ret;
	}
	src->have_timing = d.id_timing >= 0;
	src->have_exit = d.id_exit >= 0;
	src->have_reenter = d.id_reenter >= 0;
	src->have_print = d.id_print >= 0;
	{
		char *clock = tracefs_get_clock(NULL);

		trace_clock_unit(src, clock);
		free(clock);
	}
	/* the instrumented event when there is one (it times the whole round trip), else the pair */
	for (int i = 0; i < 3; i++) {
		if ((i == 0 && !src->have_timing) || (i > 0 && src->have_timing) ||
		    (i == 1 && !src->have_exit) || (i == 2 && !src->have_reenter))
			continue;
		if (tracefs_event_is_enabled(NULL, "kvm_pr", events[i]) == TRACEFS_ALL_ENABLED)
			continue;
		if (tracefs_event_enable(NULL, "kvm_pr", events[i])) {
			trace_set_err(err, len, "%s: cannot enable kvm_pr:%s: %s (root?)", dir, events[i],
				strerror(errno ? errno : EPERM));
			ret = -EPERM;
			goto out;
		}
		enabled[i] = 1;
	}
	tracefs_trace_on(NULL);
	ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ncpu < 1 || ncpu > TRACE_MAX_CPUS)
		ncpu = 1;
	src->cpus = src->cpus_with_data = ncpu;
	nthreads = trace_reader_threads(o, ncpu);
	src->threads = nthreads;
	ret = trace_agg_new(nthreads, &agg);
	readers = calloc(nthreads, sizeof(*readers));
	if (ret || !readers) {
		trace_set_err(err, len, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		readers[i].d = &d;
		readers[i].stop = o->stop;
		readers[i].cpus = calloc((size_t)ncpu / nthreads + 1, sizeof(int));
		if (!readers[i].cpus || trace_worker_new(agg, i, &readers[i].w)) {
			trace_set_err(err, len, "out of memory");
			ret = -ENOMEM;
			goto out;
		}
	}
	for (int i = 0; i < ncpu; i++)
		readers[(unsigned)i % nthreads].cpus[readers[(unsigned)i % nthreads].ncpus++] = i;
	if (o->live)
		live_on = trace_live_start(&live, agg, o, t0) == 0;
	ret = trace_run_readers(readers, sizeof(*readers), nthreads, tf_main, dir, err, len);
	if (live_on)
		trace_live_stop(&live);
	if (ret)
		goto out;
	ret = trace_summarize(agg, s);
	if (ret)
		trace_set_err(err, len, "out of memory");
	src->elapsed_s = trace_now_s() - t0;
out:
	for (int i = 0; i < 3; i++)
		if (enabled[i])
			tracefs_event_disable(NULL, "kvm_pr", events[i]);
	for (unsigned i = 0; readers && i < nthreads; i++)
		free(readers[i].cpus);
	free(readers);
	trace_agg_free(agg);
	tep_free(tep);
	return ret;
}
