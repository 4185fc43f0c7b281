// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

void rec_open(struct rec *r, FILE *f)
{
	struct stat st;

	r->f = f;
	r->sync = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	r->nfields = 0;
	r->depth = 0;
	r->variant = NULL;
	r->round = 0;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* records carry ASCII only */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void key(struct rec *r, const char *k)
{
	if (r->nfields++)
		fputc(',', r->f);
	put_string(r->f, k);
	fputc(':', r->f);
}

void rec_begin(struct rec *r, const char *type)
{
	r->nfields = 0;
	r->depth = 0;
	fputc('{', r->f);
	rec_str(r, "type", type);
	if (r->variant)
		rec_str(r, "variant", r->variant);
	if (r->round)
		rec_u64(r, "round", r->round);
}

void rec_str(struct rec *r, const char *k, const char *val)
{
	key(r, k);
	put_string(r->f, val);
}

void rec_u64(struct rec *r, const char *k, uint64_t val)
{
	key(r, k);
	fprintf(r->f, "%" PRIu64, val);
}

void rec_f64(struct rec *r, const char *k, double val)
{
	key(r, k);
	if (isfinite(val))
		fprintf(r->f, "%.17g", val);
	else
		fputs("null", r->f);
}

void rec_u64_array(struct rec *r, const char *k, const uint64_t *v, size_t n)
{
	key(r, k);
	fputc('[', r->f);
	for (size_t i = 0; i < n; i++)
		fprintf(r->f, i ? ",%" PRIu64 : "%" PRIu64, v[i]);
	fputc(']', r->f);
}

void rec_obj_begin(struct rec *r, const char *k)
{
	key(r, k);
	fputc('{', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_arr_begin(struct rec *r, const char *k)
{
	key(r, k);
	fputc('[', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_arr_end(struct rec *r)
{
	fputc(']', r->f);
	r->depth--;
	r->nfields = 1;
}

void rec_item_begin(struct rec *r)
{
	if (r->nfields++)
		fputc(',', r->f);
	fputc('{', r->f);
	r->nfields = 0;
	r->depth++;
}

void rec_obj_end(struct rec *r)
{
	fputc('}', r->f);
	r->depth--;
	r->nfields = 1;
}

int rec_end(struct rec *r)
{
	fputs("}\n", r->f);
	if (fflush(r->f))
		return -errno;
	if (r->sync && fsync(fileno(r->f)) && errno != EINVAL)
		return -errno;
	return ferror(r->f) ? -EIO : 0;
}
