// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

int sample_read(FILE *f, const char *name, double **out, size_t *nout, char *err, size_t errlen)
{
	char *line = NULL, *tok, *end;
	size_t cap = 0, lineno = 0, n = 0, alloc = 0;
	double *v = NULL;
	ssize_t len;
	int ret = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		double x;

		lineno++;
		if (memchr(line, '\0', len)) {
			snprintf(err, errlen, "%s:%zu: a NUL byte: not a text file of numbers", name, lineno);
			ret = -EINVAL;
			break;
		}
		tok = line + strspn(line, " \t\r\n\v\f");
		if (!*tok || *tok == '#')
			continue;
		tok[strcspn(tok, " \t\r\n\v\f")] = '\0';
		errno = 0;
		x = strtod(tok, &end);
		if (end == tok || *end) {
			snprintf(err, errlen, "%s:%zu: '%.40s%s' is not a number", name, lineno, tok,
				 strlen(tok) > 40 ? "..." : "");
			ret = -EINVAL;
			break;
		}
		if (isnan(x) || isinf(x) || errno == ERANGE) {
			snprintf(err, errlen, "%s:%zu: '%.40s%s' is %s", name, lineno, tok,
				 strlen(tok) > 40 ? "..." : "", isnan(x) ? "not a number (NaN)" : isinf(x) ? "infinite" :
				 "out of the range of a double");
			ret = -EINVAL;
			break;
		}
		if (n == alloc) {
			double *nv = realloc(v, (alloc ? 2 * alloc : 64) * sizeof(*v));

			if (!nv) {
				ret = -ENOMEM;
				break;
			}
			v = nv;
			alloc = alloc ? 2 * alloc : 64;
		}
		v[n++] = x;
	}
	free(line);
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "%s: read error", name);
		ret = -EIO;
	}
	if (!ret && !n) {
		snprintf(err, errlen, "%s: no numbers (one a line expected)", name);
		ret = -EINVAL;
	}
	if (ret) {
		free(v);
		return ret;
	}
	*out = v;
	*nout = n;
	return 0;
}
