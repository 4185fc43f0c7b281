// SPDX-License-Identifier: MIT
/* libFuzzer: a histogram read back from results.json (res_hist_parse), and written again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../analysis/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hist *h;
	char err[256], *text;

	if (res_hist_parse((const char *)data, size, &h, err, sizeof(err)))
		return 0;
	hist_value_at_percentile(h, 99);
	hist_mean(h);
	/* what it writes, it reads back */
	text = res_hist_text(h);
	if (text) {
		struct hist *back;

		if (res_hist_parse(text, strlen(text), &back, err, sizeof(err)))
			abort();
		hist_free(back);
		free(text);
	}
	hist_free(h);
	return 0;
}
