/* SPDX-License-Identifier: MIT */
/*
 * A PR KVM virtual machine with one vcpu and one memory slot at guest physical 0, and the
 * vcpu's binary statistics (KVM_GET_STATS_FD). Library code: returns -errno, prints nothing.
 */
#ifndef EB_VM_H
#define EB_VM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

struct vm {
	int kvm_fd, vm_fd, vcpu_fd, stats_fd;
	void *mem;
	size_t mem_size;
	struct kvm_run *run;
	size_t run_size;
	/* statistics: offset (bytes into the stats fd) of each wanted counter, or -1 */
	long stat_off[32];
	size_t nstats;
	/* ... and the fd's descriptors, read once by vm_stats_open (vm_stats_find) */
	struct kvm_stats_header stat_hdr;
	char *stat_descs;
};

/* Open /dev/kvm, create a PR VM (KVM_VM_PPC_PR) with mem_size bytes at gpa 0 and vcpu 0. */
int vm_create_pr(struct vm *vm, size_t mem_size);
/* KVM_ENABLE_CAP on the vcpu. */
int vm_enable_vcpu_cap(struct vm *vm, uint32_t cap);
/* Start in real mode at pc with msr; interrupts taken little-endian (LPCR[ILE]). */
int vm_set_entry(struct vm *vm, uint64_t pc, uint64_t msr);
/* The vcpu's processor version register. */
int vm_get_pvr(struct vm *vm, uint32_t *pvr);
/* Locate the named vcpu statistics; -ENOENT names the first missing one in *missing. */
int vm_stats_open(struct vm *vm, const char *const *names, size_t n, const char **missing);
/*
 * The vcpu statistic named name (after vm_stats_open): its offset in the stats fd and its
 * size in 8-byte values (1 for a counter, the buckets of a histogram). -ENOENT.
 */
int vm_stats_find(const struct vm *vm, const char *name, long *off, uint32_t *size);
/* Read the counters located by vm_stats_open into vals[n]. */
int vm_stats_read(struct vm *vm, uint64_t *vals);
/* One KVM_RUN: 0, or -errno (-EINTR when a signal interrupted it). */
int vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);
/* KVM_GET_API_VERSION of /dev/kvm, or -errno. */
int vm_api_version(void);

#endif
