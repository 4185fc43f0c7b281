// SPDX-License-Identifier: MIT
/*
 * trace: libtracecmd and libtraceevent, worked around. Every workaround for the libraries'
 * bugs and gaps is here, each with the version it was found in and, where there is one, the
 * upstream fix; when Debian's libraries move on, this is the file to revisit. Found in
 * Debian 12's libtracecmd1 3.1.6-1 (trace-cmd 3.1.6; its libtracecmd is 1.3.1, soname
 * libtracecmd.so.1) and libtraceevent1 1.7.1-1, mostly by tests/fuzz/fuzz_trace.c:
 *
 *   private exports      the clock, CPU statistics and CPU count: weak declarations
 *   abandoned handles    tracecmd_close() crashes on a handle whose setup failed
 *   hushed output        the library printf()s its complaints onto our stdout
 *   SIGBUS guards        it maps the file's data without checking the file's size
 *   a first parse in a child   its header parsers crash or hang on some corrupt files
 *   the page dropper     every page read of its mapping of the file stays resident
 *   reopened handles     compressed data: its chunk cache is never freed, and scanned
 *   records going back   a corrupt page can make it return the same record forever
 *
 * The other half is trace_check.c: what the library does not check in a file's container is
 * refused before the library sees it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace_read.h"

/* ---- libtracecmd's private exports ---- */

/*
 * Exported by libtracecmd.so.1 but declared only in its private header (trace-cmd 3.1.6's
 * trace-cmd-private.h, not installed): used, when present, to name the trace clock (the unit
 * of exit_to_reenter), to read the CPU statistics (events lost) and to check the CPU count
 * against the data. Weak: a library without them still loads, and those figures are then
 * "unknown". Later releases declare the first two in trace-cmd.h; tracecmd_cpus() is still
 * private in trace-cmd 3.4.
 */
extern const char *tracecmd_get_trace_clock(struct tracecmd_input *handle) __attribute__((weak));
extern const char *tracecmd_get_cpustats(struct tracecmd_input *handle) __attribute__((weak));
extern int tracecmd_cpus(struct tracecmd_input *handle) __attribute__((weak));

const char *trace_compat_clock(struct tracecmd_input *h)
{
	return tracecmd_get_trace_clock ? tracecmd_get_trace_clock(h) : NULL;
}

const char *trace_compat_cpustats(struct tracecmd_input *h)
{
	return tracecmd_get_cpustats ? tracecmd_get_cpustats(h) : NULL;
}

int trace_compat_cpus(struct tracecmd_input *h)
{
	return tracecmd_cpus ? tracecmd_cpus(h) : -1;
}

/* ---- abandoned handles ---- */

/*
 * A handle libtracecmd failed on is left, not closed: tracecmd_close() crashes on a handle
 * whose tracecmd_init_data() failed part way (its per-CPU page_maps lists are zeroed, not
 * initialized: trace-cmd 3.1.6's init_cpu() sets them up one CPU at a time and stops at
 * the first failure, tracecmd_close() walks them all; seen on truncated version 6 files; so
 * still in trace-cmd 3.4), and after a fault inside the library its state is anybody's guess
 * (so are the records still held of it). Bad input ends the command, so the leak is one
 * handle; under the sanitizers it is marked as such.
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

static void leave(const void *p)
{
#ifdef EB_LSAN
	if (p)
		__lsan_ignore_object(p);
#else
	(void)p;
#endif
}

void trace_compat_abandon(struct tracecmd_input *h)
{
	leave(h);
}

/* ---- SIGBUS guards ---- */

/*
 * libtracecmd reads the CPU data through mmap() (allocate_page_map(), trace-cmd 3.1.6; so
 * still in 3.4) and compares the data's extent with the file's size only when it opens the
 * file (read_cpu_data()): a file that shrinks afterwards (a copy still being written, a
 * trace-cmd still recording), or a page that cannot be read, raises SIGBUS when the library
 * (or kbuffer, or the decoder) touches the page. The library's calls run under a guard, and a
 * SIGBUS under one ends the read with a line that says so; outside every guard it is fatal,
 * as it would be without this handler.
 *
 * Guards nest: the reader's loop is guarded, and the reopen inside it (trace_compat_open())
 * arms a guard of its own. Each saves the guard it was armed in and restores it when it ends,
 * by trace_guard_end() or by the SIGBUS that ends it (the handler restores it before it jumps).
 */
static __thread struct trace_guard *guard;	/* the innermost guard armed in this thread */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct trace_guard *g = guard;

	(void)si;
	(void)uc;
	if (g) {
		guard = g->prev;
		siglongjmp(g->jb, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void trace_guard_begin(struct trace_guard *g)
{
	g->prev = guard;
	guard = g;
}

void trace_guard_end(struct trace_guard *g)
{
	guard = g->prev;
}

void trace_sigbus_catch(struct sigaction *old)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, old);
}

void trace_sigbus_restore(const struct sigaction *old)
{
	sigaction(SIGBUS, old, NULL);
}

/* ---- hushed output ---- */

/*
 * libtracecmd prints some of its complaints with printf() whatever its log level
 * (tracecmd_init_data()'s "File possibly truncated", init_cpu()'s perror("mmap") and "Can not
 * mmap file": trace-cmd 3.1.6, so still in 3.4): kept off our stdout and stderr. Only the
 * first open of a file is hushed: hushing swaps the process's file descriptors 1 and 2, which
 * the reader threads' opens and reopens cannot do while other threads write.
 */
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

struct tracecmd_input *trace_compat_open(const char *path, int hush, const char **why)
{
	struct tracecmd_input *volatile h = NULL;
	struct hush hs = { -1, -1 };
	struct trace_guard g;

	*why = "corrupt, truncated or of an unknown trace.dat version";
	if (hush)
		hush_begin(&hs);
	if (sigsetjmp(g.jb, 1)) {
		if (hush)
			hush_end(&hs);
		trace_compat_abandon(h);
		*why = "truncated (its data runs past the end of the file)";
		return NULL;
	}
	trace_guard_begin(&g);
	h = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (h && tracecmd_init_data(h) < 0) {
		trace_compat_abandon(h);
		h = NULL;
		*why = "corrupt or truncated (libtracecmd cannot set up its CPU data)";
	}
	trace_guard_end(&g);
	if (hush)
		hush_end(&hs);
	return h;
}

/* ---- a first parse in a child ---- */

/*
 * libtracecmd's header parsers crash (NULL writes, wild reads) or loop on some corrupt
 * files that trace_check_file() lets through (trace-cmd 3.1.6: the fuzzer keeps finding new
 * ones; a NULL write in tracecmd_open_head() is kept as regress-open-head-null-write). Their
 * first parse therefore runs in a child process: a child that dies, or does not finish in
 * 30 s, makes the file "corrupt" with one clear line, and the parse is only done here once
 * it is known to survive. Exit codes: 0 opened, 3 refused by the library; anything else
 * (a signal, or a sanitizer's exit) is a crash. The cost is one fork per file.
 */
int trace_compat_probe(const char *path, char *err, size_t len)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;	/* no child: the guarded parse (trace_compat_open) is all there is */
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
		trace_set_err(err, len, "%s: corrupt: libtracecmd did not finish reading its headers in 30 s", path);
	else if (WIFSIGNALED(status))
		trace_set_err(err, len, "%s: corrupt: libtracecmd crashed reading its headers (signal %d)", path,
			WTERMSIG(status));
	else
		trace_set_err(err, len, "%s: corrupt: libtracecmd crashed reading its headers", path);
	return -EINVAL;
}

/* ---- the page dropper ---- */

/*
 * libtracecmd maps a CPU's data in large read-only chunks (the largest CPU buffer's size,
 * rounded up to a power of two: tracecmd_init_data()'s comment says "about a meg of pages",
 * its code does not; trace-cmd 3.1.6, so still in 3.4), and every page read stays resident
 * until the chunk is unmapped: a 1 GB trace would cost 1 GB of RSS. Pages the reader has
 * moved past are dropped with MADV_DONTNEED while a record on each is still held (a record
 * holds its page, which holds its mapping: the address range is the library's mapping of the
 * file, nothing else). On a read-only private file mapping that loses nothing: a later access
 * reads the file again. Done only once /proc/self/maps showed that records live in such a
 * mapping (not in malloc'ed pages, as with compressed files). The last record of each page is
 * held until TRACE_DROP_BATCH of them are, then their pages are dropped in runs (one madvise
 * for consecutive pages) and the records freed.
 */
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

static void drop_flush(struct trace_dropper *dr)
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
static void drop_behind(struct trace_dropper *dr, struct tep_record *rec, const struct tep_record *next)
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
	if (dr->n == TRACE_DROP_BATCH || !next)
		drop_flush(dr);
}

/* ---- a reader's handle: reopened, and checked for going back ---- */

/*
 * Compressed files: libtracecmd 3.1.6 decompresses them chunk by chunk into a cache that it
 * never frees until the handle is closed (free_zpage() cannot find a chunk again: its test
 * "map <= cache->map && map > cache->map + size" is never true) and scans linearly for every
 * page, so memory grows with the file and time with its square (fixed upstream by an rbtree,
 * trace-cmd commit 5274db32, in libtracecmd 1.5.0, and commit 1571b67c "Fix free_zpage()
 * offset", 1.5.1). Where records are not in a mapping of the file (that is, compressed, or
 * read without mmap), the handle is closed and opened again every REOPEN_BYTES of data, and
 * reading resumes at the next record's offset (tracecmd_read_at).
 */
#define REOPEN_BYTES (32ull << 20)

int trace_handle_open(struct trace_handle *th, char *msg, size_t len)
{
	const char *why;

	th->dr.mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
	if (!th->h) {
		th->h = trace_compat_open(th->path, 0, &why);
		if (!th->h) {
			snprintf(msg, len, "libtracecmd could not open it again: %s", why);
			return -EINVAL;
		}
	}
	if (trace_decoder_init(&th->d, tracecmd_get_tep(th->h), msg, len))
		return -EINVAL;
	th->page_size = (unsigned long long)tep_get_page_size(tracecmd_get_tep(th->h));
	if (!th->page_size)
		th->page_size = 4096;
	th->reopen_bytes = trace_test_reopened ? th->page_size : REOPEN_BYTES;
	th->reopen_mapped = trace_test_reopened != NULL;
	return 0;
}

struct tep_record *trace_handle_first(struct trace_handle *th, int cpu)
{
	th->window = 0;
	th->rec = tracecmd_read_cpu_first(th->h, cpu);
	return th->rec;
}

/* th->rec, at off, again from a new handle */
static int reopen_at(struct trace_handle *th, int cpu, char *msg, size_t len)
{
	unsigned long long off = th->rec->offset;
	const char *why;
	int at;

	tracecmd_free_record(th->rec);
	th->rec = NULL;
	drop_flush(&th->dr);	/* the records held go before their handle */
	tracecmd_close(th->h);
	th->h = trace_compat_open(th->path, 0, &why);
	if (!th->h) {
		snprintf(msg, len, "libtracecmd could not open it again: %s", why);
		return -EINVAL;
	}
	if (trace_decoder_init(&th->d, tracecmd_get_tep(th->h), msg, len))
		return -EINVAL;
	th->rec = tracecmd_read_at(th->h, off, &at);
	if (!th->rec || at != cpu || th->rec->offset != off) {
		snprintf(msg, len, "CPU %d: cannot find the record at offset %llu again", cpu, off);
		if (th->rec)
			tracecmd_free_record(th->rec);
		th->rec = NULL;
		return -EINVAL;
	}
	if (trace_test_reopened)
		trace_test_reopened(th->path, off);
	return 0;
}

int trace_handle_next(struct trace_handle *th, int cpu, char *msg, size_t len)
{
	struct tep_record *rec = th->rec, *next = tracecmd_read_data(th->h, cpu);

	if (next && next->offset <= rec->offset) {
		/*
		 * a corrupt page can make libtracecmd 3.1.6 return the same record forever
		 * (tests/fuzz/corpus/fuzz_trace/regress-loop)
		 */
		snprintf(msg, len, "CPU %d: corrupt data: the record at offset %llu is followed by one "
			 "at %llu", cpu, rec->offset, next->offset);
		tracecmd_free_record(next);
		th->rec = NULL;
		drop_behind(&th->dr, rec, NULL);
		return -EINVAL;
	}
	if (next && next->offset / th->page_size != rec->offset / th->page_size)
		th->window += th->page_size;
	th->rec = next;
	drop_behind(&th->dr, rec, next);
	if (next && th->window >= th->reopen_bytes && (th->dr.state < 0 || th->reopen_mapped)) {
		th->window = 0;
		return reopen_at(th, cpu, msg, len);
	}
	return 0;
}

void trace_handle_close(struct trace_handle *th)
{
	if (th->faulted) {
		trace_compat_abandon(th->h);
		leave(th->rec);
		for (int i = 0; i < th->dr.n; i++)
			leave(th->dr.held[i]);
	} else if (th->h) {
		drop_flush(&th->dr);
		tracecmd_close(th->h);
	}
	th->h = NULL;
}
