/* SPDX-License-Identifier: MIT */
/*
 * exitbench compare: two results.json (every benchmark they share) or two plain-text
 * samples (ministat-style, one number per line) -> table, verdicts, compare.json,
 * compare.md and overlay plots.
 */
#ifndef EB_COMPARE_H
#define EB_COMPARE_H

#include <stdio.h>

#include "compare_stats.h"
#include "results.h"

struct compare {
	struct cmp_opts opts;
	int median;			/* samples: per run, enum res_stat; auto (-1): medians in
					   instruction-count mode, else means */
	int from_results;		/* inputs were results.json (else plain samples) */
	char file_a[1024], file_b[1024];
	char label_a[64], label_b[64];
	char unit[64];
	char samples[128];		/* what one sample is, for the reader */
	struct results ra, rb;		/* from_results */
	size_t n;
	struct res_cmp_row *rows;
	size_t uncomparable;		/* shared benchmarks that are bad input (n < 2, no spread) */
	int sequential;			/* judge the rounds by the confidence sequence too */
	struct cseq_summary seq;	/* its settings (the caller's) and where it stopped */
};

/*
 * Load A and B and compare. -EINVAL (bad input: unreadable, mismatched, nothing in
 * common) with a one-line reason in err. c->opts and c->median are the caller's, and with
 * c->sequential, c->seq's opts, ended, budget_s and elapsed_s: the rounds are then judged
 * by the confidence sequence too (compare_seq.h), each row's seq at the look where every
 * benchmark had decided (or at its last round).
 */
int compare_run(struct compare *c, const char *a, const char *b, char *err, size_t errlen);
void compare_free(struct compare *c);
/* The table and the ministat-like verdict lines. */
void compare_print(FILE *f, const struct compare *c);
/* compare.json into path (stdout when NULL), written by results.c. -errno. */
int compare_write_json(const struct compare *c, const char *path);
/* compare.md, linking the plots written by compare_plots when plots is set. */
int compare_markdown(const struct compare *c, const char *path, int plots);
/* compare-<name>.png per benchmark: histogram and CDF of A and B. NULL or a problem. */
const char *compare_plots(const struct compare *c, const char *dir);
/*
 * Exit status: 2 bad input, 1 a regression beyond the threshold (sequential: the
 * sequence's, beyond the band) or a failure on B, 0.
 */
int compare_status(const struct compare *c);

#endif
