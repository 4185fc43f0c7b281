// SPDX-License-Identifier: MIT
/*
 * mktrace: emits the kvm_pr events exitbench trace reads, from user space, so that a real
 * trace.dat can be recorded on a machine without Book3S PR KVM (see mktrace.sh, which puts
 * uprobes named kvm_pr:kvm_pr_exit_timing, kvm_pr:kvm_exit and kvm_pr:kvm_book3s_reenter on
 * eb_timing(), eb_exit() and eb_reenter(), each fetching its fields from the struct passed).
 * The runner's markers go to trace_marker from the CPU that emits the events.
 *
 * usage: mktrace small CSV          the test scenario (tests/data/trace-*.dat); every timing
 *                                   event also as a line of CSV, for checking figures
 *        mktrace tiny CSV           a few events on one CPU (the fuzzer's seeds)
 *        mktrace big N              about N events over two CPUs, for speed and memory
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct timing {
	uint32_t exit_nr;
	int32_t resume, entry;
	uint32_t flags;
	uint32_t ph[10];
};

struct kexit {
	uint32_t exit_nr, pad;
	uint64_t pc, msr, dar, srr1, last_inst;
};

struct reenter {
	uint32_t r, pad;
	uint64_t pc;
};

__attribute__((noinline)) void eb_timing(const struct timing *t)
{
	__asm__ volatile("" : : "r"(t) : "memory");
}

__attribute__((noinline)) void eb_exit(const struct kexit *x)
{
	__asm__ volatile("" : : "r"(x) : "memory");
}

__attribute__((noinline)) void eb_reenter(const struct reenter *r)
{
	__asm__ volatile("" : : "r"(r) : "memory");
}

static int marker_fd = -1;
static FILE *csv;
static pthread_mutex_t csv_lock = PTHREAD_MUTEX_INITIALIZER;

static void marker(const char *what, const char *bench, unsigned rep)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "exitbench: %s bench=%s rep=%u\n", what, bench, rep);

	if (write(marker_fd, line, (size_t)n) != n)
		perror("trace_marker");
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
}

/* a deterministic value in [lo, lo + spread) */
static uint32_t pick(uint64_t *x, uint32_t lo, uint32_t spread)
{
	*x = *x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return lo + (uint32_t)((*x >> 33) % spread);
}

/*
 * one round trip of exit exit_nr (resume: 0 RESUME_GUEST, 1 RESUME_GUEST_NV, 2 RESUME_HOST):
 * phases around realistic figures (ticks), all < 2048
 */
static void timing(const char *bench, uint64_t *x, uint32_t exit_nr, int resume, int *entry,
		   uint32_t flags)
{
	static const uint32_t lo[10] = { 300, 40, 60, 90, 150, 400, 120, 80, 30, 200 };
	static const uint32_t spread[10] = { 200, 20, 30, 40, 60, 800, 50, 30, 20, 600 };
	struct timing t = { .exit_nr = exit_nr, .resume = resume, .entry = *entry, .flags = flags };

	for (int k = 0; k < 10; k++)
		t.ph[k] = pick(x, lo[k], spread[k]);
	if (exit_nr == 0xc00)		/* an hcall: short handling */
		t.ph[9] = pick(x, 100, 50);
	if (*entry == -1)
		t.ph[1] = 0;		/* the kernel's rule: no trace phase after KVM_RUN */
	else
		t.ph[0] = 0;		/* ... and no vcpu_run phase inside the loop */
	eb_timing(&t);
	if (csv) {
		pthread_mutex_lock(&csv_lock);
		fprintf(csv, "%s,%u,%d,%d,%u", bench, t.exit_nr, t.resume, t.entry, t.flags);
		for (int k = 0; k < 10; k++)
			fprintf(csv, ",%u", t.ph[k]);
		fputc('\n', csv);
		pthread_mutex_unlock(&csv_lock);
	}
	*entry = resume;
}

static void pair(uint32_t exit_nr, int r)
{
	struct kexit x = { .exit_nr = exit_nr, .pc = 0x1000, .msr = 0x8000000000001033ull };
	struct reenter re = { .r = (uint32_t)r, .pc = 0x1004 };
	volatile unsigned spin;

	eb_exit(&x);
	for (spin = 0; spin < 2000; spin++)
		;
	eb_reenter(&re);
}

static void *small_cpu0(void *arg)
{
	uint64_t x = 1;
	int entry = -1;

	(void)arg;
	pin(0);
	for (int i = 0; i < 5; i++)
		timing("(none)", &x, 0x900, 0, &entry, 0);
	for (unsigned rep = 0; rep < 3; rep++) {
		marker("begin", "pvr", rep);
		entry = -1;
		for (int i = 0; i < 60; i++) {
			int dec = i % 20 == 19;

			timing("pvr", &x, dec ? 0x900 : 0x700, dec ? 0 : 1, &entry,
			       rep == 1 && i == 30 ? 1 : 0);
		}
		marker("end", "pvr", rep);
	}
	for (unsigned rep = 0; rep < 2; rep++) {
		marker("begin", "hcall", rep);
		entry = -1;
		for (int i = 0; i < 40; i++)
			timing("hcall", &x, 0xc00, 0, &entry, 0);
		marker("end", "hcall", rep);
	}
	marker("begin", "mmio", 0);
	for (int i = 0; i < 30; i++)
		pair(0x300, 2);
	marker("end", "mmio", 0);
	return NULL;
}

static void *small_cpu1(void *arg)
{
	uint64_t x = 2;
	int entry = -1;

	(void)arg;
	pin(1);
	marker("begin", "spr", 0);
	for (int i = 0; i < 50; i++)
		timing("spr", &x, 0x700, 1, &entry, 0);
	marker("end", "spr", 0);
	for (int i = 0; i < 10; i++)
		pair(0x900, 0);
	return NULL;
}

/* a few events on CPU 0 and an empty CPU 1: the smallest file, for the fuzzer's seeds */
static void *tiny_cpu0(void *arg)
{
	uint64_t x = 1;
	int entry = -1;

	(void)arg;
	pin(0);
	marker("begin", "pvr", 0);
	for (int i = 0; i < 4; i++)
		timing("pvr", &x, 0x700, 1, &entry, 0);
	pair(0x700, 1);
	marker("end", "pvr", 0);
	return NULL;
}

static long big_n;

static void *big_cpu(void *arg)
{
	int cpu = (int)(intptr_t)arg;
	const char *bench = cpu ? "spr" : "pvr";
	uint64_t x = 3 + (uint64_t)cpu;
	long n = 0;

	pin(cpu);
	for (unsigned rep = 0; n < big_n / 2; rep++) {
		int entry = -1;

		marker("begin", bench, rep);
		for (int i = 0; i < 10000 && n < big_n / 2; i++, n++) {
			int dec = i % 1000 == 999;

			timing(bench, &x, dec ? 0x900 : 0x700, dec ? 0 : 1, &entry, 0);
		}
		marker("end", bench, rep);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;

	marker_fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
	if (marker_fd < 0 || argc < 3) {
		fprintf(stderr, "usage: mktrace small|tiny CSV | mktrace big N  (root, tracefs, see mktrace.sh)\n");
		return 2;
	}
	if (!strcmp(argv[1], "small")) {
		csv = fopen(argv[2], "w");
		if (!csv)
			return 1;
		fprintf(csv, "bench,exit_nr,resume,entry,flags,vcpu_run,trace,loop_entry,copy_to_svcpu,"
			"trampoline_enter,guest,realmode_exit,copy_from_svcpu,store_nvgprs,handle_exit\n");
		/* one CPU after the other: the file's order is then the same every time */
		pthread_create(&a, NULL, small_cpu0, NULL);
		pthread_join(a, NULL);
		pthread_create(&b, NULL, small_cpu1, NULL);
		pthread_join(b, NULL);
		fclose(csv);
	} else if (!strcmp(argv[1], "tiny")) {
		csv = fopen(argv[2], "w");
		if (!csv)
			return 1;
		pthread_create(&a, NULL, tiny_cpu0, NULL);
		pthread_join(a, NULL);
		fclose(csv);
	} else if (!strcmp(argv[1], "big")) {
		big_n = atol(argv[2]);
		pthread_create(&a, NULL, big_cpu, (void *)0);
		pthread_create(&b, NULL, big_cpu, (void *)1);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
	} else {
		return 2;
	}
	return 0;
}
