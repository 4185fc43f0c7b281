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
	@O=$(O) tests/integration/emulated-host.sh
