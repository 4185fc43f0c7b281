/* SPDX-License-Identifier: MIT */
/* A plain-text sample, as ministat reads it: one number a line. */
#ifndef EB_SAMPLE_H
#define EB_SAMPLE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read the first blank-separated column of f: blank lines and lines starting with '#' are
 * skipped, the rest of a line after the number is ignored. *v is malloc'ed. -EINVAL with a
 * one-line reason naming name and the line (not a number, NaN, inf, out of range, no
 * number at all), -ENOMEM, -EIO.
 */
int sample_read(FILE *f, const char *name, double **v, size_t *n, char *err, size_t errlen);

#endif
