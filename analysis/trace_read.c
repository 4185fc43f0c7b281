// SPDX-License-Identifier: MIT
/*
 * trace: reading. A trace.dat is read with libtracecmd, one reader thread per CPU buffer
 * (or per group of them with --threads), each thread with a handle of its own: a handle's
 * file position, page reads and decompression state are not made for sharing between threads,
 * and per-thread handles cost one parse of the headers each. The running system's tracefs is
 * read with libtracefs (tracefs_cpu_*) and libtraceevent's kbuffer, one thread per CPU too.
 * Records of both go through one decoder into trace.c's handlers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <trace-cmd.h>
#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "trace.h"

/*
 * Exported by libtracecmd.so.1 but declared only in its private header: used, when present,
 * to name the trace clock (the unit of exit_to_reenter), to read the CPU statistics (events
 * lost) and to check the CPU count against the data. Weak: a library without them still
 * loads, and those figures are then "unknown".
 */
extern const char *tracecmd_get_trace_clock(struct tracecmd_input *handle) __attribute__((weak));
extern const char *tracecmd_get_cpustats(struct tracecmd_input *handle) __attribute__((weak));
extern int tracecmd_cpus(struct tracecmd_input *handle) __attribute__((weak));

#define BUMP(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- the decoder: event ids and fields, by name ---- */

static const char *const timing_fields[4 + TRACE_NPHASES] = {
	"exit_nr", "resume", "entry", "flags",
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit",
};

struct decoder {
	int swap;		/* the file's byte order is not this machine's */
	int id_timing, id_exit, id_reenter, id_print;	/* -1: not in the file */
	struct tep_format_field *type, *pid;
	struct tep_format_field *timing[4 + TRACE_NPHASES];
	struct tep_format_field *exit_nr, *reenter_r, *buf;
	unsigned min_common, min_timing, min_exit, min_reenter, min_print;
};

static unsigned field_end(const struct tep_format_field *f)
{
	return (unsigned)f->offset + (unsigned)f->size;
}

/* a numeric field of ev by name; NULL with err set when missing or not a number */
static struct tep_format_field *num_field(struct tep_event *ev, const char *name, unsigned *min,
					  char *err, size_t len)
{
	struct tep_format_field *f = tep_find_field(ev, name);

	if (!f) {
		set_err(err, len, "%s:%s has no field '%s': another kernel's format of the event?",
			ev->system, ev->name, name);
		return NULL;
	}
	if ((f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) || f->offset < 0) {
		set_err(err, len, "%s:%s field '%s' is %d bytes at %d: not a number of this collector",
			ev->system, ev->name, name, f->size, f->offset);
		return NULL;
	}
	if (field_end(f) > *min)
		*min = field_end(f);
	return f;
}

static int decoder_init(struct decoder *d, struct tep_handle *tep, char *err, size_t len)
{
	struct tep_event *t = tep_find_event_by_name(tep, "kvm_pr", "kvm_pr_exit_timing");
	struct tep_event *x = tep_find_event_by_name(tep, "kvm_pr", "kvm_exit");
	struct tep_event *r = tep_find_event_by_name(tep, "kvm_pr", "kvm_book3s_reenter");
	struct tep_event *p = tep_find_event_by_name(tep, "ftrace", "print");
	struct tep_event *any = t ? t : x;

	memset(d, 0, sizeof(*d));
	d->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	d->id_timing = d->id_exit = d->id_reenter = d->id_print = -1;
	if (!any) {
		set_err(err, len, "no kvm_pr:kvm_pr_exit_timing or kvm_pr:kvm_exit event in its formats "
			"(recorded without -e kvm_pr, or on a kernel without kvm-pr?)");
		return -ENOENT;
	}
	d->type = tep_find_common_field(any, "common_type");
	d->pid = tep_find_common_field(any, "common_pid");
	if (!d->type || !d->pid || (d->type->size != 1 && d->type->size != 2 && d->type->size != 4) ||
	    d->pid->size != 4 || d->type->offset < 0 || d->pid->offset < 0) {
		set_err(err, len, "%s:%s: no usable common_type/common_pid field", any->system, any->name);
		return -EINVAL;
	}
	d->min_common = field_end(d->type) > field_end(d->pid) ? field_end(d->type) : field_end(d->pid);
	if (t) {
		d->min_timing = d->min_common;
		for (int i = 0; i < 4 + TRACE_NPHASES; i++)
			if (!(d->timing[i] = num_field(t, timing_fields[i], &d->min_timing, err, len)))
				return -EINVAL;
		d->id_timing = t->id;
	}
	if (x) {
		d->min_exit = d->min_common;
		if (!(d->exit_nr = num_field(x, "exit_nr", &d->min_exit, err, len)))
			return -EINVAL;
		d->id_exit = x->id;
	}
	if (r) {
		d->min_reenter = d->min_common;
		if (!(d->reenter_r = num_field(r, "r", &d->min_reenter, err, len)))
			return -EINVAL;
		d->id_reenter = r->id;
	}
	if (p) {
		d->buf = tep_find_field(p, "buf");
		/* char buf[] at the end, or a __data_loc string in some kernels */
		if (d->buf && d->buf->offset >= 0 &&
		    (!(d->buf->flags & TEP_FIELD_IS_DYNAMIC) || d->buf->size == 4)) {
			d->min_print = d->min_common > field_end(d->buf) ? d->min_common : field_end(d->buf);
			d->id_print = p->id;
		}
	}
	return 0;
}

/*
 * A field's value: tep_read_number_field()'s result (sizes 1, 2, 4, 8 in the file's byte
 * order), read inline: it is called 16 times an event, and the call through the library's PLT
 * with its switch was a third of the time per event.
 */
static inline uint64_t num(const struct decoder *d, const struct tep_format_field *f,
			   const unsigned char *data)
{
	const unsigned char *p = data + f->offset;

	switch (f->size) {
	case 1:
		return *p;
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return d->swap ? __builtin_bswap16(v) : v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return d->swap ? __builtin_bswap32(v) : v;
	}
	default: {
		uint64_t v;

		memcpy(&v, p, 8);
		return d->swap ? __builtin_bswap64(v) : v;
	}
	}
}

/* one record: bounds first (a record shorter than its fields is counted and skipped) */
static void decode(const struct decoder *d, struct trace_worker *w, struct trace_cpu *c,
		   const struct tep_record *rec)
{
	struct trace_counts *cn = trace_worker_counts(w);
	const unsigned char *data = rec->data;
	unsigned size = (unsigned)rec->size;
	int id;

	BUMP(cn->records, 1);
	if (rec->missed_events > 0)
		BUMP(cn->lost, (uint64_t)rec->missed_events);
	else if (rec->missed_events < 0)
		BUMP(cn->lost_pages, 1);
	if (!data || rec->size < 0 || size < d->min_common) {
		BUMP(cn->short_records, 1);
		return;
	}
	id = (int)num(d, d->type, data);
	if (id == d->id_timing) {
		struct trace_timing t;

		if (size < d->min_timing)
			goto short_record;
		t.exit_nr = (uint32_t)num(d, d->timing[0], data);
		t.resume = (int32_t)(uint32_t)num(d, d->timing[1], data);
		t.entry = (int32_t)(uint32_t)num(d, d->timing[2], data);
		t.flags = (uint32_t)num(d, d->timing[3], data);
		for (int k = 0; k < TRACE_NPHASES; k++)
			t.phase[k] = (uint32_t)num(d, d->timing[4 + k], data);
		trace_on_timing(w, c, &t);
	} else if (id == d->id_exit) {
		if (size < d->min_exit)
			goto short_record;
		trace_on_exit(w, c, (int)(int32_t)num(d, d->pid, data), rec->ts, (uint32_t)num(d, d->exit_nr, data));
	} else if (id == d->id_reenter) {
		if (size < d->min_reenter)
			goto short_record;
		trace_on_reenter(w, c, (int)(int32_t)num(d, d->pid, data), rec->ts,
				 (int)(int32_t)(uint32_t)num(d, d->reenter_r, data));
	} else if (id == d->id_print) {
		unsigned off = (unsigned)d->buf->offset, n;

		if (size < d->min_print)
			goto short_record;
		if (d->buf->flags & TEP_FIELD_IS_DYNAMIC) {
			uint32_t loc = (uint32_t)num(d, d->buf, data);

			n = loc >> 16;
			off = (loc & 0xffff) + ((d->buf->flags & TEP_FIELD_IS_RELATIVE) ? field_end(d->buf) : 0);
			if (off > size || n > size - off)
				goto short_record;
		} else {
			n = size - off;
		}
		trace_on_marker(w, c, (const char *)data + off, n);
	}
	return;
short_record:
	BUMP(cn->short_records, 1);
}

/* ---- SIGBUS: a page of a truncated file that the library mapped ---- */

static __thread sigjmp_buf *bus_jmp;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- dropping pages already read from the library's mapping of the file ---- */

/*
 * libtracecmd maps a CPU's data in large read-only chunks (up to the whole buffer), and
 * every page read stays resident until the chunk is unmapped: a 1 GB trace would cost 1 GB
 * of RSS. Pages the reader has moved past are dropped with MADV_DONTNEED while a record on
 * each is still held (a record holds its page, which holds its mapping: the address range is
 * the library's mapping of the file, nothing else). On a read-only private file mapping that
 * loses nothing: a later access reads the file again. Done only once /proc/self/maps showed
 * that records live in such a mapping (not in malloc'ed pages, as with compressed files).
 * The last record of each page is held until DROP_BATCH of them are, then their pages are
 * dropped in runs (one madvise for consecutive pages) and the records freed.
 */
#define DROP_BATCH 64

struct dropper {
	int state;		/* 0 unknown, 1 file mapping: drop, -1 never */
	uintptr_t mask;		/* ~(page size - 1) */
	int n;
	struct tep_record *held[DROP_BATCH];
};

static int in_readonly_file_map(uintptr_t addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096], perms[8], path[4096];
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, inode;

		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu %4095s", &lo, &hi, perms, &inode, path) < 4)
			continue;
		if (addr < lo || addr >= hi)
			continue;
		found = perms[0] == 'r' && perms[1] == '-' && perms[3] == 'p' && inode && path[0] == '/';
		break;
	}
	fclose(f);
	return found;
}

static void drop_flush(struct dropper *dr)
{
	uintptr_t lo = 0, hi = 0, psz = ~dr->mask + 1;

	for (int i = 0; i < dr->n; i++) {
		uintptr_t page = (uintptr_t)dr->held[i]->data & dr->mask;

		if (hi && page == hi) {
			hi += psz;
			continue;
		}
		if (hi)
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
		lo = page;
		hi = page + psz;
	}
	if (hi)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	for (int i = 0; i < dr->n; i++)
		tracecmd_free_record(dr->held[i]);
	dr->n = 0;
}

/* rec is read; next is the record after it (or NULL). Frees rec, or holds it to drop its page. */
static void drop_behind(struct dropper *dr, struct tep_record *rec, const struct tep_record *next)
{
	uintptr_t page = (uintptr_t)rec->data & dr->mask;

	if (dr->state < 0 || !rec->data ||
	    (next && next->data && ((uintptr_t)next->data & dr->mask) == page)) {
		tracecmd_free_record(rec);
		return;
	}
	if (!dr->state)
		dr->state = in_readonly_file_map((uintptr_t)rec->data) ? 1 : -1;
	if (dr->state < 0) {
		tracecmd_free_record(rec);
		return;
	}
	dr->held[dr->n++] = rec;
	if (dr->n == DROP_BATCH || !next)
		drop_flush(dr);
}

/* ---- file readers ---- */

/* the part of a reader thread run_readers() knows: first in each kind of reader */
struct reader_thread {
	pthread_t th;
	int started;
	int ret;		/* 0, or what went wrong (msg says it) */
	char msg[512];
};

struct reader {
	struct reader_thread t;
	const char *path;
	struct trace_worker *w;
	struct tracecmd_input *h;
	int *cpus;
	int ncpus;
	int faulted;		/* the handle is not to be touched again */
	unsigned long long page_size;	/* of the file's data pages */
	unsigned long long window;	/* bytes read since the handle was opened */
};

/*
 * A handle libtracecmd failed on is left, not closed: tracecmd_close() crashes on a handle
 * whose tracecmd_init_data() failed part way (its per-CPU page_maps lists are zeroed, not
 * initialized: libtracecmd 3.1.6, seen on truncated version 6 files), and after a fault
 * inside the library its state is anybody's guess. Bad input ends the command, so the leak is
 * one handle; under the sanitizers it is marked as such.
 */
#if defined(__SANITIZE_ADDRESS__)
#define EB_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EB_LSAN 1
#endif
#endif
#ifdef EB_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static void abandon(struct tracecmd_input *h)
{
#ifdef EB_LSAN
	if (h)
		__lsan_ignore_object(h);
#else
	(void)h;
#endif
}

/* libtracecmd prints some of its complaints with printf(): kept off our stdout and stderr */
struct hush {
	int out, err;
};

static void hush_begin(struct hush *hs)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stdout);
	fflush(stderr);
	hs->out = null >= 0 ? dup(1) : -1;
	hs->err = null >= 0 ? dup(2) : -1;
	if (hs->out >= 0 && hs->err >= 0) {
		dup2(null, 1);
		dup2(null, 2);
	}
	if (null >= 0)
		close(null);
}

static void hush_end(struct hush *hs)
{
	fflush(stdout);
	fflush(stderr);
	if (hs->out >= 0 && hs->err >= 0) {
		dup2(hs->out, 1);
		dup2(hs->err, 2);
	}
	if (hs->out >= 0)
		close(hs->out);
	if (hs->err >= 0)
		close(hs->err);
}

/* tracecmd_open(), in its two steps, with SIGBUS caught; NULL with *why on failure */
static struct tracecmd_input *open_guarded(const char *path, int hush, const char **why)
{
	struct tracecmd_input *volatile h = NULL;
	struct hush hs = { -1, -1 };
	sigjmp_buf jb;

	*why = "corrupt, truncated or of an unknown trace.dat version";
	if (hush)
		hush_begin(&hs);
	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		if (hush)
			hush_end(&hs);
		abandon(h);
		*why = "truncated (its data runs past the end of the file)";
		return NULL;
	}
	bus_jmp = &jb;
	h = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (h && tracecmd_init_data(h) < 0) {
		abandon(h);
		h = NULL;
		*why = "corrupt or truncated (libtracecmd cannot set up its CPU data)";
	}
	bus_jmp = NULL;
	if (hush)
		hush_end(&hs);
	return h;
}

/*
 * Compressed files: libtracecmd 3.1.6 decompresses them chunk by chunk into a cache that it
 * never frees until the handle is closed (free_zpage() cannot find a chunk again) and scans
 * linearly for every page, so memory grows with the file and time with its square (fixed
 * upstream in 2023 by an rbtree). Where records are not in a mapping of the file (that is,
 * compressed, or read without mmap), the handle is closed and opened again every
 * REOPEN_BYTES of data, and reading resumes at the next record's offset (tracecmd_read_at).
 */
#define REOPEN_BYTES (32ull << 20)

static int reopen_at(struct reader *r, struct decoder *d, int cpu, struct tep_record *volatile *rec)
{
	unsigned long long off = (*rec)->offset;
	const char *why;
	int at;

	tracecmd_free_record(*rec);
	*rec = NULL;
	tracecmd_close(r->h);
	r->h = open_guarded(r->path, 0, &why);
	if (!r->h) {
		snprintf(r->t.msg, sizeof(r->t.msg), "libtracecmd could not open it again: %s", why);
		return -EINVAL;
	}
	if (decoder_init(d, tracecmd_get_tep(r->h), r->t.msg, sizeof(r->t.msg)))
		return -EINVAL;
	*rec = tracecmd_read_at(r->h, off, &at);
	if (!*rec || at != cpu || (*rec)->offset != off) {
		snprintf(r->t.msg, sizeof(r->t.msg), "CPU %d: cannot find the record at offset %llu again",
			 cpu, off);
		return -EINVAL;
	}
	return 0;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct tep_record *volatile rec = NULL;
	struct dropper dr = { .mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1) };
	volatile int cpu_i = 0;
	struct decoder d;
	sigjmp_buf jb;
	const char *why;

	trace_thread_enter();
	if (!r->h) {
		r->h = open_guarded(r->path, 0, &why);
		if (!r->h) {
			r->t.ret = -EINVAL;
			snprintf(r->t.msg, sizeof(r->t.msg), "libtracecmd could not open it again: %s", why);
			goto out;
		}
	}
	if (decoder_init(&d, tracecmd_get_tep(r->h), r->t.msg, sizeof(r->t.msg))) {
		r->t.ret = -EINVAL;
		goto out;
	}
	r->page_size = (unsigned long long)tep_get_page_size(tracecmd_get_tep(r->h));
	if (!r->page_size)
		r->page_size = 4096;
	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		r->t.ret = -EINVAL;
		snprintf(r->t.msg, sizeof(r->t.msg), "truncated: CPU %d's data runs past the end of the file",
			 r->cpus[cpu_i]);
		r->faulted = 1;
		goto out;
	}
	bus_jmp = &jb;
	for (; cpu_i < r->ncpus; cpu_i++) {
		int cpu = r->cpus[cpu_i];
		struct trace_cpu c;

		trace_cpu_init(&c, cpu);
		r->window = 0;
		rec = tracecmd_read_cpu_first(r->h, cpu);
		while (rec) {
			struct tep_record *next;

			decode(&d, r->w, &c, rec);
			next = tracecmd_read_data(r->h, cpu);
			if (next && next->offset <= rec->offset) {
				/* a corrupt page can make the library return the same record forever */
				snprintf(r->t.msg, sizeof(r->t.msg), "CPU %d: corrupt data: the record at offset "
					 "%llu is followed by one at %llu", cpu, rec->offset, next->offset);
				r->t.ret = -EINVAL;
				tracecmd_free_record(next);
				drop_behind(&dr, rec, NULL);
				rec = NULL;
				goto fail;
			}
			if (next && next->offset / r->page_size != rec->offset / r->page_size)
				r->window += r->page_size;
			drop_behind(&dr, rec, next);
			rec = next;
			if (rec && dr.state < 0 && r->window >= REOPEN_BYTES) {
				r->window = 0;
				if ((r->t.ret = reopen_at(r, &d, cpu, &rec)))
					goto fail;
			}
		}
	}
	bus_jmp = NULL;
	goto out;
fail:
	bus_jmp = NULL;
	if (rec)
		tracecmd_free_record(rec);
out:
	if (!r->faulted)
		drop_flush(&dr);
	trace_thread_leave();
	return NULL;
}

/* ---- --live frames ---- */

struct live {
	pthread_t th;
	struct trace_agg *agg;
	FILE *out;
	int rows, tty;
	double t0;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int done;
};

static void *live_main(void *arg)
{
	struct live *l = arg;
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
			t = now_s();
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

static int live_start(struct live *l, struct trace_agg *agg, const struct trace_read_opts *o, double t0)
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

static void live_stop(struct live *l)
{
	pthread_mutex_lock(&l->m);
	l->done = 1;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->m);
	pthread_join(l->th, NULL);
	pthread_mutex_destroy(&l->m);
	pthread_cond_destroy(&l->cv);
}

/*
 * Run fn on each of n readers (an array of structs of size bytes, each starting with its
 * struct reader_thread), a thread each, or in this thread when none can be made; then stop
 * the live view, if any. The first reader's failure goes into err, after what.
 */
static int run_readers(void *readers, size_t size, unsigned n, void *(*fn)(void *),
		       struct live *live, const char *what, char *err, size_t len)
{
	struct reader_thread *t;

	for (unsigned i = 0; i < n; i++) {
		t = (struct reader_thread *)((char *)readers + i * size);
		t->started = !pthread_create(&t->th, NULL, fn, t);
		if (!t->started)
			fn(t);	/* run it here instead */
	}
	for (unsigned i = 0; i < n; i++) {
		t = (struct reader_thread *)((char *)readers + i * size);
		if (t->started)
			pthread_join(t->th, NULL);
	}
	if (live)
		live_stop(live);
	for (unsigned i = 0; i < n; i++) {
		t = (struct reader_thread *)((char *)readers + i * size);
		if (t->ret) {
			set_err(err, len, "%s: %s", what, t->msg);
			return t->ret;
		}
	}
	return 0;
}

/* ---- the source's description ---- */

static void clock_unit(struct trace_source *src, const char *clock)
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
	sigjmp_buf jb;

	*n = 0;
	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		return cpu;
	}
	bus_jmp = &jb;
	for (; cpu < declared; cpu++) {
		unsigned long long off;

		if (first_record_offset(h, cpu, &off))
			cpus[(*n)++] = cpu;
	}
	bus_jmp = NULL;
	return -1;
}

/*
 * libtracecmd's header parsers crash (NULL writes, wild reads) or loop on some corrupt
 * files that trace_check_file() lets through (the fuzzer keeps finding new ones). Their
 * first parse therefore runs in a child process: a child that dies, or does not finish in
 * 30 s, makes the file "corrupt" with one clear line, and the parse is only done here once
 * it is known to survive. Exit codes: 0 opened, 3 refused by the library; anything else
 * (a signal, or a sanitizer's exit) is a crash. The cost is one fork per file.
 */
static int probe_in_child(const char *path, char *err, size_t len)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;	/* no child: the guarded parse below is all there is */
	if (pid == 0) {
		struct tracecmd_input *h;
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		signal(SIGBUS, SIG_DFL);
		alarm(30);
		h = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
		_exit(h && tracecmd_init_data(h) >= 0 ? 0 : 3);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3))
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		set_err(err, len, "%s: corrupt: libtracecmd did not finish reading its headers in 30 s", path);
	else if (WIFSIGNALED(status))
		set_err(err, len, "%s: corrupt: libtracecmd crashed reading its headers (signal %d)", path,
			WTERMSIG(status));
	else
		set_err(err, len, "%s: corrupt: libtracecmd crashed reading its headers", path);
	return -EINVAL;
}

int trace_read_file(const char *path, const struct trace_read_opts *o, struct trace_summary *s,
		    struct trace_source *src, char *err, size_t len)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old_sa;
	struct tracecmd_input *h0;
	struct reader *readers = NULL;
	struct trace_agg *agg = NULL;
	int *cpus_with = NULL, ncpu = 0, declared, ret;
	const char *why;
	unsigned nthreads = 0;
	struct live live;
	int live_on = 0;
	struct decoder d;
	double t0 = now_s();

	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	snprintf(src->path, sizeof(src->path), "%s", path);
	ret = trace_check_file(path, err, len);
	if (ret)
		return ret;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	ret = probe_in_child(path, err, len);
	if (ret)
		return ret;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_sa);
	h0 = open_guarded(path, !(o && o->library_noise), &why);
	if (!h0) {
		set_err(err, len, "%s: libtracecmd cannot read it: %s", path, why);
		ret = -EINVAL;
		goto out;
	}
	declared = tep_get_cpus(tracecmd_get_tep(h0));
	src->cpus = declared;
	if (declared <= 0 || declared > TRACE_MAX_CPUS) {
		set_err(err, len, "%s: declares %d CPUs: not a CPU count (corrupt?)", path, declared);
		ret = -EINVAL;
		goto out;
	}
	if (tracecmd_cpus && tracecmd_cpus(h0) > declared) {
		set_err(err, len, "%s: lists data of %d CPU buffers but declares %d CPUs (corrupt?)", path,
			tracecmd_cpus(h0), declared);
		ret = -EINVAL;
		goto out;
	}
	ret = decoder_init(&d, tracecmd_get_tep(h0), err, len);
	if (ret) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		set_err(err, len, "%s: %s", path, msg);
		ret = -EINVAL;
		goto out;
	}
	src->have_timing = d.id_timing >= 0;
	src->have_exit = d.id_exit >= 0;
	src->have_reenter = d.id_reenter >= 0;
	src->have_print = d.id_print >= 0;
	clock_unit(src, tracecmd_get_trace_clock ? tracecmd_get_trace_clock(h0) : NULL);
	src->lost_file = tracecmd_get_cpustats ? stats_lost(tracecmd_get_cpustats(h0)) : 0;
	cpus_with = calloc((size_t)declared, sizeof(*cpus_with));
	if (!cpus_with) {
		ret = -ENOMEM;
		set_err(err, len, "%s: out of memory", path);
		goto out;
	}
	ret = scan_cpus(h0, declared, cpus_with, &ncpu);
	if (ret >= 0) {
		abandon(h0);
		h0 = NULL;
		set_err(err, len, "%s: truncated: CPU %d's data runs past the end of the file", path, ret);
		ret = -EINVAL;
		goto out;
	}
	src->cpus_with_data = ncpu;
	if (!ncpu) {
		set_err(err, len, "%s: no events recorded in it (every CPU buffer is empty)", path);
		ret = -EINVAL;
		goto out;
	}
	nthreads = o && o->threads ? o->threads : (unsigned)ncpu;
	if (nthreads > (unsigned)ncpu)
		nthreads = (unsigned)ncpu;
	if (nthreads > TRACE_MAX_THREADS)
		nthreads = TRACE_MAX_THREADS;
	src->threads = nthreads;
	ret = trace_agg_new(nthreads, &agg);
	readers = calloc(nthreads, sizeof(*readers));
	if (ret || !readers) {
		set_err(err, len, "%s: out of memory", path);
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		readers[i].path = path;
		readers[i].cpus = calloc((size_t)ncpu / nthreads + 1, sizeof(int));
		if (!readers[i].cpus || trace_worker_new(agg, i, &readers[i].w)) {
			set_err(err, len, "%s: out of memory", path);
			ret = -ENOMEM;
			goto out;
		}
	}
	for (int i = 0; i < ncpu; i++) {
		struct reader *r = &readers[(unsigned)i % nthreads];

		r->cpus[r->ncpus++] = cpus_with[i];
	}
	readers[0].h = h0;
	h0 = NULL;
	if (o && o->live)
		live_on = live_start(&live, agg, o, t0) == 0;
	ret = run_readers(readers, sizeof(*readers), nthreads, reader_main, live_on ? &live : NULL,
			  path, err, len);
	if (ret)
		goto out;
	ret = trace_summarize(agg, s);
	if (ret) {
		set_err(err, len, "%s: out of memory", path);
		goto out;
	}
	if (!s->c.timing && !s->c.exits) {
		set_err(err, len, "%s: no kvm_pr:kvm_pr_exit_timing or kvm_pr:kvm_exit events recorded in it "
			"(%llu records of other events)", path, (unsigned long long)s->c.records);
		trace_summary_free(s);
		ret = -EINVAL;
		goto out;
	}
	src->elapsed_s = now_s() - t0;
out:
	sigaction(SIGBUS, &old_sa, NULL);
	if (h0)
		tracecmd_close(h0);
	for (unsigned i = 0; readers && i < nthreads; i++) {
		if (readers[i].faulted)
			abandon(readers[i].h);
		else if (readers[i].h)
			tracecmd_close(readers[i].h);
		free(readers[i].cpus);
	}
	free(readers);
	free(cpus_with);
	trace_agg_free(agg);
	return ret;
}

/* ---- the running system's tracefs ---- */

struct tf_reader {
	struct reader_thread t;
	const struct decoder *d;
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

		decode(r->d, r->w, c, &rec);
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
	struct decoder d;
	struct live live;
	int live_on = 0;
	double t0 = now_s();

	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	dir = tracefs_tracing_dir();
	if (!dir) {
		set_err(err, len, "no tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		return -ENOENT;
	}
	snprintf(src->path, sizeof(src->path), "%s", dir);
	tep = tracefs_local_events_system(dir, systems);
	if (!tep) {
		set_err(err, len, "%s: cannot read the event formats: %s", dir, strerror(errno ? errno : EIO));
		return -EIO;
	}
	ret = decoder_init(&d, tep, err, len);
	if (ret) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		set_err(err, len, "%s: %s", dir, msg);
		tep_free(tep);
		return ret;
	}
	src->have_timing = d.id_timing >= 0;
	src->have_exit = d.id_exit >= 0;
	src->have_reenter = d.id_reenter >= 0;
	src->have_print = d.id_print >= 0;
	{
		char *clock = tracefs_get_clock(NULL);

		clock_unit(src, clock);
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
			set_err(err, len, "%s: cannot enable kvm_pr:%s: %s (root?)", dir, events[i],
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
	nthreads = o && o->threads ? o->threads : (unsigned)ncpu;
	if (nthreads > (unsigned)ncpu)
		nthreads = (unsigned)ncpu;
	if (nthreads > TRACE_MAX_THREADS)
		nthreads = TRACE_MAX_THREADS;
	src->threads = nthreads;
	ret = trace_agg_new(nthreads, &agg);
	readers = calloc(nthreads, sizeof(*readers));
	if (ret || !readers) {
		set_err(err, len, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		readers[i].d = &d;
		readers[i].stop = o->stop;
		readers[i].cpus = calloc((size_t)ncpu / nthreads + 1, sizeof(int));
		if (!readers[i].cpus || trace_worker_new(agg, i, &readers[i].w)) {
			set_err(err, len, "out of memory");
			ret = -ENOMEM;
			goto out;
		}
	}
	for (int i = 0; i < ncpu; i++)
		readers[(unsigned)i % nthreads].cpus[readers[(unsigned)i % nthreads].ncpus++] = i;
	if (o->live)
		live_on = live_start(&live, agg, o, t0) == 0;
	ret = run_readers(readers, sizeof(*readers), nthreads, tf_main, live_on ? &live : NULL, dir,
			  err, len);
	if (ret)
		goto out;
	ret = trace_summarize(agg, s);
	if (ret)
		set_err(err, len, "out of memory");
	src->elapsed_s = now_s() - t0;
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
