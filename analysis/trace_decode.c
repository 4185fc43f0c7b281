// SPDX-License-Identifier: MIT
/*
 * trace: the decoder. Event ids and fields are found by name in the formats the trace
 * carries (libtraceevent), so any field layout of the same names works; a record is then read
 * inline, bounds first, into trace.c's handlers. Both readers (trace_file.c, trace_tracefs.c)
 * decode through here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "trace_read.h"

#define BUMP(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

static const char *const timing_fields[4 + TRACE_NPHASES] = {
	"exit_nr", "resume", "entry", "flags",
	"vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
	"realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit",
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
		trace_set_err(err, len, "%s:%s has no field '%s': another kernel's format of the event?",
			ev->system, ev->name, name);
		return NULL;
	}
	if ((f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) || f->offset < 0) {
		trace_set_err(err, len, "%s:%s field '%s' is %d bytes at %d: not a number of this collector",
			ev->system, ev->name, name, f->size, f->offset);
		return NULL;
	}
	if (field_end(f) > *min)
		*min = field_end(f);
	return f;
}

int trace_decoder_init(struct trace_decoder *d, struct tep_handle *tep, char *err, size_t len)
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
		trace_set_err(err, len, "no kvm_pr:kvm_pr_exit_timing or kvm_pr:kvm_exit event in its formats "
			"(recorded without -e kvm_pr, or on a kernel without kvm-pr?)");
		return -ENOENT;
	}
	d->type = tep_find_common_field(any, "common_type");
	d->pid = tep_find_common_field(any, "common_pid");
	if (!d->type || !d->pid || (d->type->size != 1 && d->type->size != 2 && d->type->size != 4) ||
	    d->pid->size != 4 || d->type->offset < 0 || d->pid->offset < 0) {
		trace_set_err(err, len, "%s:%s: no usable common_type/common_pid field", any->system, any->name);
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
static inline uint64_t num(const struct trace_decoder *d, const struct tep_format_field *f,
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
void trace_decode(const struct trace_decoder *d, struct trace_worker *w, struct trace_cpu *c,
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
