// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "marker.h"
#include "text.h"

/* tracefs where it is mounted on its own, then under debugfs (older setups) */
static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* tracing_on of dir: 1, 0, or -errno */
static int tracing_on(const char *dir)
{
	char path[128], c = 0;
	int fd, r;

	snprintf(path, sizeof(path), "%s/tracing_on", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, &c, 1);
	r = r == 1 ? c == '1' : r < 0 ? -errno : -EIO;
	close(fd);
	return r;
}

int marker_open(struct marker *m, enum marker_mode mode)
{
	const char *dir = NULL;
	int err, on;

	m->fd = -1;
	m->path[0] = '\0';
	if (mode == MARKER_OFF) {
		snprintf(m->state, sizeof(m->state), "off: --no-trace-markers");
		return 0;
	}
	for (size_t i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		if (text_path(m->path, sizeof(m->path), "%s/trace_marker", tracefs_dirs[i]) ||
		    access(m->path, F_OK))
			continue;
		dir = tracefs_dirs[i];
		break;
	}
	if (!dir) {
		snprintf(m->state, sizeof(m->state), "off: no trace_marker in %s or %s (tracefs not mounted?)",
			 tracefs_dirs[0], tracefs_dirs[1]);
		return mode == MARKER_ON ? -ENOENT : 0;
	}
	on = tracing_on(dir);
	if (mode == MARKER_AUTO && on != 1) {
		snprintf(m->state, sizeof(m->state), "off: %s/tracing_on is %s", dir,
			 on == 0 ? "0" : "unreadable");
		return 0;
	}
	m->fd = open(m->path, O_WRONLY | O_CLOEXEC);
	if (m->fd < 0) {
		err = errno;
		snprintf(m->state, sizeof(m->state), "off: %s: %s", m->path, strerror(err));
		return -err;
	}
	snprintf(m->state, sizeof(m->state), "on: %s%s", m->path,
		 on == 1 ? "" : " (tracing_on is 0 now)");
	return 0;
}

int marker_write(struct marker *m, const char *what, const char *bench, unsigned rep)
{
	char line[128];
	ssize_t w;
	int n;

	if (m->fd < 0)
		return 0;
	n = snprintf(line, sizeof(line), "exitbench: %s bench=%s rep=%u\n", what, bench, rep);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	/* one write, one trace event */
	w = write(m->fd, line, n);

	return w == n ? 0 : w < 0 ? -errno : -EIO;
}

void marker_close(struct marker *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
