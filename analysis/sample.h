/* SPDX-License-Identifier: MIT */
/* A plain-text sample, as ministat reads it: one number a line. */
#ifndef EB_SAMPLE_H
#define EB_SAMPLE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read the first blank-separated column of f: blank lines and lines starting with '#' are
 * skipped, the rest of a line after the number is ignored. A line ends at LF, CR LF or a CR
 * alone (old Mac files). *v is malloc'ed. -EINVAL with a one-line reason naming name and the
 * line (not a number, NaN, inf, out of the range of a double (too large, or too close to 0:
 * an underflow), no number at all), -ENOMEM, -EIO.
 */
int sample_read(FILE *f, const char *name, double **v, size_t *n, char *err, size_t errlen);
/*
 * sample_read, telling progress(arg, "reading NAME", share of f read) every 2^20 lines
 * (the share from f's size when it is a regular file, else -1); progress may be NULL.
 */
int sample_read_progress(FILE *f, const char *name, double **v, size_t *n, char *err,
			 size_t errlen, void (*progress)(void *arg, const char *what, double done),
			 void *arg);

#endif
