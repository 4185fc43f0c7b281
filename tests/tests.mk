# Unit tests (cmocka, built with ASan/UBSan) and the integration test on the emulated host.
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
UNIT_DIR := $(O)/tests
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

$(UNIT_DIR)/%: tests/unit/%.c $(ANALYSIS_SRC) $(SHARED_SRC) $(wildcard analysis/*.h) $(RUNNER_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -o $@ $< $(ANALYSIS_SRC) $(SHARED_SRC) $(HOST_LIBS) -lcmocka

unit-tests: $(UNIT_TESTS:%=$(UNIT_DIR)/%)
unit-check: unit-tests
	@tests/run-unit.sh $(UNIT_TESTS:%=$(UNIT_DIR)/%)

integration-check: tools runner test-guests
	@O=$(O) tests/integration/emulated-host.sh; a=$$?; O=$(O) tests/integration/compare.sh; b=$$?; \
		O=$(O) tests/integration/instrumented.sh; c=$$?; tests/integration/odd-path.sh; d=$$?; [ $$a = 0 ] && [ $$b = 0 ] && [ $$c = 0 ] && [ $$d = 0 ]

# Fuzz targets (libFuzzer, clang): the parsers of every input a user hands exitbench.
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_DIR := $(O)/fuzz
FUZZ_RUNS ?= 20000
FUZZ_CC ?= clang
$(FUZZ_DIR)/%: tests/fuzz/%.c $(ANALYSIS_SRC) $(SHARED_SRC) $(wildcard analysis/*.h) $(RUNNER_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iguest-kernels/include -Ibench/lib $(shell pkg-config --cflags jansson gsl $(TRACE_PKGS) 2>/dev/null) \
		-o $@ $< $(ANALYSIS_SRC) $(SHARED_SRC) $(HOST_LIBS)

fuzz-targets: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
fuzz-check: fuzz-targets
	@tests/fuzz/run.sh $(FUZZ_RUNS) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
