/* SPDX-License-Identifier: MIT */
/* Raw run records (the runner's JSON lines; docs/design.md, "Raw records") into results. */
#ifndef EB_COLLECT_H
#define EB_COLLECT_H

#include <stdio.h>

#include "results.h"

#define COLLECT_MAX_VARIANTS 8

struct collect_report {
	size_t records;		/* lines taken */
	size_t bad_lines;	/* lines that were not a complete, valid record */
	int ended;		/* the last runner started ('env') also ended ('end') */
	char first_problem[512];
	size_t nvariants;	/* distinct variants the records were tagged with */
	char variants[COLLECT_MAX_VARIANTS][64];
};

/*
 * Read records from f into r (which the caller has res_init'ed), keeping every valid
 * record: a bad line is counted and skipped, never fatal. With variant set, only records
 * tagged with that variant (a comparison's side) are taken. Returns -EPROTO (the reason in
 * rep->first_problem) for records of a format this reader does not know (record_format of
 * the env record, which must come first), else -errno only on a read error or allocation
 * failure.
 */
int collect_records(FILE *f, const char *fname, const char *variant, struct results *r,
		    struct collect_report *rep);

#endif
