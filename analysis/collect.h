/* SPDX-License-Identifier: MIT */
/* Raw run records (the runner's JSON lines) into results. */
#ifndef EB_COLLECT_H
#define EB_COLLECT_H

#include <stdio.h>

#include "results.h"

struct collect_report {
	size_t records;		/* lines taken */
	size_t bad_lines;	/* lines that were not a complete, valid record */
	int ended;		/* an 'end' record was seen: the runner finished */
	char first_problem[512];
};

/*
 * Read records from f into r (which the caller has res_init'ed), keeping every valid
 * record: a bad line is counted and skipped, never fatal. Returns -errno only on a read
 * error or allocation failure.
 */
int collect_records(FILE *f, const char *fname, struct results *r, struct collect_report *rep);

#endif
