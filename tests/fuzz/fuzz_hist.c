// SPDX-License-Identifier: MIT
/* libFuzzer: a histogram read back from results.json (hist_from_json). */
#include <stdint.h>

#include "../../analysis/hist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	struct hist *h;
	char err[256];

	if (!j)
		return 0;
	if (hist_from_json(j, &h, err, sizeof(err)) == 0) {
		hist_value_at_percentile(h, 99);
		hist_mean(h);
		hist_free(h);
	}
	json_decref(j);
	return 0;
}
