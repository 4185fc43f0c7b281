/* SPDX-License-Identifier: MIT */
/*
 * trace: what the readers of trace events share. Private to analysis/trace_*.c; the public
 * reading API (trace_read_file, trace_read_tracefs, trace_check_file) is trace.h's.
 *
 *   trace_read.c     reader threads, the trace clock's unit: what both readers use
 *   trace_decode.c   event ids and fields by name; a record into trace.c's handlers
 *   trace_compat.c   every workaround for libtracecmd's and libtraceevent's bugs
 *   trace_file.c     a trace.dat: a reader thread (and libtracecmd handle) per CPU buffer
 *   trace_tracefs.c  the running system's tracefs
 *   trace_live.c     --live: the kvm_stat-like frames while either reader reads
 */
#ifndef EB_TRACE_READ_H
#define EB_TRACE_READ_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <trace-cmd.h>
#include <event-parse.h>

#include "trace.h"

/* ---- trace_read.c ---- */

/* Seconds on the monotonic clock. */
double trace_now_s(void);
/* The one-line message into err. */
void trace_set_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The trace clock's name (NULL: unknown) and the unit of exit_to_reenter it implies into src. */
void trace_clock_unit(struct trace_source *src, const char *clock);

/* the part of a reader thread trace_run_readers() knows: first in each kind of reader */
struct trace_reader_thread {
	pthread_t th;
	int started;
	int ret;		/* 0, or what went wrong (msg says it) */
	char msg[512];
};

/* The reader threads for ncpu CPU buffers: --threads, else one a buffer; at most ncpu and
 * TRACE_MAX_THREADS. */
unsigned trace_reader_threads(const struct trace_read_opts *o, int ncpu);
/* Run fn on n readers, a thread each, and wait for them; the first failure into err. */
int trace_run_readers(void *readers, size_t size, unsigned n, void *(*fn)(void *),
		      const char *what, char *err, size_t len);

/* ---- trace_decode.c ---- */

struct trace_decoder {
	int swap;		/* the file's byte order is not this machine's */
	int id_timing, id_exit, id_reenter, id_print;	/* -1: not in the file */
	struct tep_format_field *type, *pid;
	struct tep_format_field *timing[4 + TRACE_NPHASES];
	struct tep_format_field *exit_nr, *reenter_r, *buf;
	unsigned min_common, min_timing, min_exit, min_reenter, min_print;
};

/* The events' ids and fields in tep, by name; -ENOENT / -EINVAL with one line in err. */
int trace_decoder_init(struct trace_decoder *d, struct tep_handle *tep, char *err, size_t len);
/* One record into w's handlers (bounds first: a record too short is counted and skipped). */
void trace_decode(const struct trace_decoder *d, struct trace_worker *w, struct trace_cpu *c,
		  const struct tep_record *rec);

/* ---- trace_live.c ---- */

struct trace_live {
	pthread_t th;
	struct trace_agg *agg;
	FILE *out;
	int rows, tty;
	double t0;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int done;
};

/* A frame of agg's busiest rows once a second from a thread of its own; -errno. */
int trace_live_start(struct trace_live *l, struct trace_agg *agg, const struct trace_read_opts *o,
		     double t0);
/* Stop it and wait for its thread. */
void trace_live_stop(struct trace_live *l);

/* ---- trace_compat.c: libtracecmd and libtraceevent, worked around ---- */

/* libtracecmd's private exports, where the library has them: NULL / -1 when it has not */
const char *trace_compat_clock(struct tracecmd_input *h);
const char *trace_compat_cpustats(struct tracecmd_input *h);
int trace_compat_cpus(struct tracecmd_input *h);

/* Leave a handle the library failed on (never closed), as a known leak to LeakSanitizer. */
void trace_compat_abandon(struct tracecmd_input *h);

/*
 * SIGBUS guards: a page of the file that the library mapped and the file no longer has.
 *	struct trace_guard g;
 *	if (sigsetjmp(g.jb, 1)) { the fault: g has ended, the guard it was armed in is back }
 *	trace_guard_begin(&g);
 *	... library calls, guarded calls ...
 *	trace_guard_end(&g);	(on every way out but the fault's)
 * Locals the fault path reads, changed after sigsetjmp(), must be volatile.
 */
struct trace_guard {
	sigjmp_buf jb;
	struct trace_guard *prev;	/* the guard this one was armed in */
};
/* Arm g in this thread, inside the guard armed now (if any). */
void trace_guard_begin(struct trace_guard *g);
/* End g: the guard it was armed in is armed again. */
void trace_guard_end(struct trace_guard *g);
/* Install the guards' SIGBUS handler for the time of a read; the old one into *old. */
void trace_sigbus_catch(struct sigaction *old);
/* Put the old handler back. */
void trace_sigbus_restore(const struct sigaction *old);

/* libtracecmd's first parse of path in a child process: 0, or -EINVAL with one line in err. */
int trace_compat_probe(const char *path, char *err, size_t len);
/* tracecmd_open() in its two steps, under a guard, hushed if hush; NULL with *why. */
struct tracecmd_input *trace_compat_open(const char *path, int hush, const char **why);

/* the pages a reader has moved past, to drop from the library's mapping of the file */
#define TRACE_DROP_BATCH 64
struct trace_dropper {
	int state;		/* 0 unknown, 1 file mapping: drop, -1 never */
	uintptr_t mask;		/* ~(page size - 1) */
	int n;
	struct tep_record *held[TRACE_DROP_BATCH];	/* the last record read of each */
};

/*
 * A reader thread's libtracecmd handle and what reading through the library's bugs takes:
 * the file to open it again from, its decoder (set up again for each new handle), the pages
 * to drop, the bytes read since it was opened. Records come from trace_handle_first() and
 * trace_handle_next(), under a guard.
 */
struct trace_handle {
	const char *path;
	struct tracecmd_input *h;	/* NULL until opened; another one after a reopen */
	struct trace_decoder d;		/* h's */
	int faulted;		/* a SIGBUS under h: not to be touched again */
	unsigned long long page_size;	/* of the file's data pages */
	unsigned long long window;	/* bytes read since h was opened */
	unsigned long long reopen_bytes;	/* window that makes a reopen due */
	int reopen_mapped;	/* reopen even where records are in a mapping of the file */
	struct tep_record *rec;	/* the record read now: NULL at the end */
	struct trace_dropper dr;
};
/* Open th->path unless th->h is open, set up th->d; -EINVAL with one line in msg. */
int trace_handle_open(struct trace_handle *th, char *msg, size_t len);
/* th->rec becomes the first record of cpu (NULL: none); returns it. */
struct tep_record *trace_handle_first(struct trace_handle *th, int cpu);
/* th->rec (freed or held) becomes the next record of cpu, or NULL; -EINVAL with msg (NULL). */
int trace_handle_next(struct trace_handle *th, int cpu, char *msg, size_t len);
/* Free what th holds and close its handle (or leave them, if it faulted). */
void trace_handle_close(struct trace_handle *th);

/*
 * A test seam, not an option: a test program that defines it (exitbench does not, and the
 * weak reference is then NULL) makes every reader reopen its handle after each page of data,
 * whatever the file, and is called after each reopen with the offset reading resumes at.
 */
void trace_test_reopened(const char *path, unsigned long long offset) __attribute__((weak));

#endif
