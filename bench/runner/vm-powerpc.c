// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#define LPCR_ILE 0x02000000ULL

static int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vm_api_version(void)
{
	int fd = kvm_open(), r;

	if (fd < 0)
		return fd;
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	r = r < 0 ? -errno : r;
	close(fd);
	return r;
}

int vm_create_pr(struct vm *vm, size_t mem_size)
{
	struct kvm_userspace_memory_region region;
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->vcpu_fd = vm->stats_fd = -1;
	vm->mem = MAP_FAILED;
	vm->run = MAP_FAILED;
	vm->kvm_fd = kvm_open();
	if (vm->kvm_fd < 0)
		return vm->kvm_fd;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_PR);
	if (vm->vm_fd < 0)
		goto fail;
	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto fail;
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		goto fail;
	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		goto fail;
	r = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < 0)
		goto fail;
	vm->run_size = r;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		goto fail;
	return 0;
fail:
	r = -errno;
	vm_destroy(vm);
	return r;
}

int vm_enable_vcpu_cap(struct vm *vm, uint32_t cap)
{
	struct kvm_enable_cap c = { .cap = cap };

	return ioctl(vm->vcpu_fd, KVM_ENABLE_CAP, &c) ? -errno : 0;
}

int vm_set_entry(struct vm *vm, uint64_t pc, uint64_t msr)
{
	struct kvm_regs regs;
	uint64_t lpcr = LPCR_ILE, hior = 0;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (uintptr_t)&lpcr };

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs))
		return -errno;
	regs.pc = pc;
	regs.msr = msr;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs))
		return -errno;
	/* only ILE matters to PR; older kernels without the register keep big-endian vectors */
	(void)ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg);
	/*
	 * The interrupt vectors at 0, the guest image's: kvm-pr's 64-bit vcpu starts with the
	 * 970's prefix, HIOR 0xfff00000, outside guest memory (QEMU sets it to 0 as well)
	 */
	reg = (struct kvm_one_reg){ .id = KVM_REG_PPC_HIOR, .addr = (uintptr_t)&hior };
	if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg))
		return -errno;
	return 0;
}

int vm_get_pvr(struct vm *vm, uint32_t *pvr)
{
	struct kvm_sregs sregs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs))
		return -errno;
	*pvr = sregs.pvr;
	return 0;
}

int vm_stats_open(struct vm *vm, const char *const *names, size_t n, const char **missing)
{
	struct kvm_stats_header *hdr = &vm->stat_hdr;
	size_t desc_size;
	uint32_t size;
	int r = 0;

	if (n > sizeof(vm->stat_off) / sizeof(vm->stat_off[0]))
		return -E2BIG;
	vm->stats_fd = ioctl(vm->vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (vm->stats_fd < 0) {
		vm->stats_fd = -1;
		return -errno;
	}
	if (pread(vm->stats_fd, hdr, sizeof(*hdr), 0) != sizeof(*hdr))
		return -EIO;
	desc_size = sizeof(struct kvm_stats_desc) + hdr->name_size;
	vm->stat_descs = calloc(hdr->num_desc, desc_size);
	if (!vm->stat_descs)
		return -ENOMEM;
	if (pread(vm->stats_fd, vm->stat_descs, hdr->num_desc * desc_size, hdr->desc_offset) !=
	    (ssize_t)(hdr->num_desc * desc_size)) {
		free(vm->stat_descs);
		vm->stat_descs = NULL;
		return -EIO;
	}
	for (size_t i = 0; i < n; i++) {
		if (vm_stats_find(vm, names[i], &vm->stat_off[i], &size) || size != 1)
			vm->stat_off[i] = -1;
		if (vm->stat_off[i] < 0 && !r) {
			*missing = names[i];
			r = -ENOENT;
		}
	}
	vm->nstats = n;
	return r;
}

int vm_stats_find(const struct vm *vm, const char *name, long *off, uint32_t *size)
{
	const struct kvm_stats_header *hdr = &vm->stat_hdr;
	size_t desc_size = sizeof(struct kvm_stats_desc) + hdr->name_size;

	for (uint32_t k = 0; vm->stat_descs && k < hdr->num_desc; k++) {
		const struct kvm_stats_desc *d = (const void *)(vm->stat_descs + k * desc_size);

		if (!strncmp(d->name, name, hdr->name_size)) {
			*off = (long)hdr->data_offset + d->offset;
			*size = d->size;
			return 0;
		}
	}
	return -ENOENT;
}

int vm_stats_read(struct vm *vm, uint64_t *vals)
{
	for (size_t i = 0; i < vm->nstats; i++) {
		if (vm->stat_off[i] < 0) {
			vals[i] = 0;
			continue;
		}
		if (pread(vm->stats_fd, &vals[i], sizeof(vals[i]), vm->stat_off[i]) != sizeof(vals[i]))
			return -EIO;
	}
	return 0;
}

int vm_run(struct vm *vm)
{
	return ioctl(vm->vcpu_fd, KVM_RUN, 0) ? -errno : 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->run != MAP_FAILED && vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->stats_fd >= 0)
		close(vm->stats_fd);
	free(vm->stat_descs);
	vm->stat_descs = NULL;
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->mem != MAP_FAILED && vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->run = MAP_FAILED;
	vm->mem = MAP_FAILED;
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->stats_fd = -1;
}
