/* SPDX-License-Identifier: MIT */
/*
 * Raw run records (DESIGN.md, contract 2): one JSON object per line, each line complete
 * and flushed before the next is started, so a truncated file loses only its last line.
 */
#ifndef EB_RECORD_H
#define EB_RECORD_H

#include <stdint.h>
#include <stdio.h>

/* 2 added the PMU counts (bench: pmu events, rep: pmu), pinned_cpu and trace_markers; a
 * reader of 1 reads 2 (only fields were added) */
#define EB_RECORD_FORMAT 2

struct rec {
	FILE *f;
	int sync;	/* fsync after each record (a regular file) */
	int nfields;
	int depth;
	/* tags written into every record after its type (module variant and round of a
	 * comparison), when set */
	const char *variant;
	uint64_t round;
};

void rec_open(struct rec *r, FILE *f);
/* start a record: {"type":..., then the tags (variant, round) when set */
void rec_begin(struct rec *r, const char *type);
void rec_str(struct rec *r, const char *key, const char *val);
void rec_u64(struct rec *r, const char *key, uint64_t val);
void rec_f64(struct rec *r, const char *key, double val);
void rec_u64_array(struct rec *r, const char *key, const uint64_t *v, size_t n);
void rec_obj_begin(struct rec *r, const char *key);
/* close an object: a field's (rec_obj_begin) or an array element's (rec_item_begin) */
void rec_obj_end(struct rec *r);
/* "key":[ ... ] of objects, each opened by rec_item_begin and closed by rec_obj_end */
void rec_arr_begin(struct rec *r, const char *key);
void rec_arr_end(struct rec *r);
void rec_item_begin(struct rec *r);
/* end the record: newline, flush (and fsync); -errno if the write failed */
int rec_end(struct rec *r);

#endif
