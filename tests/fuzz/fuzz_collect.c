// SPDX-License-Identifier: MIT
/* libFuzzer: the runner's records (JSON lines) into results, with and without a variant. */
#include <stdint.h>
#include <stdio.h>

#include "../../analysis/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct collect_report rep;
	struct results r;
	FILE *f;

	for (int v = 0; v < 2; v++) {
		f = fmemopen((void *)data, size ? size : 1, "r");
		if (!f)
			return 0;
		res_init(&r);
		collect_records(f, "fuzz", v ? "patched" : NULL, &r, &rep);
		fclose(f);
		res_free(&r);
	}
	return 0;
}
