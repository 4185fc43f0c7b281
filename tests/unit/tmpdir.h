/* SPDX-License-Identifier: MIT */
/* The unit tests' scratch directories: removed whole, with whatever a test wrote there. */
#ifndef EB_TEST_TMPDIR_H
#define EB_TEST_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Remove dir and everything below it (links not followed): 0, or -1 when something stayed. */
static inline int tmpdir_remove(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[4096];
	int ret = 0;

	while (dp && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR ? tmpdir_remove(path) : unlink(path))
			ret = -1;
	}
	if (dp)
		closedir(dp);
	return rmdir(dir) ? -1 : ret;
}

#endif
