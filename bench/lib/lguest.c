// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exits.h"
#include "lguest.h"

int eb_lg_name(const char *bench)
{
	return !strncmp(bench, EB_LG_PREFIX, strlen(EB_LG_PREFIX));
}

const char *eb_lg_entry_problem(const struct suite_entry *e)
{
	if (e->nparams)
		return "the Linux guest's benchmarks take no parameters";
	if (e->batches > EB_LG_MAX_BATCHES)
		return "the Linux guest times at most " EB_STR(EB_LG_MAX_BATCHES) " batches";
	return NULL;
}

int eb_lg_load(const char *path, struct eb_lg_bench *b, char *err, size_t errlen)
{
	char line[512], name[64], kind[64];
	unsigned long claim;
	int n = 0, lineno = 0, at;
	FILE *f = fopen(path, "r");

	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	while (fgets(line, sizeof(line), f)) {
		char *what;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[strspn(line, " \t")] == '#' || !line[strspn(line, " \t")])
			continue;
		if (sscanf(line, "%63s %63s %lu %n", name, kind, &claim, &at) != 3) {
			snprintf(err, errlen, "%s:%d: expected 'NAME EXIT-KIND EXITS-PER-ITERATION WHAT'",
				 path, lineno);
			goto bad;
		}
		what = line + at;
		if (strlen(EB_LG_PREFIX) + strlen(name) >= EB_NAME_LEN || !*what ||
		    strlen(what) >= EB_WHAT_LEN || claim > 16 ||
		    eb_exit_kind_from_name(kind) == EB_EXIT_KINDS) {
			snprintf(err, errlen, "%s:%d: a name of at most %zu characters, an exit kind, "
				 "0..16 exits and what it does (under %d characters)", path, lineno,
				 EB_NAME_LEN - 1 - strlen(EB_LG_PREFIX), EB_WHAT_LEN);
			goto bad;
		}
		if (n == EB_LG_MAX) {
			snprintf(err, errlen, "%s:%d: more than %d benchmarks", path, lineno, EB_LG_MAX);
			goto bad;
		}
		snprintf(b[n].name, sizeof(b[n].name), "%s%s", EB_LG_PREFIX, name);
		b[n].exit_kind = eb_exit_kind_from_name(kind);
		b[n].exits_per_iter = (uint32_t)claim;
		snprintf(b[n].what, sizeof(b[n].what), "%s", what);
		n++;
	}
	fclose(f);
	return n;
bad:
	fclose(f);
	return -EINVAL;
}
