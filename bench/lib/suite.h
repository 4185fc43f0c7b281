/* SPDX-License-Identifier: MIT */
/*
 * Suite files (docs/design.md, "Suite files"): which benchmarks run, how long. Plain text,
 * one benchmark a line:
 *     # comment
 *     name[:param=value[,param=value]]  iterations  repetitions  [batches=N] [warmup=N]
 *           [timeout=SECONDS]
 * A name with parameters (pvr-mmu:segments=16) is one benchmark file (pvr-mmu) run with
 * them; the whole word names it everywhere (results, comparisons, the history).
 * Portable C: parsed by the runner in the POWER host and by exitbench on the x86 side.
 */
#ifndef EB_SUITE_H
#define EB_SUITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <exitbench/mailbox.h>	/* EB_NAME_LEN: a benchmark name's length, with its NUL */


struct suite_entry {
	char name[EB_NAME_LEN];		/* the whole word: bench and its parameters */
	char bench[EB_NAME_LEN];	/* the benchmark's file */
	uint32_t nparams;
	char param_names[EB_MAX_PARAMS][EB_PARAM_NAME_LEN];
	uint64_t param_values[EB_MAX_PARAMS];	/* whole numbers, 0 .. INT64_MAX */
	uint64_t iterations;		/* per repetition */
	uint32_t repetitions;
	uint32_t batches;		/* per repetition; divides iterations */
	uint64_t warmup;		/* iterations before the first repetition */
	uint32_t timeout_s;		/* watchdog for the whole benchmark */
	int line;
};

struct suite {
	struct suite_entry *entries;
	size_t n;
};

/* A parameter's name: [a-z0-9_], 1 to EB_PARAM_NAME_LEN - 1 of them (suite lines, images). */
int suite_param_name_ok(const char *s);
/* Parse a suite; on error returns -EINVAL and writes "file:line: what" into err. */
int suite_parse(FILE *f, const char *fname, struct suite *s, char *err, size_t errlen);
/* Parse a suite file by name (-errno and err filled on failure). */
int suite_load(const char *path, struct suite *s, char *err, size_t errlen);
/* Check every benchmark (a name's file part) is in known[] (n names); -ENOENT and err
 * filled otherwise. */
int suite_check_names(const struct suite *s, const char *fname, const char *const *known,
		      size_t n, char *err, size_t errlen);
/*
 * Names of the files DIR/<name><suffix>, for any suffix of the NULL-terminated list, into
 * names[max]: the benchmarks a directory holds. Returns how many (0 if DIR cannot be read).
 */
size_t suite_dir_names(const char *dir, const char *const *suffixes,
		       char (*names)[EB_NAME_LEN], size_t max);
void suite_free(struct suite *s);

#endif
