// SPDX-License-Identifier: MIT
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sample.h"

#define PROGRESS_LINES (1u << 20)

/*
 * A plain decimal ("590.125", "-1e3") with at most 19 digits whose value is an integer up to
 * 2^53 times or over a power of ten up to 1e22 is converted with one multiplication or
 * division of two exact doubles, which IEEE rounds correctly: strtod's result, bit for bit,
 * at a fraction of its cost (Clinger's fast path). 0 when tok is not such a number.
 */
static int fast_decimal(const char *tok, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
					1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
					1e20, 1e21, 1e22 };
	const char *p = tok;
	uint64_t m = 0;
	int neg = 0, digits = 0, scale = 0, any = 0;
	long e = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, any = 1)
		if (m || *p != '0') {
			if (++digits > 19)
				return 0;
			m = m * 10 + (uint64_t)(*p - '0');
		}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, any = 1, scale--)
			if (m || *p != '0') {
				if (++digits > 19)
					return 0;
				m = m * 10 + (uint64_t)(*p - '0');
			}
	if (!any)
		return 0;
	if (*p == 'e' || *p == 'E') {
		int eneg = 0, edigits = 0;

		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++)
			if (++edigits > 4)
				return 0;
			else
				e = e * 10 + (*p - '0');
		if (!edigits)
			return 0;
		if (eneg)
			e = -e;
	}
	if (*p || m > (1ull << 53))
		return 0;
	e += scale;
	if (e < -22 || e > 22)
		return 0;
	*out = e < 0 ? (double)m / pow10[-e] : (double)m * pow10[e];
	if (neg)
		*out = -*out;
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * One line's number into *x; 0, 1 for a line without one, or -EINVAL with the reason. nul:
 * the line holds a NUL byte (found by the scan for its end).
 */
static int parse_line(char *line, size_t len, int nul, const char *name, size_t lineno,
		      double *x, char *err, size_t errlen)
{
	char *tok = line, *stop = line + len, *end;
	size_t toklen;

	if (nul) {
		snprintf(err, errlen, "%s:%zu: a NUL byte: not a text file of numbers", name, lineno);
		return -EINVAL;
	}
	while (tok < stop && is_blank(*tok))
		tok++;
	if (tok == stop || *tok == '#')
		return 1;
	for (end = tok; end < stop && !is_blank(*end); end++)
		;
	*end = '\0';		/* the line's terminator or a blank: the buffer has room */
	toklen = (size_t)(end - tok);
	if (fast_decimal(tok, x))
		return 0;
	errno = 0;
	*x = strtod(tok, &end);
	if (end == tok || *end) {
		snprintf(err, errlen, "%s:%zu: '%.40s%s' is not a number", name, lineno, tok,
			 toklen > 40 ? "..." : "");
		return -EINVAL;
	}
	if (isnan(*x) || isinf(*x) || errno == ERANGE) {
		snprintf(err, errlen, "%s:%zu: '%.40s%s' is %s", name, lineno, tok,
			 toklen > 40 ? "..." : "", isnan(*x) ? "not a number (NaN)" : isinf(*x) ? "infinite" :
			 "out of the range of a double: too close to 0 (it underflows; below "
			 "2.2e-308 a double loses precision)");
		return -EINVAL;
	}
	return 0;
}

static int push(double **v, size_t *n, size_t *alloc, double x)
{
	if (*n == *alloc) {
		size_t na = *alloc ? 2 * *alloc : 1024;
		double *nv = realloc(*v, na * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*alloc = na;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/* the reader's state: a buffer of f's bytes, [pos, have) not yet taken */
struct reader {
	FILE *f;
	char *buf;
	size_t cap, pos, have, lineno, n, alloc;
	double *v;
	int eof, after_cr;	/* the last line ended with a CR: an LF right after it is its */
	int errnum;		/* why a read failed */
	double size, taken;	/* f's size when known (else -1), bytes taken */
};

/* more bytes into the buffer, moving what is left to its start; 0, or -ENOMEM, -EIO */
static int refill(struct reader *r)
{
	size_t got;

	memmove(r->buf, r->buf + r->pos, r->have - r->pos);
	r->have -= r->pos;
	r->pos = 0;
	if (r->have + 1 >= r->cap) {	/* a line longer than the buffer */
		char *nb = realloc(r->buf, 2 * r->cap);

		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->cap *= 2;
	}
	got = fread(r->buf + r->have, 1, r->cap - 1 - r->have, r->f);
	r->have += got;
	if (!got) {
		if (ferror(r->f)) {
			r->errnum = errno;
			return -EIO;
		}
		r->eof = 1;
	}
	return 0;
}

int sample_read_progress(FILE *f, const char *name, double **out, size_t *nout, char *err,
			 size_t errlen, void (*progress)(void *arg, const char *what, double done),
			 void *arg)
{
	struct reader r = { .f = f, .cap = 1 << 16, .size = -1 };
	char what[256];
	struct stat st;
	int ret = 0;

	snprintf(what, sizeof(what), "reading %s", name);
	if (progress && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		r.size = (double)st.st_size;
	r.buf = malloc(r.cap);
	if (!r.buf)
		return -ENOMEM;
	while (!ret) {
		char *p = r.buf + r.pos, *stop = r.buf + r.have, *eol = p;
		int nul = 0;
		double x;

		if (r.after_cr && p < stop) {
			r.after_cr = 0;
			if (*p == '\n') {	/* CR LF: one line */
				r.pos++;
				continue;
			}
		}
		/* to the line's end, noting a NUL on the way: one pass over the bytes */
		for (; eol < stop && *eol != '\n' && *eol != '\r'; eol++)
			nul |= !*eol;
		if (eol == stop && !r.eof) {
			ret = refill(&r);
			continue;
		}
		if (p == stop)
			break;		/* the end, after a line's terminator */
		if (++r.lineno % PROGRESS_LINES == 0 && progress)
			progress(arg, what, r.size > 0 ? r.taken / r.size : -1);
		r.after_cr = eol < stop && *eol == '\r';
		ret = parse_line(p, (size_t)(eol - p), nul, name, r.lineno, &x, err, errlen);
		if (!ret)
			ret = push(&r.v, &r.n, &r.alloc, x);
		else if (ret == 1)
			ret = 0;
		r.taken += (double)(eol + (eol < stop) - p);
		r.pos = (size_t)(eol - r.buf) + (eol < stop);
	}
	free(r.buf);
	if (ret == -EIO)
		snprintf(err, errlen, "%s: read error: %s", name, strerror(r.errnum));
	if (!ret && !r.n) {
		snprintf(err, errlen, "%s: no numbers (one a line expected)", name);
		ret = -EINVAL;
	}
	if (ret) {
		free(r.v);
		return ret;
	}
	*out = r.v;
	*nout = r.n;
	return 0;
}

int sample_read(FILE *f, const char *name, double **out, size_t *nout, char *err, size_t errlen)
{
	return sample_read_progress(f, name, out, nout, err, errlen, NULL, NULL);
}
