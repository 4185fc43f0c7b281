// SPDX-License-Identifier: MIT
/* libFuzzer: results.json as read by report and compare (res_read, then the samples). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../analysis/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/exitbench-fuzz-results-XXXXXX", err[1024];
	struct results r;
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (res_read(path, &r, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < r.n; i++) {
			double *v;
			size_t n;

			for (int m = 0; m < 2; m++)
				if (res_samples(&r.b[i], m, &v, &n) == 0)
					free(v);
		}
		res_free(&r);
	}
	unlink(path);
	return 0;
}
