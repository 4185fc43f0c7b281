/* SPDX-License-Identifier: MIT */
/*
 * Guest images (<dir>/<benchmark>.bin, guest-kernels/include/exitbench/mailbox.h): what a
 * benchmark is, from its own image, and the values of its parameters for a suite line.
 * Portable C: read by the runner in the POWER host and by exitbench on the x86 side.
 */
#ifndef EB_IMAGE_H
#define EB_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <exitbench/mailbox.h>

#include "suite.h"

/*
 * Read DIR/BENCH.bin, from the first DIR of DIR[:DIR...] that has it, into a malloc'd *image
 * (*size bytes) and its benchmark info into *info in host byte order (an info of version 1
 * has no parameters). 0, or with err filled: -ENOENT no DIR has it (-errno another reason
 * not to read it), -1 not a guest image, no valid info, an image of another benchmark.
 */
int eb_image_load(const char *dirs, const char *bench, char **image, size_t *size,
		  struct eb_bench_info *info, char *err, size_t errlen);
/* The same, the image itself not kept. */
int eb_image_info(const char *dirs, const char *bench, struct eb_bench_info *info, char *err,
		  size_t errlen);
/*
 * The values of info's parameters for suite line e, in info's order: e's, else their
 * defaults. 0, or -1 with err filled ("NAME: ..."): e gives a parameter info does not
 * declare, or a value beyond its maximum.
 */
int eb_params_resolve(const struct eb_bench_info *info, const struct suite_entry *e,
		      uint64_t values[EB_MAX_PARAMS], char *err, size_t errlen);
/* "segments (0..32, default 0), ..." of info's parameters into buf, or "none". */
void eb_params_describe(const struct eb_bench_info *info, char *buf, size_t len);

#endif
