// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lgrun.h"

#define DEBUGFS_KVM "/sys/kernel/debug/kvm"

time_t lg_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

int lg_open(struct lguest *g, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	int n;

	memset(g, 0, sizeof(*g));
	g->to = g->from = -1;
	snprintf(g->dir, sizeof(g->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/benchmarks", dir);
	n = eb_lg_load(path, g->list, err, errlen);
	if (n < 0)
		return n;
	g->n = n;
	return 0;
}

const struct eb_lg_bench *lg_find(const struct lguest *g, const char *name)
{
	for (int i = 0; i < g->n; i++)
		if (!strcmp(g->list[i].name, name))
			return &g->list[i];
	return NULL;
}

static void fail(struct lguest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stop(struct lguest *g, int wait);

/* g->why = the reason; QEMU stopped; the guest is gone for the rest of the run */
static void fail(struct lguest *g, const char *fmt, ...)
{
	va_list ap;
	size_t at;

	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	at = strlen(g->why);
	if (g->last[0])
		snprintf(g->why + at, sizeof(g->why) - at, " (its last line: %s)", g->last);
	g->state = -1;
	stop(g, 0);
}

/* the next line of the guest's console into line; 1, 0 at its end (QEMU exited), -ETIMEDOUT */
static int read_line(struct lguest *g, char *line, size_t len, time_t deadline)
{
	for (;;) {
		char *nl = memchr(g->buf, '\n', g->len);

		if (nl) {
			size_t n = (size_t)(nl - g->buf);

			while (n && (g->buf[n - 1] == '\r'))
				n--;
			snprintf(line, len, "%.*s", (int)n, g->buf);
			g->len -= (size_t)(nl + 1 - g->buf);
			memmove(g->buf, nl + 1, g->len);
			return 1;
		}
		if (g->len == sizeof(g->buf))
			g->len = 0;	/* a line longer than the buffer: dropped */

		time_t left = deadline - lg_now();
		struct pollfd p = { .fd = g->from, .events = POLLIN };
		int ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&p, 1, (int)(left > 3600 ? 3600000 : left * 1000));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			continue;
		ssize_t r = read(g->from, g->buf + g->len, sizeof(g->buf) - g->len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		g->len += (size_t)r;
	}
}

/* the guest's next protocol line (EB-LG-...), other lines kept as g->last */
static int read_reply(struct lguest *g, char *line, size_t len, time_t deadline)
{
	int ret;

	while ((ret = read_line(g, line, len, deadline)) == 1) {
		char *at = strstr(line, "EB-LG-");

		/* (after the kernel's banner, which ends without a newline under quiet) */
		if (at) {
			memmove(line, at, strlen(at) + 1);
			return 1;
		}
		if (!line[strspn(line, " \t")])
			continue;
		snprintf(g->last, sizeof(g->last), "%.200s", line);
		/* the firmware's and kernel's lines while it boots: progress, and where it stopped */
		if (g->state == 0)
			fprintf(stderr, "linux-guest: %s\n", line);
	}
	return ret;
}

/* qemu.args: one argument a line, '#' comments; @DIR@ is the guest's folder */
static int load_args(struct lguest *g, char **argv, char *store, size_t size)
{
	char path[PATH_MAX + 16], line[1024];
	size_t at = 0;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/qemu.args", g->dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && n < LG_MAX_ARGS - 1) {
		char *dir;
		int w;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		dir = strstr(line, "@DIR@");
		if (dir)
			w = snprintf(store + at, size - at, "%.*s%s%s", (int)(dir - line), line, g->dir,
				     dir + 5);
		else
			w = snprintf(store + at, size - at, "%s", line);
		if (w < 0 || (size_t)w >= size - at) {
			fclose(f);
			return -E2BIG;
		}
		argv[n++] = store + at;
		at += (size_t)w + 1;
	}
	fclose(f);
	argv[n] = NULL;
	return n ? 0 : -EINVAL;
}

/* the debugfs folder KVM made for the VM of process pid */
static int find_vm(struct lguest *g)
{
	char prefix[32];
	struct dirent *d;
	DIR *dir = opendir(DEBUGFS_KVM);

	if (!dir)
		return -errno;
	snprintf(prefix, sizeof(prefix), "%d-", (int)g->pid);
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, prefix, strlen(prefix))) {
			snprintf(g->kvm, sizeof(g->kvm), "%s/%s", DEBUGFS_KVM, d->d_name);
			closedir(dir);
			return 0;
		}
	closedir(dir);
	return -ENOENT;
}

int lg_boot(struct lguest *g, time_t deadline)
{
	static char store[8192];
	char *argv[LG_MAX_ARGS], line[512];
	int in[2], out[2], ret;

	ret = load_args(g, argv, store, sizeof(store));
	if (ret)
		return fail(g, "%s/qemu.args: %s", g->dir, strerror(-ret)), -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return fail(g, "pipe: %s", strerror(errno)), -1;
	g->pid = fork();
	if (g->pid < 0) {
		g->pid = 0;
		return fail(g, "fork: %s", strerror(errno)), -1;
	}
	if (!g->pid) {
		/* its own complaints too: the last of them says why it ended */
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execvp(argv[0], argv);
		printf("EB-LG-FAIL cannot run %s: %s\n", argv[0], strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	g->to = in[1];
	g->from = out[0];
	ret = read_reply(g, line, sizeof(line), deadline);
	if (ret == -ETIMEDOUT)
		return fail(g, "the Linux guest did not come up within its boot timeout"), -1;
	if (ret == 0)
		return fail(g, "QEMU (%s) ended before the Linux guest came up", argv[0]), -1;
	if (strncmp(line, "EB-LG-READY ", 12))
		return fail(g, "the Linux guest did not come up: %s", line + 6), -1;
	if (sscanf(line, "EB-LG-READY pvr=%" SCNx32 " tb_hz=%" SCNu64 " release=%63s", &g->pvr,
		   &g->tb_hz, g->release) != 3)
		return fail(g, "the Linux guest's ready line is not understood: %s", line), -1;
	ret = find_vm(g);
	if (ret)
		return fail(g, "no KVM counters of QEMU's VM in %s (debugfs mounted?): %s", DEBUGFS_KVM,
			    strerror(-ret)), -1;
	g->state = 1;
	return 0;
}

/* send cmd, wait for the guest's reply line; 0, or -1 with why (and g failed if it is gone) */
static int command(struct lguest *g, const char *cmd, const char *what, time_t deadline,
		   char *line, size_t size, char *why, size_t len)
{
	int ret;

	if (write(g->to, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		fail(g, "writing to the Linux guest's console failed: %s", strerror(errno));
		return snprintf(why, len, "%s", g->why), -1;
	}
	ret = read_reply(g, line, size, deadline);
	if (ret <= 0) {
		fail(g, ret ? "the Linux guest did not finish %s within the benchmark's timeout"
			    : "QEMU ended during %s", what);
		return snprintf(why, len, "%s", g->why), -1;
	}
	if (!strncmp(line, "EB-LG-FAIL ", 11))
		return snprintf(why, len, "the Linux guest: %s", line + 11), -1;
	return 0;
}

int lg_run(struct lguest *g, const char *name, uint64_t n, uint32_t batches, time_t deadline,
	   char *why, size_t len)
{
	char cmd[128], line[512];

	snprintf(cmd, sizeof(cmd), "run %s %020" PRIu64 " %" PRIu32 "\n",
		 name + strlen(EB_LG_PREFIX), n, batches);
	if (command(g, cmd, name, deadline, line, sizeof(line), why, len))
		return -1;
	if (strcmp(line, "EB-LG-RAN"))
		return snprintf(why, len, "the Linux guest's reply is not to run: %.200s", line), -1;
	return 0;
}

int lg_result(struct lguest *g, const char *name, uint64_t n, uint32_t batches, time_t deadline,
	      uint64_t *ticks, uint64_t *batch, uint32_t *slb, char *why, size_t len)
{
	static char line[sizeof(g->buf)];
	const char *bare = name + strlen(EB_LG_PREFIX);
	char rname[64];
	unsigned long long rn;
	unsigned rb;
	int at;

	if (command(g, "result\n", name, deadline, line, sizeof(line), why, len))
		return -1;
	if (sscanf(line, "EB-LG-DONE %63s %llu %u %" SCNu64 " %" SCNu32 "%n", rname, &rn, &rb,
		   ticks, slb, &at) != 5 || strcmp(rname, bare) || rn != n || rb != batches)
		return snprintf(why, len, "the Linux guest's result is not %s's %" PRIu64
				" iterations in %" PRIu32 " batches: %.200s", name, n, batches, line), -1;
	for (uint32_t i = 0; i < batches; i++) {
		char *p = line + at, *end;

		batch[i] = strtoull(p, &end, 10);
		if (end == p)
			return snprintf(why, len, "the Linux guest's result has %u of %u batches", i,
					batches), -1;
		at += (int)(end - p);
	}
	return 0;
}

int lg_counters(struct lguest *g, uint64_t c[EBC_N])
{
	char path[PATH_MAX + 64];

	for (int i = 0; i < EBC_N; i++) {
		unsigned long long v;
		FILE *f;
		int ok;

		snprintf(path, sizeof(path), "%s/%s", g->kvm, eb_counter_names[i]);
		f = fopen(path, "r");
		if (!f)
			return -errno;
		ok = fscanf(f, "%llu", &v) == 1;
		fclose(f);
		if (!ok)
			return -EINVAL;
		c[i] = v;
	}
	return 0;
}

/* close its console and reap QEMU: killed at once, or after waiting 10 s for it to end */
static void stop(struct lguest *g, int wait)
{
	if (g->to >= 0)
		close(g->to);
	g->to = -1;
	if (g->pid > 0) {
		for (int i = 0; wait && i < 100; i++) {
			if (waitpid(g->pid, NULL, WNOHANG) == g->pid) {
				g->pid = 0;
				break;
			}
			usleep(100000);
		}
		if (g->pid > 0) {
			kill(g->pid, SIGKILL);
			waitpid(g->pid, NULL, 0);
			g->pid = 0;
		}
	}
	if (g->from >= 0)
		close(g->from);
	g->from = -1;
}

void lg_close(struct lguest *g)
{
	if (!g->dir[0])
		return;		/* never opened */
	if (g->pid > 0 && g->to >= 0 && write(g->to, "quit\n", 5) != 5)
		kill(g->pid, SIGKILL);
	stop(g, 1);
	if (g->state > 0)
		g->state = 0;
	g->len = 0;
	g->last[0] = '\0';
}
