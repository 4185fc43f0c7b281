// SPDX-License-Identifier: MIT
/*
 * trace: --live, a kvm_stat-like frame of the busiest (benchmark, exit) rows once a second,
 * from a thread of its own that summarizes the table while the readers fill it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace_read.h"

static void *live_main(void *arg)
{
	struct trace_live *l = arg;
	struct trace_summary prev = { 0 }, now;
	double tprev = l->t0;
	int have_prev = 0;

	trace_thread_enter();
	pthread_mutex_lock(&l->m);
	while (!l->done) {
		struct timespec until;
		double t;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&l->cv, &l->m, &until);
		if (l->done)
			break;
		pthread_mutex_unlock(&l->m);
		if (trace_summarize_top(l->agg, &now) == 0) {
			t = trace_now_s();
			if (l->tty)
				fputs("\033[H\033[2J", l->out);
			trace_print_top(l->out, &now, have_prev ? &prev : NULL, t - tprev, t - l->t0, l->rows);
			if (!l->tty)
				fputc('\n', l->out);
			if (have_prev)
				trace_summary_free(&prev);
			prev = now;
			have_prev = 1;
			tprev = t;
		}
		pthread_mutex_lock(&l->m);
	}
	pthread_mutex_unlock(&l->m);
	if (have_prev)
		trace_summary_free(&prev);
	trace_thread_leave();
	return NULL;
}

int trace_live_start(struct trace_live *l, struct trace_agg *agg, const struct trace_read_opts *o,
		     double t0)
{
	memset(l, 0, sizeof(*l));
	l->agg = agg;
	l->out = o->live_out ? o->live_out : stderr;
	l->rows = o->live_rows > 0 ? o->live_rows : 20;
	l->tty = isatty(fileno(l->out));
	l->t0 = t0;
	pthread_mutex_init(&l->m, NULL);
	pthread_cond_init(&l->cv, NULL);
	return -pthread_create(&l->th, NULL, live_main, l);
}

void trace_live_stop(struct trace_live *l)
{
	pthread_mutex_lock(&l->m);
	l->done = 1;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->m);
	pthread_join(l->th, NULL);
	pthread_mutex_destroy(&l->m);
	pthread_cond_destroy(&l->cv);
}
