# exitbench: see README.md. The two commands a user runs:
#   make bench   the main job: build what is missing, boot the emulated POWER8 host, run the
#                suite, write results/<run-id>/{results.json,report.md,*.png}
#   make check   unit tests, then the integration test on the emulated host (ICOUNT=1)
# and, to judge a patch:
#   make compare BASE=... PATCHED=... [ROUNDS=10] [ICOUNT=1]   (see README.md, "Comparing")
SHELL := /bin/bash
O ?= build
CROSS_COMPILE ?= powerpc64le-linux-gnu-
SUITE ?= configs/suites/default
ICOUNT ?= 0
KSRC ?=
ROUNDS ?= 10
MODE ?= auto
THRESHOLD ?= 1
export CROSS_COMPILE

HOST_CC ?= gcc
WERROR ?= -Werror
HOST_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra $(WERROR) -Wno-format-truncation \
	-Iguest-kernels/include $(shell pkg-config --cflags jansson gsl 2>/dev/null) $(EXTRA_CFLAGS)
HOST_LIBS := $(shell pkg-config --libs jansson gsl 2>/dev/null) -lm
TARGET_CFLAGS := -O2 -Wall -Wextra $(WERROR) -Wno-format-truncation -static -Iguest-kernels/include -Ibench/runner

SHARED_SRC := bench/runner/suite.c bench/runner/exits.c bench/runner/mailbox.c
ANALYSIS_SRC := $(filter-out analysis/exitbench.c,$(wildcard analysis/*.c))
RUNNER_SRC := $(wildcard bench/runner/*.c)
RUNNER_HDR := $(wildcard bench/runner/*.h) guest-kernels/include/exitbench/mailbox.h

.PHONY: all bench check unit-check integration-check tools guests runner deps deps-host \
	deps-target check-cross kernel results clean help asan-check compare
all: tools

help:
	@sed -n '1,/^SHELL/p' Makefile | grep '^#' | sed 's/^# \{0,1\}//'

deps-host:
	@scripts/install-deps.sh host
deps-target:
	@scripts/install-deps.sh target
deps: deps-host deps-target

check-cross:
	@command -v $(CROSS_COMPILE)gcc >/dev/null || { echo "exitbench: no $(CROSS_COMPILE)gcc; run: make deps (or scripts/install-deps.sh target)" >&2; exit 1; }

# --- the x86 side: exitbench ---
$(O)/exitbench: analysis/exitbench.c $(ANALYSIS_SRC) $(SHARED_SRC) $(wildcard analysis/*.h) $(RUNNER_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ analysis/exitbench.c $(ANALYSIS_SRC) $(SHARED_SRC) $(HOST_LIBS)
tools: $(O)/exitbench

# --- the POWER side: runner and guest kernels ---
$(O)/ppc64/exitbench-run: $(RUNNER_SRC) $(RUNNER_HDR) | check-cross
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(TARGET_CFLAGS) -o $@ $(RUNNER_SRC)
runner: $(O)/ppc64/exitbench-run
include guest-kernels/ppc64/guest.mk

# --- the host kernel (cached outside the clone) ---
kernel: | check-cross
	@scripts/build-kernel.sh $(KSRC) >/dev/null

# --- the main job ---
bench: deps
	@$(MAKE) --no-print-directory tools runner guests
	@SUITE=$(SUITE) ICOUNT=$(ICOUNT) KSRC=$(KSRC) O=$(O) scripts/bench.sh

# --- before/after: BASE and PATCHED interleaved, then exitbench compare ---
compare: deps
	@$(MAKE) --no-print-directory tools runner guests
	@SUITE=$(SUITE) ICOUNT=$(ICOUNT) KSRC=$(KSRC) O=$(O) BASE="$(BASE)" PATCHED="$(PATCHED)" \
		ROUNDS=$(ROUNDS) MODE=$(MODE) THRESHOLD=$(THRESHOLD) scripts/compare.sh

# --- tests ---
include tests/tests.mk

check: deps
	@O=$(O) tests/check.sh

# RESULTS.md from real runs: the default suite (instruction-count mode and plain), then the
# comparisons that validate make compare (A/A, the test patches)
results: deps
	@$(MAKE) --no-print-directory tools runner guests
	@O=$(O) scripts/make-results.sh
	@O=$(O) scripts/results-compare.sh

clean:
	rm -rf $(O)
