# Build of the ppc64 guest kernels: one flat image per benchmark in bench/ppc64/,
# each linked with the boot stub of guest-kernels/ppc64 and the mailbox protocol of
# guest-kernels/common (main.c, with ppc64/arch.h).
GUEST_CC      := $(CROSS_COMPILE)gcc
GUEST_OBJCOPY := $(CROSS_COMPILE)objcopy
GUEST_CFLAGS  := -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-mlittle-endian -mcpu=power8 -msoft-float -mno-altivec -mno-vsx \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-pic -mcmodel=medium \
	-Iguest-kernels/include -Iguest-kernels/ppc64 -Wa,-mregnames
GUEST_LDFLAGS := -nostdlib -static -Wl,--no-dynamic-linker -Wl,-T,guest-kernels/ppc64/guest.lds \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

BENCHMARKS   := $(sort $(basename $(notdir $(wildcard bench/ppc64/*.S))))
GUEST_DIR    := $(O)/ppc64/guest
GUEST_IMAGES := $(BENCHMARKS:%=$(GUEST_DIR)/%.bin)
GUEST_LIB    := $(GUEST_DIR)/lib/start.o $(GUEST_DIR)/lib/main.o $(GUEST_DIR)/lib/mmu.o
GUEST_DEPS   := guest-kernels/include/exitbench/mailbox.h \
	guest-kernels/include/exitbench/bench_info.h guest-kernels/include/exitbench/bench_loop.h \
	guest-kernels/ppc64/asm.h \
	guest-kernels/ppc64/arch.h guest-kernels/ppc64/mmu.h

$(GUEST_DIR)/lib/%.o: guest-kernels/ppc64/%.S $(GUEST_DEPS) | check-cross
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/lib/%.o: guest-kernels/ppc64/%.c $(GUEST_DEPS) | check-cross
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/lib/%.o: guest-kernels/common/%.c $(GUEST_DEPS) | check-cross
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/%.o: bench/ppc64/%.S $(GUEST_DEPS) | check-cross
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_DIR)/%.elf: $(GUEST_DIR)/%.o $(GUEST_LIB) guest-kernels/ppc64/guest.lds
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB) $<
$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	$(GUEST_OBJCOPY) -O binary $< $@

# test-only guests (tests/guests/ppc64): built beside the real ones, never in a default suite
TEST_BENCHMARKS := $(sort $(basename $(notdir $(wildcard tests/guests/ppc64/*.S))))
TEST_GUEST_DIR  := $(O)/ppc64/test-guest
$(TEST_GUEST_DIR)/%.o: tests/guests/ppc64/%.S $(GUEST_DEPS) tests/guests/ppc64/timed-only.h | check-cross
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(TEST_GUEST_DIR)/%.elf: $(TEST_GUEST_DIR)/%.o $(GUEST_LIB) guest-kernels/ppc64/guest.lds
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB) $<
$(TEST_GUEST_DIR)/%.bin: $(TEST_GUEST_DIR)/%.elf
	$(GUEST_OBJCOPY) -O binary $< $@

.PRECIOUS: $(GUEST_DIR)/%.elf $(GUEST_DIR)/%.o $(TEST_GUEST_DIR)/%.elf $(TEST_GUEST_DIR)/%.o $(GUEST_LIB)
guests: $(GUEST_IMAGES)
test-guests: $(TEST_BENCHMARKS:%=$(TEST_GUEST_DIR)/%.bin) $(GUEST_IMAGES)
