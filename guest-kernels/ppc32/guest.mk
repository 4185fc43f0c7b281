# Build of the ppc32 guest kernels (big-endian, 32-bit Book3S: book3s_32 PR KVM on an
# emulated PowerMac G4): one flat image per benchmark in bench/ppc32/ (links to bench/ppc64's
# files but mmio, which stores 32 bits: the same source, assembled for 32 bits), each linked
# with the boot stub of guest-kernels/ppc32 and the mailbox protocol of guest-kernels/common
# (main.c, with ppc32/arch.h). Its variables are PPC32_*: the ppc64 ones
# (guest-kernels/ppc64/guest.mk) are expanded in their recipes when they run.
PPC32_CROSS_COMPILE ?= powerpc-linux-gnu-
PPC32_CC      := $(PPC32_CROSS_COMPILE)gcc
PPC32_OBJCOPY := $(PPC32_CROSS_COMPILE)objcopy
PPC32_CFLAGS  := -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-m32 -mbig-endian -mcpu=7400 -msoft-float -mno-altivec -msdata=none \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-pic \
	-Iguest-kernels/include -Iguest-kernels/ppc32 -Wa,-mregnames
# libgcc: main.c's 64-bit divisions (__udivdi3, __umoddi3)
PPC32_LDFLAGS := -nostdlib -static -Wl,--no-dynamic-linker -Wl,-T,guest-kernels/ppc32/guest.lds \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
PPC32_LDLIBS  := -lgcc

PPC32_BENCHMARKS := $(sort $(basename $(notdir $(wildcard bench/ppc32/*.S))))
PPC32_GUEST_DIR  := $(O)/ppc32/guest
PPC32_IMAGES     := $(PPC32_BENCHMARKS:%=$(PPC32_GUEST_DIR)/%.bin)
PPC32_LIB        := $(PPC32_GUEST_DIR)/lib/start.o $(PPC32_GUEST_DIR)/lib/main.o
PPC32_DEPS       := guest-kernels/include/exitbench/mailbox.h \
	guest-kernels/include/exitbench/bench_info.h guest-kernels/include/exitbench/bench_loop.h \
	guest-kernels/ppc32/asm.h \
	guest-kernels/ppc32/arch.h

# check-cross32 (the Makefile's, as check-cross is for the ppc64 guests): one line naming
# the missing compiler and "run: scripts/install-deps.sh target"
.PHONY: guests-ppc32
$(PPC32_GUEST_DIR)/lib/%.o: guest-kernels/ppc32/%.S $(PPC32_DEPS) | check-cross32
	@mkdir -p $(@D)
	$(PPC32_CC) $(PPC32_CFLAGS) -c $< -o $@
$(PPC32_GUEST_DIR)/lib/%.o: guest-kernels/common/%.c $(PPC32_DEPS) | check-cross32
	@mkdir -p $(@D)
	$(PPC32_CC) $(PPC32_CFLAGS) -c $< -o $@
$(PPC32_GUEST_DIR)/%.o: bench/ppc32/%.S $(PPC32_DEPS) | check-cross32
	@mkdir -p $(@D)
	$(PPC32_CC) $(PPC32_CFLAGS) -c $< -o $@
$(PPC32_GUEST_DIR)/%.elf: $(PPC32_GUEST_DIR)/%.o $(PPC32_LIB) guest-kernels/ppc32/guest.lds
	$(PPC32_CC) $(PPC32_CFLAGS) $(PPC32_LDFLAGS) -o $@ $(PPC32_LIB) $< $(PPC32_LDLIBS)
$(PPC32_GUEST_DIR)/%.bin: $(PPC32_GUEST_DIR)/%.elf
	$(PPC32_OBJCOPY) -O binary $< $@

.PRECIOUS: $(PPC32_GUEST_DIR)/%.elf $(PPC32_GUEST_DIR)/%.o $(PPC32_LIB)
guests-ppc32: $(PPC32_IMAGES)
