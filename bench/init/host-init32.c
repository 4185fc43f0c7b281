// SPDX-License-Identifier: MIT
/*
 * /init of the emulated 32-bit Book3S host (a PowerMac G4, book3s_32 PR KVM): what
 * scripts/host-init.sh is to the 64-bit host, in C, because no Debian userland exists for
 * 32-bit powerpc (built static, it needs nothing but the kernel).
 *
 * It mounts the pseudo file systems and runs /exitbench/plan: per line "ROUND SIDE", it
 * loads /lib/modules/SIDE/kvm.ko (on 32-bit all of KVM, PR included, is that one module),
 * runs exitbench-run over the suite and unloads it. ROUND 0 is a plain run (make bench);
 * otherwise the records are tagged with the side and round (make compare). Then
 * "exitbench-status: N" (the runner's worst exit status) and power off. Lines starting with
 * "exitbench-" on the console are progress for the user; "exitbench-fatal: ..." says why the
 * host could not go on (status 3).
 *
 * The records go to /dev/vda, a virtio disk (a raw file on the x86 side, which keeps its
 * text up to the first NUL), each synced as written. Nothing is written to the ESCC through
 * its tty: under QEMU 7.2 that leaves the port's interrupt asserted until the kernel
 * disables it, and the port then sends a few bytes a poll. The console lines (this
 * program's, and the runner's stderr, read from a pipe) go through /dev/kmsg instead: the
 * kernel's console writes poll the port.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define RECORDS "/dev/vda"
#define RUNNER "/exitbench/exitbench-run"

static int kmsg = -1;	/* /dev/kmsg, once devtmpfs is there */

/* one line on the console: through the kernel's log at level 2 (shown: printk is 3) */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "<2>");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (kmsg < 0 || write(kmsg, line, strlen(line)) < 0) {
		puts(line + n);
		fflush(stdout);
	}
}

static void power_off(int status)
{
	say("exitbench-status: %d", status);
	sync();
	reboot(RB_POWER_OFF);
	say("exitbench-fatal: power off failed: %s", strerror(errno));
	for (;;)
		pause();
}

static void __attribute__((noreturn, format(printf, 1, 2))) fatal(const char *fmt, ...)
{
	char line[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say("exitbench-fatal: %s", line);
	power_off(3);
	for (;;)
		;
}

/* the first line of /proc/cpuinfo starting with "cpu", its value into buf */
static void cpu_name(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown cpu");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "cpu", 3) || !colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	if (f)
		fclose(f);
}

static void load_kvm(const char *side)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/lib/modules/%s/kvm.ko", side);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal("%s: %s", path, strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0))
		fatal("insmod %s failed: %s (host kernel and module do not match, or no "
		      "32-bit Book3S PR in it?)", path, strerror(errno));
	close(fd);
	if (access("/dev/kvm", R_OK | W_OK))
		fatal("no /dev/kvm after loading %s: %s", path, strerror(errno));
}

/* exitbench-run over the suite, its records on the port: its exit status */
static int run_suite(const char *side, const char *round)
{
	char *argv[16], buf[4096], line[1024];
	int n = 0, status, p[2];
	size_t len = 0;
	pid_t pid;
	ssize_t got;

	argv[n++] = RUNNER;
	argv[n++] = "--suite";
	argv[n++] = "/exitbench/suite";
	argv[n++] = "--images";
	argv[n++] = "/exitbench/guests";
	argv[n++] = "--output";
	argv[n++] = RECORDS;
	if (strcmp(round, "0")) {
		argv[n++] = "--variant";
		argv[n++] = (char *)side;
		argv[n++] = "--round";
		argv[n++] = (char *)round;
	}
	argv[n] = NULL;
	if (pipe(p))
		fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (!pid) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execv(RUNNER, argv);
		fprintf(stderr, "exitbench-fatal: %s: %s\n", RUNNER, strerror(errno));
		_exit(3);
	}
	close(p[1]);
	/* the runner's lines, each onto the console as it comes */
	while ((got = read(p[0], buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n' && len < sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			if (len)
				say("%s", line);
			len = 0;
		}
	}
	if (len) {
		line[len] = '\0';
		say("%s", line);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status)) {
		say("exitbench-host: the runner was killed by signal %d", WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

int main(void)
{
	char line[256], side[128], round[32], cpu[128];
	struct utsname u;
	int worst = 0, n = 0;
	FILE *plan;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) || mount("sys", "/sys", "sysfs", 0, NULL))
		fatal("mounting /proc and /sys: %s", strerror(errno));
	if (mount("dev", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		fatal("mounting /dev: %s", strerror(errno));
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	{
		/* the kernel's own messages down to errors; ours (level 2) shown */
		int fd = open("/proc/sys/kernel/printk", O_WRONLY);

		if (fd >= 0) {
			if (write(fd, "3\n", 2) != 2)
				say("exitbench-host: setting the console's log level: %s", strerror(errno));
			close(fd);
		}
	}
	if (access(RECORDS, W_OK))
		fatal("no %s for the records (QEMU needs the virtio disk): %s", RECORDS,
		      strerror(errno));

	plan = fopen("/exitbench/plan", "r");
	if (!plan)
		fatal("/exitbench/plan: %s", strerror(errno));
	uname(&u);
	cpu_name(cpu, sizeof(cpu));
	while (fgets(line, sizeof(line), plan)) {
		int rc;

		if (sscanf(line, "%31s %127s", round, side) != 2)
			continue;
		load_kvm(side);
		if (strcmp(round, "0"))
			say("exitbench-host: %s, %s, PR KVM loaded (kvm.ko) (%s, round %s)", u.release,
			    cpu, side, round);
		else
			say("exitbench-host: %s, %s, PR KVM loaded (kvm.ko)", u.release, cpu);
		rc = run_suite(side, round);
		if (rc > worst)
			worst = rc;
		if (syscall(SYS_delete_module, "kvm", O_NONBLOCK))
			fatal("rmmod of %s's kvm failed: %s", side, strerror(errno));
		n++;
	}
	fclose(plan);
	if (!n)
		fatal("/exitbench/plan has no run");
	power_off(worst);
	return 0;
}
