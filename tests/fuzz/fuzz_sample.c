// SPDX-License-Identifier: MIT
/* libFuzzer: plain-text samples (exitbench compare's ministat-style input). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../analysis/compare_stats.h"
#include "../../analysis/sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size ? size : 1, "r");
	struct cmp_opts o;
	struct cmp_result r;
	char err[256];
	double *v;
	size_t n;

	if (!f)
		return 0;
	if (sample_read(f, "fuzz", &v, &n, err, sizeof(err)) == 0) {
		cmp_opts_default(&o);
		o.resamples = 100;
		if (n >= 4)
			cmp_compare(v, n / 2, v + n / 2, n - n / 2, &o, &r);
		free(v);
	}
	fclose(f);
	return 0;
}
