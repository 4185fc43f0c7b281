# Unit tests (cmocka) and fuzz targets (libFuzzer), both built with ASan/UBSan against the
# sanitizer build of libexitbench; the integration tests on the emulated host.
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
UNIT_DIR := $(O)/tests
# what a test needs beyond the library: the runner's own code it tests
$(UNIT_DIR)/test_mailbox: $(O)/san/bench/runner/mailbox.o

$(UNIT_DIR)/%: $(O)/san/tests/unit/%.o $(SAN_LIB)
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) -o $@ $(filter %.o,$^) $(SAN_LIB) $(HOST_LIBS) -lcmocka

unit-tests: $(UNIT_TESTS:%=$(UNIT_DIR)/%)
unit-check: unit-tests
	@tests/run-unit.sh $(UNIT_TESTS:%=$(UNIT_DIR)/%)

# each test ends with its "NAME: N passed, N failed" line; all run, whichever fails
INTEGRATION_TESTS := docs native-host module-build native-compare native-nightly native emulated-host compare sequential instrumented odd-path page fleet nightly ppc32-kernel ppc32 nightly-ppc32
integration-check: tools runner test-guests ppc64-tools runner-ppc32 guests-ppc32
	@rc=0; for t in $(INTEGRATION_TESTS); do tests/integration/$$t.sh || rc=1; done; exit $$rc

# the native path (HOST=native: make bench, then make compare) inside the emulated host,
# end to end: two boots, about 75 s; also part of make check's integration tests
native-check: ppc64-tools runner guests
	@tests/integration/native.sh

# make bench-noise's own test: its quick deterministic run (ICOUNT=1, 4 comparisons) and a
# failing host, 5 boots, about 2.5 minutes: a target of its own, not part of make check
noise-check: tools runner guests
	@tests/integration/noise.sh

# Fuzz targets: the parsers of every input a user hands exitbench. A bounded run in make
# check (FUZZ_SECONDS per target, at most FUZZ_RUNS inputs); make fuzz-long for longer ones.
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_DIR := $(O)/fuzz
FUZZ_RUNS ?= 20000
FUZZ_SECONDS ?= 20
$(FUZZ_DIR)/%: $(O)/san/tests/fuzz/%.o $(SAN_LIB)
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $< $(SAN_LIB) $(HOST_LIBS)

fuzz-targets: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
fuzz-check: fuzz-targets
	@tests/fuzz/run.sh $(FUZZ_RUNS) $(FUZZ_SECONDS) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
# the long run: FUZZ_LONG_SECONDS (600) per target, no bound on inputs; not part of make check
FUZZ_LONG_SECONDS ?= 600
fuzz-long: fuzz-targets
	@tests/fuzz/run.sh -1 $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

# the test programs' objects are kept: a second make relinks nothing
.SECONDARY: $(UNIT_TESTS:%=$(O)/san/tests/unit/%.o) $(FUZZ_TARGETS:%=$(O)/san/tests/fuzz/%.o)

# the Linux guest (configs/suites/linux-guest): QEMU with PR KVM inside the emulated host,
# its benchmarks and their exit counts, the report beside the bare guest, bad suite lines,
# a QEMU that cannot start, make compare with a known effect; three boots, about 2.5
# minutes warm: a target of its own (run by CI after make check)
linux-guest-check: deps
	@$(MAKE) --no-print-directory tools runner guests
	@tests/integration/linux-guest.sh
