// SPDX-License-Identifier: MIT
/*
 * trace: a check of a trace.dat's container before libtracecmd reads it. Not a reader (the
 * events are libtracecmd's and libtraceevent's to parse, docs/design.md, "Trace events"): it walks the
 * header's sections and options only to refuse, with one clear line, what libtracecmd 3.1.6
 * does not check itself and crashes or misbehaves on (found by tests/fuzz/fuzz_trace.c):
 * sizes beyond the end of the file (it mallocs and reads them), string options without
 * their NUL (strdup, strtok, strtoll run off the buffer), options too short for the numbers
 * they hold (CPUCOUNT is read as 4 bytes, CPUSTAT and PROCMAPS touch buf[size - 1]), CPU
 * data outside the file. Layout: trace-cmd.dat(5), versions 6 and 7. Options inside a
 * compressed section of version 7 cannot be seen without decompressing them: for those the
 * section's bounds are checked and the rest is left to the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

/* libtracecmd's option ids (enum tracecmd_option_id, trace-cmd 3.x) */
enum {
	OPT_DONE, OPT_DATE, OPT_CPUSTAT, OPT_BUFFER, OPT_TRACECLOCK, OPT_UNAME, OPT_HOOK,
	OPT_OFFSET, OPT_CPUCOUNT, OPT_VERSION, OPT_PROCMAPS, OPT_TRACEID, OPT_TIME_SHIFT,
	OPT_GUEST, OPT_TSC2NSEC, OPT_STRINGS, OPT_HEADER_INFO, OPT_FTRACE_EVENTS,
	OPT_EVENT_FORMATS, OPT_KALLSYMS, OPT_PRINTK, OPT_CMDLINES, OPT_BUFFER_TEXT,
};

#define SEC_FL_COMPRESS 1
#define MAX_COUNT 1000000	/* events, systems: far more than any kernel has */
#define MAX_OPTION_SECTIONS 64

struct rd {
	int fd;
	uint64_t size;
	int big;		/* the file's byte order */
	int long_size;		/* 4 or 8 */
	uint64_t page;		/* the data's page size */
	int raw_data;		/* CPU data stored as pages (not compressed) */
	int clock_option;	/* v6: a TRACECLOCK option, so the clock follows the CPU data */
	char *err;
	size_t len;
	const char *path;
};

static int bad(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct rd *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->len, "%s: not a readable trace.dat: %s", r->path, msg);
	return -EINVAL;
}

/* n bytes at off, all inside the file */
static int get(struct rd *r, uint64_t off, void *buf, size_t n)
{
	if (off > r->size || n > r->size - off)
		return -1;
	return pread(r->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

static uint64_t num(const struct rd *r, const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[r->big ? n - 1 - i : i] << (8 * i);
	return v;
}

static int getn(struct rd *r, uint64_t *off, int n, uint64_t *v)
{
	unsigned char b[8];

	if (get(r, *off, b, (size_t)n))
		return -1;
	*v = num(r, b, n);
	*off += (uint64_t)n;
	return 0;
}

/* a NUL-terminated string of at most max bytes at *off */
static int getstr(struct rd *r, uint64_t *off, char *out, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (get(r, *off + i, &out[i], 1))
			return -1;
		if (!out[i]) {
			*off += i + 1;
			return 0;
		}
	}
	return -1;
}

/* a size field (n bytes) at *off, then that many bytes of the file, skipped */
static int skip_sized(struct rd *r, uint64_t *off, int n, const char *what)
{
	uint64_t size;

	if (getn(r, off, n, &size) || size > r->size - *off)
		return bad(r, "%s runs past the end of the file (truncated?)", what);
	*off += size;
	return 0;
}

/*
 * A CPU's data: pages, each a timestamp, a commit word (the bytes of events in the page, and
 * flags), then the events. libtraceevent's kbuffer trusts the commit: one larger than the
 * page makes it read past the page (and past the library's mapping of the file).
 */
#define COMMIT_MASK ((1u << 27) - 1)
#define MISSED_STORED (1u << 30)

static int page_ok(struct rd *r, const unsigned char *h)
{
	uint64_t commit = num(r, h + 8, r->long_size);

	return 8 + (uint64_t)r->long_size + (commit & COMMIT_MASK) +
	       ((commit & MISSED_STORED) ? (uint64_t)r->long_size : 0) <= r->page;
}

/*
 * Every page's header of [off, off + size) (inside the file: checked before). Read through
 * a mapping of CHECK_WINDOW bytes at a time (one read each page would be a system call a
 * page: 0.3 s a GB), unmapped after each window so that it costs no lasting memory.
 */
#define CHECK_WINDOW (4ull << 20)

static int check_pages(struct rd *r, uint64_t cpu, uint64_t off, uint64_t size)
{
	uint64_t header = 8 + (uint64_t)r->long_size, sp = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t at = off, end = off + size;

	if (!r->raw_data)
		return 0;
	while (at < end) {
		uint64_t lo = at & ~(sp - 1), hi = lo + CHECK_WINDOW < end ? lo + CHECK_WINDOW : end;
		unsigned char *m = mmap(NULL, hi - lo, PROT_READ, MAP_PRIVATE, r->fd, (off_t)lo);

		for (; at < hi; at += r->page) {
			unsigned char b[16];
			const unsigned char *h = b;

			if (m != MAP_FAILED && at + header <= hi)
				h = m + (at - lo);
			else if (get(r, at, b, (size_t)header))
				h = NULL;
			if (!h || !page_ok(r, h)) {
				if (m != MAP_FAILED)
					munmap(m, hi - lo);
				return h ? bad(r, "CPU %llu: a page at offset %llu says it holds more than a "
					       "page (corrupt)", (unsigned long long)cpu, (unsigned long long)at) :
					   bad(r, "CPU %llu's data runs past the end of the file (truncated?)",
					       (unsigned long long)cpu);
			}
		}
		if (m != MAP_FAILED)
			munmap(m, hi - lo);
	}
	return 0;
}

/*
 * A CPU's compressed data (v7): a count of chunks, then each chunk's compressed and
 * uncompressed sizes and its bytes (size counts the chunks, not the count before them).
 * libtracecmd callocs the count and mallocs each uncompressed size.
 */
#define MAX_CHUNK (64u << 20)

static int check_chunks(struct rd *r, uint64_t cpu, uint64_t off, uint64_t size)
{
	uint64_t count, at = off, end = off + 4 + size;

	if (getn(r, &at, 4, &count) || count > size / 8)
		return bad(r, "CPU %llu: not a count of compressed chunks", (unsigned long long)cpu);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t zsize, usize;

		if (at > end || end - at < 8 || getn(r, &at, 4, &zsize) || getn(r, &at, 4, &usize) ||
		    zsize > end - at || usize > MAX_CHUNK)
			return bad(r, "CPU %llu: compressed chunk %llu runs past its data (corrupt?)",
				   (unsigned long long)cpu, (unsigned long long)i);
		at += zsize;
	}
	return 0;
}

/*
 * The printk formats: a size, then lines "address : format". libtraceevent 1.7.1's
 * tep_parse_printk_formats() strdup()s from one byte past the ':' of each line, past the
 * end of a line that has no ':' or ends with it.
 */
#define MAX_PRINTK (64u << 20)

static int check_printk(struct rd *r, uint64_t *off)
{
	char *text, *line, *save = NULL;
	uint64_t size;
	int ret = 0;

	if (getn(r, off, 4, &size) || size > r->size - *off || size > MAX_PRINTK)
		return bad(r, "printk formats run past the end of the file (truncated?)");
	if (!size)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return -ENOMEM;
	if (get(r, *off, text, (size_t)size)) {
		free(text);
		return bad(r, "printk formats run past the end of the file (truncated?)");
	}
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon || !colon[1]) {
			ret = bad(r, "a printk format line without 'address : format'");
			break;
		}
	}
	free(text);
	*off += size;
	return ret;
}

/* v7 BUFFER option: offset, name, clock, page size, CPU count, then CPU, offset, size each */
static int section_at(struct rd *r, uint64_t off, unsigned *id, unsigned *flags, uint64_t *size);

static int check_buffer(struct rd *r, const unsigned char *p, uint64_t n)
{
	uint64_t at = 8, cpus, ssize;
	unsigned sid, sflags;
	const void *nul;

	for (int s = 0; s < 2; s++) {	/* name, clock */
		if (at > n || !(nul = memchr(p + at, 0, n - at)))
			return bad(r, "buffer option: a name without its end");
		at = (uint64_t)((const unsigned char *)nul - p) + 1;
	}
	if (n < at + 8)
		return bad(r, "buffer option cut short");
	cpus = num(r, p + at + 4, 4);
	at += 8;
	/* the data's section says whether its pages are compressed */
	if (n < 8 || section_at(r, num(r, p, 8), &sid, &sflags, &ssize))
		return r->err[0] ? -EINVAL : bad(r, "buffer option cut short");
	r->raw_data = !(sflags & SEC_FL_COMPRESS);
	if (cpus > TRACE_MAX_CPUS || n < at + cpus * 20)
		return bad(r, "buffer option: %llu CPUs in %llu bytes", (unsigned long long)cpus,
			   (unsigned long long)n);
	for (uint64_t i = 0; i < cpus; i++, at += 20) {
		uint64_t cpu = num(r, p + at, 4), off = num(r, p + at + 4, 8), size = num(r, p + at + 12, 8);

		if (cpu >= TRACE_MAX_CPUS)
			return bad(r, "buffer option: CPU %llu", (unsigned long long)cpu);
		if (size && (off > r->size || size > r->size - off))
			return bad(r, "CPU %llu's data runs past the end of the file (truncated?)",
				   (unsigned long long)cpu);
		if (size && (r->raw_data ? check_pages(r, cpu, off, size) : check_chunks(r, cpu, off, size)))
			return -EINVAL;
	}
	return 0;
}

/* a section (v7) at off: its header and data inside the file; *id, *flags, *size out */
static int section_at(struct rd *r, uint64_t off, unsigned *id, unsigned *flags, uint64_t *size)
{
	uint64_t at = off, v;

	if (getn(r, &at, 2, &v))
		return bad(r, "a section past the end of the file (truncated?)");
	*id = (unsigned)v;
	if (getn(r, &at, 2, &v))
		return bad(r, "a section past the end of the file (truncated?)");
	*flags = (unsigned)v;
	at += 4;	/* description string id */
	if (getn(r, &at, 8, size) || *size > r->size - at)
		return bad(r, "section %u runs past the end of the file (truncated?)", *id);
	if (*flags & SEC_FL_COMPRESS) {
		uint64_t zsize, usize;

		/* one block: compressed and uncompressed sizes, then the compressed bytes */
		if (*size < 8 || getn(r, &at, 4, &zsize) || getn(r, &at, 4, &usize) ||
		    zsize > *size - 8 || usize > (1u << 30))
			return bad(r, "compressed section %u: sizes that do not fit it (corrupt?)", *id);
	}
	return 0;
}

/*
 * The trace clock's text ("local [global] counter ..."): libtracecmd 3.1.6 takes the word in
 * brackets with strtok_r(word, "[]") and sscanf()s it, a NULL when the brackets hold nothing.
 */
static int check_clock(struct rd *r, const char *text, size_t n)
{
	const char *p = text, *end = text + n;

	while (p < end && *p) {
		const char *w = p;

		while (p < end && *p && *p != ' ')
			p++;
		if (*w == '[' && strspn(w, "[]") >= (size_t)(p - w))
			return bad(r, "a trace clock of nothing between brackets");
		while (p < end && *p == ' ')
			p++;
	}
	return 0;
}

/* one option's data, by what libtracecmd does with it */
static int check_option(struct rd *r, int v7, unsigned id, uint64_t off, uint64_t size)
{
	unsigned char buf[65536];
	const unsigned char *p = buf;
	uint64_t n = size < sizeof(buf) ? size : sizeof(buf);

	if (get(r, off, buf, (size_t)n))
		return bad(r, "option %u runs past the end of the file (truncated?)", id);
	switch (id) {
	case OPT_DATE: case OPT_OFFSET: case OPT_UNAME: case OPT_VERSION: case OPT_HOOK:
	case OPT_TRACECLOCK:
		if (!size || size > sizeof(buf) || !memchr(p, 0, (size_t)size))
			return bad(r, "option %u: a string without its end", id);
		if (id == OPT_TRACECLOCK) {
			r->clock_option = 1;
			return check_clock(r, (const char *)p, (size_t)size);
		}
		break;
	case OPT_CPUSTAT: case OPT_PROCMAPS:
		if (!size)
			return bad(r, "option %u is empty", id);
		break;
	case OPT_CPUCOUNT:
		if (size < 4 || num(r, p, 4) > TRACE_MAX_CPUS)
			return bad(r, "CPU count option: not a CPU count");
		break;
	case OPT_GUEST:
		if (size < 13 || !memchr(p, 0, (size_t)n))
			return bad(r, "guest option cut short");
		break;
	case OPT_BUFFER:
		if (v7) {
			if (size > sizeof(buf))
				return bad(r, "buffer option of %llu bytes", (unsigned long long)size);
			return check_buffer(r, p, size);
		}
		break;
	case OPT_HEADER_INFO: case OPT_FTRACE_EVENTS: case OPT_EVENT_FORMATS:
	case OPT_KALLSYMS: case OPT_PRINTK: case OPT_CMDLINES: case OPT_STRINGS: {
		unsigned sid, flags;
		uint64_t ssize;

		if (size < 8)
			return bad(r, "option %u cut short", id);
		if (v7 && id != OPT_STRINGS) {
			uint64_t at = num(r, p, 8);

			if (section_at(r, at, &sid, &flags, &ssize) || sid != id)
				return r->err[0] ? -EINVAL : bad(r, "option %u names a section of id %u", id, sid);
			at += 16;
			if (id == OPT_PRINTK && !(flags & SEC_FL_COMPRESS) && check_printk(r, &at))
				return -EINVAL;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

/*
 * Options from off to end (v7: a section's data, *next the next options section; v6: to an
 * id of 0, *next the offset after it).
 */
static int check_options(struct rd *r, int v7, uint64_t off, uint64_t end, uint64_t *next)
{
	*next = 0;
	for (int n = 0; n < 100000; n++) {
		uint64_t id, size;

		if ((end && off >= end) || getn(r, &off, 2, &id))
			return bad(r, "options without their end (truncated?)");
		if (!v7 && id == OPT_DONE) {
			*next = off;
			return 0;
		}
		if (getn(r, &off, 4, &size) || size > r->size - off || (end && size > end - off))
			return bad(r, "option %u runs past the end of the file (truncated?)", (unsigned)id);
		if (id == OPT_DONE) {
			if (size < 8 || getn(r, &off, 8, next))
				return bad(r, "the last option cut short");
			return 0;
		}
		if (check_option(r, v7, (unsigned)id, off, size))
			return -EINVAL;
		off += size;
	}
	return bad(r, "too many options");
}

static int check_v6(struct rd *r, uint64_t off)
{
	uint64_t count, n, cpus;
	char buf[16], name[1024];

	if (get(r, off, buf, 12) || memcmp(buf, "header_page", 12))
		return bad(r, "no header_page where version 6 has it");
	off += 12;
	if (skip_sized(r, &off, 8, "header_page"))
		return -EINVAL;
	if (get(r, off, buf, 13) || memcmp(buf, "header_event", 13))
		return bad(r, "no header_event where version 6 has it");
	off += 13;
	if (skip_sized(r, &off, 8, "header_event"))
		return -EINVAL;
	if (getn(r, &off, 4, &count) || count > MAX_COUNT)
		return bad(r, "not a count of ftrace formats");
	for (uint64_t i = 0; i < count; i++)
		if (skip_sized(r, &off, 8, "an ftrace format"))
			return -EINVAL;
	if (getn(r, &off, 4, &count) || count > MAX_COUNT)
		return bad(r, "not a count of event systems");
	for (uint64_t i = 0; i < count; i++) {
		if (getstr(r, &off, name, sizeof(name)))
			return bad(r, "an event system without a name");
		if (getn(r, &off, 4, &n) || n > MAX_COUNT)
			return bad(r, "not a count of events of %s", name);
		for (uint64_t j = 0; j < n; j++)
			if (skip_sized(r, &off, 8, "an event format"))
				return -EINVAL;
	}
	if (skip_sized(r, &off, 4, "kallsyms") || check_printk(r, &off) ||
	    skip_sized(r, &off, 8, "command lines"))
		return -EINVAL;
	if (getn(r, &off, 4, &cpus) || cpus > TRACE_MAX_CPUS)
		return bad(r, "not a CPU count");
	if (get(r, off, buf, 10))
		return bad(r, "ends before its data (truncated?)");
	off += 10;
	if (!strncmp(buf, "options", 7)) {
		uint64_t next;

		if (check_options(r, 0, off, 0, &next))
			return -EINVAL;
		off = next;
		if (get(r, off, buf, 10))
			return bad(r, "ends before its data (truncated?)");
		off += 10;
	}
	if (!strncmp(buf, "latency", 7))
		return bad(r, "a latency trace, not a record of events");
	if (strncmp(buf, "flyrecord", 9))
		return bad(r, "no flyrecord data");
	for (uint64_t cpu = 0; cpu < cpus; cpu++) {
		uint64_t o, size;

		if (getn(r, &off, 8, &o) || getn(r, &off, 8, &size))
			return bad(r, "the CPU data table cut short (truncated?)");
		if (size && (o > r->size || size > r->size - o))
			return bad(r, "CPU %llu's data runs past the end of the file (truncated?)",
				   (unsigned long long)cpu);
		if (check_pages(r, cpu, o, size))
			return -EINVAL;
	}
	if (r->clock_option) {
		/* the trace_clock file's text: a size, then the text */
		char text[4096];
		uint64_t size;

		if (getn(r, &off, 8, &size) || size > r->size - off)
			return bad(r, "the trace clock runs past the end of the file (truncated?)");
		if (size >= sizeof(text))
			return bad(r, "a trace clock of %llu bytes", (unsigned long long)size);
		if (get(r, off, text, (size_t)size))
			return bad(r, "the trace clock runs past the end of the file (truncated?)");
		text[size] = '\0';
		return check_clock(r, text, (size_t)size);
	}
	return 0;
}

static int check_v7(struct rd *r, uint64_t off)
{
	char name[64];
	uint64_t next;

	/* the compression's name and version */
	if (getstr(r, &off, name, sizeof(name)))
		return bad(r, "no compression name where version 7 has it");
	if (getstr(r, &off, name, sizeof(name)))
		return bad(r, "no compression version where version 7 has it");
	if (getn(r, &off, 8, &next) || !next)
		return bad(r, "no options offset where version 7 has it");
	for (int n = 0; next; n++) {
		unsigned id, flags;
		uint64_t size, at = next;

		if (n == MAX_OPTION_SECTIONS)
			return bad(r, "option sections run in a loop");
		if (section_at(r, at, &id, &flags, &size))
			return -EINVAL;
		if (id != OPT_DONE)
			return bad(r, "an options section of id %u", id);
		if (flags & SEC_FL_COMPRESS)
			return 0;	/* the library's to decompress and read */
		at += 16;
		if (check_options(r, 1, at, at + size, &next))
			return -EINVAL;
	}
	return 0;
}

int trace_check_file(const char *path, char *err, size_t len)
{
	static const unsigned char magic[10] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct rd r = { .err = err, .len = len, .path = path };
	unsigned char head[10], b[6];
	char version[16];
	uint64_t off = 10, page;
	struct stat st;
	int ret;

	if (len)
		err[0] = '\0';
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		ret = -errno;
		snprintf(err, len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(r.fd, &st) || !S_ISREG(st.st_mode)) {
		close(r.fd);
		snprintf(err, len, "%s: not a regular file", path);
		return -EINVAL;
	}
	r.size = (uint64_t)st.st_size;
	if (get(&r, 0, head, sizeof(head)) || memcmp(head, magic, sizeof(magic))) {
		close(r.fd);
		snprintf(err, len, "%s: not a trace.dat (no trace-cmd file header)", path);
		return -EINVAL;
	}
	if (getstr(&r, &off, version, sizeof(version)) || get(&r, off, b, 6)) {
		ret = bad(&r, "no version");
		goto out;
	}
	off += 6;
	r.big = b[0];
	r.long_size = b[1];
	page = num(&r, b + 2, 4);
	r.page = page;
	r.raw_data = 1;
	if (b[0] > 1 || (b[1] != 4 && b[1] != 8) || page < 512 || page > (1u << 24) || (page & (page - 1))) {
		ret = bad(&r, "endianness %u, long size %u, page size %llu: not a trace-cmd header", b[0],
			  b[1], (unsigned long long)page);
		goto out;
	}
	if (!strcmp(version, "6"))
		ret = check_v6(&r, off);
	else if (!strcmp(version, "7"))
		ret = check_v7(&r, off);
	else
		ret = bad(&r, "version '%s' (this exitbench reads versions 6 and 7)", version);
out:
	close(r.fd);
	return ret;
}
