// SPDX-License-Identifier: MIT
/*
 * trace: reading, what both readers share (trace_file.c for a trace.dat, trace_tracefs.c for
 * the running system): their threads, started and joined here, and the description of the
 * trace clock. The private API of the readers is trace_read.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trace_read.h"

double trace_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void trace_set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- reader threads ---- */

/*
 * Run fn on each of n readers (an array of structs of size bytes, each starting with its
 * struct trace_reader_thread), a thread each, or in this thread when none can be made; then
 * stop the live view, if any. The first reader's failure goes into err, after what.
 */
unsigned trace_reader_threads(const struct trace_read_opts *o, int ncpu)
{
	unsigned n = o && o->threads ? o->threads : (unsigned)ncpu;

	if (n > (unsigned)ncpu)
		n = (unsigned)ncpu;
	return n > TRACE_MAX_THREADS ? TRACE_MAX_THREADS : n;
}

int trace_run_readers(void *readers, size_t size, unsigned n, void *(*fn)(void *),
		      const char *what, char *err, size_t len)
{
	struct trace_reader_thread *t;

	for (unsigned i = 0; i < n; i++) {
		t = (struct trace_reader_thread *)((char *)readers + i * size);
		t->started = !pthread_create(&t->th, NULL, fn, t);
		if (!t->started)
			fn(t);	/* run it here instead */
	}
	for (unsigned i = 0; i < n; i++) {
		t = (struct trace_reader_thread *)((char *)readers + i * size);
		if (t->started)
			pthread_join(t->th, NULL);
	}
	for (unsigned i = 0; i < n; i++) {
		t = (struct trace_reader_thread *)((char *)readers + i * size);
		if (t->ret) {
			trace_set_err(err, len, "%s: %s", what, t->msg);
			return t->ret;
		}
	}
	return 0;
}

/* ---- the source's description ---- */

void trace_clock_unit(struct trace_source *src, const char *clock)
{
	static const char *const ns_clocks[] = { "local", "global", "perf", "mono", "mono_raw", "boot",
						 "tai", "tsc2nsec" };
	const char *unit = "trace clock units";

	snprintf(src->clock, sizeof(src->clock), "%s", clock ? clock : "");
	if (!clock)
		;
	else if (!strcmp(clock, "ppc-tb"))
		unit = "timebase ticks";
	else if (!strcmp(clock, "uptime"))
		unit = "jiffies";
	else if (!strcmp(clock, "counter"))
		unit = "counts";
	else if (!strcmp(clock, "x86-tsc"))
		unit = "TSC cycles";
	else
		for (size_t i = 0; i < sizeof(ns_clocks) / sizeof(ns_clocks[0]); i++)
			if (!strcmp(clock, ns_clocks[i]))
				unit = "ns";
	snprintf(src->pair_unit, sizeof(src->pair_unit), "%s", unit);
}
