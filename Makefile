# exitbench: see README.md. The two commands a user runs:
#   make bench   the main job: build what is missing, boot the emulated POWER8 host, run the
#                suite, write results/<run-id>/{results.json,report.md,*.png}
#   make check   unit tests, then the integration test on the emulated host (ICOUNT=1)
# and, to judge a patch:
#   make compare BASE=... PATCHED=... [ROUNDS=10] [ICOUNT=1]   (see README.md, "Comparing")
#   make compare BASE=... PATCHED=... UNTIL=0.5 [MAXTIME=10m]  rounds until the answer is known
#   make bench-noise [NOPS="32 48 64 96 128"] [AA_RUNS=10] [MAXTIME=10m]  what this host detects:
#                the smallest known effect (K loads, or nops with ICOUNT=1) and the A/A
#                false alarms (README.md)
# and, per phase of the round trip (the instrumented kvm-pr, module/patches):
#   make bench INSTRUMENT=1 TRACE=1 [ICOUNT=1]   (phases, exit reasons: README.md, "Tracing")
#   make bench-collector [RUN=results/<id>]      (the collector's speed vs trace-cmd, perf)
#   make bench-history   (the nightly history's import and page on 365 synthetic nights)
#   make bench-compare   (exitbench compare vs ministat, 10,000 to 7 million values a side)
# and, night after night (README.md, "The nightly run"):
#   make nightly TREE=~/src/linux REF=kvm-ppc-next      one night: REF's tip
#   make nightly TREE=~/src/linux NIGHTS="v6.1 abc123"  a night a revision (a replay)
#   make nightly-demo                                   the whole thing on a synthetic history
#   make fleet-demo    several hosts' nightlies under Buildbot, one history, one page
# and, on a POWER host itself (README.md, "On a real POWER host"):
#   make bench [HOST=native]   the suite on the host's own /dev/kvm, no QEMU (auto there)
#   make native-check          that path tested inside an emulated POWER host (in make check)
SHELL := /bin/bash
O ?= build
# on a POWER host its own compiler builds the runner and the guests (HOST=native)
CROSS_COMPILE ?= $(if $(filter ppc64le ppc64,$(shell uname -m)),,powerpc64le-linux-gnu-)
# where make bench runs the suite: auto (native on a POWER host, else emulated), native or
# emulated (scripts/native-host.sh)
HOST ?= auto
# the host's architecture, from make's command line only (a kernel developer's ARCH=powerpc
# in the environment is not ours): ppc64 (the default) or ppc32, the emulated 32-bit
# Book3S host (book3s_32 PR)
EXITBENCH_ARCH := $(if $(filter command line,$(origin ARCH)),$(ARCH),$(or $(EXITBENCH_ARCH),ppc64))
export EXITBENCH_ARCH
# what a run needs built on the POWER side, for that architecture
POWER_SIDE := $(if $(filter ppc32,$(EXITBENCH_ARCH)),runner-ppc32 guests-ppc32,runner guests)
# the suite make bench runs: the architecture's default unless SUITE says
SUITE ?= $(if $(filter ppc32,$(EXITBENCH_ARCH)),configs/suites/ppc32,configs/suites/default)
ICOUNT ?= 0
KSRC ?=
INSTRUMENT ?= 0
TRACE ?= 0
PERF ?= 0
# (empty: 10, or with UNTIL as many as MAXTIME allows: scripts/compare.sh)
ROUNDS ?=
UNTIL ?=
MAXTIME ?=
MODE ?= auto
THRESHOLD ?= 1
export CROSS_COMPILE
# the scripts read these from the environment: exported, never spliced into a command line,
# so a path with a blank or a quote in it reaches them whole
export HOST O SUITE ICOUNT KSRC INSTRUMENT STATS STATS_EVERY TRACE PERF ROUNDS UNTIL MAXTIME MODE THRESHOLD BASE PATCHED
# ... and the nightly's (scripts/nightly.sh)
# ... make bench-noise's (scripts/noise-bench.sh)
export NOPS AA_RUNS ICOUNT_REF
export TREE REF NIGHTS HISTORY SITE RUNS MODES ARCHES FLOOR CONFIG PHASES CONFIRM BISECT HOST_NAME \
	ROUNDS_ICOUNT ROUNDS_PLAIN ROUNDS_NATIVE CONFIRM_MAXTIME

HOST_CC ?= gcc
# the sanitizer build (unit tests and fuzz targets): clang, for libFuzzer
SAN_CC ?= clang
WERROR ?= -Werror
# exitbench trace: libtracecmd/libtraceevent/libtracefs read trace.dat and tracefs, liburcu's
# lock-free hash table aggregates (analysis/trace*.c)
TRACE_PKGS := libtracecmd libtraceevent libtracefs liburcu-memb liburcu-cds
PKG_CFLAGS := $(shell pkg-config --cflags jansson gsl sqlite3 $(TRACE_PKGS) 2>/dev/null)
HOST_INCLUDES := -Iguest-kernels/include -Ibench/lib
HOST_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra $(WERROR) \
	$(HOST_INCLUDES) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
HOST_LIBS := $(shell pkg-config --libs jansson gsl sqlite3 $(TRACE_PKGS) 2>/dev/null) -pthread -lm
# ASan/UBSan, and the coverage hooks libFuzzer needs: one build serves both
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra $(WERROR) $(SAN_FLAGS) -fsanitize=fuzzer-no-link \
	$(HOST_INCLUDES) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
TARGET_CFLAGS := -O2 -Wall -Wextra $(WERROR) -static -Iguest-kernels/include -Ibench/lib -Ibench/runner
DEPFLAGS = -MMD -MP

# libexitbench: everything but the command line, built once (and once more with the
# sanitizers); the CLI (exitbench.c and its cmd_*.c), the unit tests and the fuzz targets
# link it
CLI_SRC := analysis/exitbench.c $(wildcard analysis/cmd_*.c)
LIB_SRC := $(filter-out $(CLI_SRC),$(wildcard analysis/*.c)) $(wildcard bench/lib/*.c)
LIB := $(O)/libexitbench.a
SAN_LIB := $(O)/san/libexitbench.a
LIB_OBJ := $(LIB_SRC:%.c=$(O)/obj/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=$(O)/san/%.o)
RUNNER_SRC := $(wildcard bench/runner/*.c) $(wildcard bench/lib/*.c)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(O)/ppc64/obj/%.o)

.PHONY: all bench check unit-check integration-check tools guests runner deps deps-host \
	deps-target check-cross check-cross32 runner-ppc32 guests-ppc32 ppc64-tools kernel results clean help compare bench-collector bench-history bench-compare lib \
	bench-noise noise-check native-check \
	nightly nightly-demo fleet-demo deps-fleet \
	unit-tests fuzz-targets fuzz-check fuzz-long test-guests
all: tools

help:
	@sed -n '1,/^SHELL/p' Makefile | grep '^#' | sed 's/^# \{0,1\}//'

deps-host:
	@scripts/install-deps.sh host
deps-target:
	@scripts/install-deps.sh target
deps: deps-host deps-target
deps-fleet:
	@scripts/install-deps.sh fleet

check-cross:
	@command -v $(CROSS_COMPILE)gcc >/dev/null || { echo "exitbench: no $(CROSS_COMPILE)gcc; run: make deps (or scripts/install-deps.sh target)" >&2; exit 1; }

# --- the x86 side: libexitbench and exitbench ---
$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(O)/san/%.o: %.c
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(SAN_LIB): $(SAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(O)/exitbench: $(CLI_SRC:%.c=$(O)/obj/%.o) $(LIB)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
lib: $(LIB)
tools: $(O)/exitbench

# --- the POWER side: runner and guest kernels ---
# libpfm4 names the POWER PMU events; its static libpfm.a comes with libpfm4-dev:ppc64el
# (scripts/install-deps.sh target). Without it the runner counts the generic events only.
RUNNER_PFM = $(if $(filter /%,$(shell $(CROSS_COMPILE)gcc -print-file-name=libpfm.a 2>/dev/null)),yes)
$(O)/ppc64/obj/%.o: %.c | check-cross
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(TARGET_CFLAGS) $(if $(RUNNER_PFM),-DHAVE_LIBPFM) $(DEPFLAGS) -c -o $@ $<
$(O)/ppc64/exitbench-run: $(RUNNER_OBJ) | check-cross
	$(CROSS_COMPILE)gcc $(TARGET_CFLAGS) -o $@ $^ $(if $(RUNNER_PFM),-lpfm)
runner: $(O)/ppc64/exitbench-run

# --- the 32-bit Book3S host (ARCH=ppc32): the same runner, static, 32-bit big-endian, no
# libpfm4 (no Debian userland exists for powerpc); its /init (bench/init/host-init32.c)
PPC32_CROSS_COMPILE ?= powerpc-linux-gnu-
RUNNER32_OBJ := $(RUNNER_SRC:%.c=$(O)/ppc32/obj/%.o)
check-cross32:
	@command -v $(PPC32_CROSS_COMPILE)gcc >/dev/null || { echo "exitbench: no $(PPC32_CROSS_COMPILE)gcc (ARCH=ppc32); run: scripts/install-deps.sh target" >&2; exit 1; }
$(O)/ppc32/obj/%.o: %.c | check-cross32
	@mkdir -p $(@D)
	$(PPC32_CROSS_COMPILE)gcc $(TARGET_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(O)/ppc32/exitbench-run: $(RUNNER32_OBJ) | check-cross32
	$(PPC32_CROSS_COMPILE)gcc $(TARGET_CFLAGS) -o $@ $^
$(O)/ppc32/init: bench/init/host-init32.c | check-cross32
	@mkdir -p $(@D)
	$(PPC32_CROSS_COMPILE)gcc $(TARGET_CFLAGS) -o $@ $<
runner-ppc32: $(O)/ppc32/exitbench-run $(O)/ppc32/init
include guest-kernels/ppc64/guest.mk
-include guest-kernels/ppc32/guest.mk

# --- exitbench itself for a POWER host: cross-built against Debian's ppc64el libraries,
# downloaded and extracted into a sysroot (scripts/ppc64el-root.sh --sysroot, cached outside
# the clone, never installed here), for the native path inside the emulated host. On a POWER
# host, make tools builds $(O)/exitbench natively instead.
PPC64_DEV_PKGS := libjansson-dev libgsl-dev libsqlite3-dev libtracecmd-dev libtraceevent-dev \
	libtracefs-dev liburcu-dev
PPC64_SYSROOT ?=
ppc64_pc = PKG_CONFIG_SYSROOT_DIR=$(PPC64_SYSROOT) \
	PKG_CONFIG_LIBDIR=$(PPC64_SYSROOT)/usr/lib/powerpc64le-linux-gnu/pkgconfig:$(PPC64_SYSROOT)/usr/share/pkgconfig \
	pkg-config
PPC64_TOOL_CFLAGS = -O2 -g -std=gnu11 -Wall -Wextra $(WERROR) --sysroot=$(PPC64_SYSROOT) $(HOST_INCLUDES) \
	$(shell $(ppc64_pc) --cflags jansson gsl sqlite3 $(TRACE_PKGS))
PPC64_TOOL_LIBS = --sysroot=$(PPC64_SYSROOT) $(shell $(ppc64_pc) --libs jansson gsl sqlite3 $(TRACE_PKGS)) -pthread -lm
$(O)/ppc64/tool/%.o: %.c | check-cross
	@test -d "$(PPC64_SYSROOT)/usr/include" || { echo "exitbench: PPC64_SYSROOT=$(PPC64_SYSROOT): no sysroot (make ppc64-tools makes it)" >&2; exit 2; }
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(PPC64_TOOL_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(O)/ppc64/libexitbench.a: $(LIB_SRC:%.c=$(O)/ppc64/tool/%.o)
	@rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^
$(O)/ppc64/exitbench: $(CLI_SRC:%.c=$(O)/ppc64/tool/%.o) $(O)/ppc64/libexitbench.a
	$(CROSS_COMPILE)gcc -o $@ $^ $(PPC64_TOOL_LIBS)
ppc64-tools: | check-cross
	@sysroot=$$(scripts/ppc64el-root.sh --sysroot exitbench-dev $(PPC64_DEV_PKGS)) && \
		$(MAKE) --no-print-directory $(O)/ppc64/exitbench PPC64_SYSROOT="$$sysroot"

# --- the host kernel (cached outside the clone) ---
# both host kernels: stock, and instrumented (module/patches: CONFIG_KVM_BOOK3S_PR_EXIT_TIMING)
kernel: | check-cross
	@scripts/build-kernel.sh $${KSRC:+"$$KSRC"} >/dev/null
	@scripts/build-kernel.sh --patch module/patches $${KSRC:+"$$KSRC"} >/dev/null

# --- the main job ---
bench: deps
	@$(MAKE) --no-print-directory tools $(POWER_SIDE)
	@scripts/bench.sh

# --- the collector's speed: exitbench trace vs trace-cmd report vs perf script on one
# recorded workload of > 10M events (configs/suites/collector, ~6 min of emulation), or on
# the trace.dat/perf.data of an earlier run: make bench-collector RUN=results/<id>
bench-collector: deps
	@$(MAKE) --no-print-directory tools runner guests
	@run="$(RUN)"; if [ -z "$$run" ]; then id=$$(date -u +%Y%m%d-%H%M%S)-collector; \
		SUITE=configs/suites/collector INSTRUMENT=1 TRACE=1 PERF=1 TRACE_MODE=stream TRACE_EVENTS="kvm_pr kvm:kvm_userspace_exit" RUN_ID=$$id \
		scripts/bench.sh || exit 1; run=results/$$id; fi; scripts/collector-bench.sh "$$run"

# --- the nightly history's speed: exitbench history import of 1,000 results.json and the
# page of 365 nights x 7 benchmarks x 2 modes, each against 30 s (README.md, "Nightly page and
# history: speed"); synthetic inputs, no boot; not part of make check
# --- the nightly run: every night in a history, changes found, confirmed, bisected, a page
# (SUITE is the nightly's own, configs/suites/nightly, unless given)
nightly: deps
	@$(MAKE) --no-print-directory tools runner guests $(if $(findstring ppc32,$(ARCHES)),runner-ppc32 guests-ppc32)
	@$(if $(filter file,$(origin SUITE)),env -u SUITE) scripts/nightly.sh
nightly-demo: deps
	@$(MAKE) --no-print-directory tools runner guests
	@scripts/nightly-demo.sh
# the fleet under Buildbot on this machine: a master and two workers over loopback, each
# running the emulated nightly as a benchmark host (configs/buildbot; README.md, "A fleet of
# hosts under Buildbot"); not part of make check
fleet-demo: deps deps-fleet
	@$(MAKE) --no-print-directory tools runner guests
	@scripts/fleet-demo.sh

bench-history: tools
	@scripts/history-bench.sh

# --- exitbench compare's speed on plain samples of 10,000 to 7,000,000 values a side, against
# Debian's ministat on the same files (README.md, "Comparing: speed"); no boot; not part of
# make check
bench-compare: tools
	@scripts/compare-bench.sh

# --- what a noisy host can detect: a sequential make compare for each known effect (K nops,
# NOPS) and AA_RUNS A/A comparisons, each within MAXTIME; plain emulation unless ICOUNT=1
# ((NOPS + AA_RUNS) x MAXTIME at worst: 2.5 h by default; README.md, "What a noisy host can
# detect"); SUITE is its own, configs/suites/noise-pvr, unless given; not part of make check
bench-noise: deps
	@$(MAKE) --no-print-directory tools runner guests
	@$(if $(filter file,$(origin SUITE)),env -u SUITE) scripts/noise-bench.sh

# --- before/after: BASE and PATCHED interleaved, then exitbench compare ---
compare: deps
	@$(MAKE) --no-print-directory tools $(POWER_SIDE)
	@scripts/compare.sh

# --- tests ---
include tests/tests.mk

check: deps deps-fleet
	@O=$(O) tests/check.sh

# RESULTS.md from real runs: the default suite (instruction-count mode and plain), the
# segments, the Linux guest and the 32-bit host, then the comparisons that validate make compare (A/A, the
# test patches)
results: deps
	@$(MAKE) --no-print-directory tools runner guests
	@scripts/make-results.sh
	@scripts/results-segments.sh
	@scripts/results-linux-guest.sh
	@$(MAKE) --no-print-directory runner-ppc32 guests-ppc32
	@scripts/results-ppc32.sh
	@scripts/results-compare.sh
	@scripts/results-trace.sh $(COLLECTOR_RUN)

clean:
	rm -rf $(O)

# the compilers' dependency files: a header change rebuilds what includes it
-include $(wildcard $(LIB_OBJ:.o=.d) $(SAN_LIB_OBJ:.o=.d) $(RUNNER_OBJ:.o=.d) \
	$(CLI_SRC:%.c=$(O)/obj/%.d) $(O)/san/tests/*/*.d $(RUNNER32_OBJ:.o=.d) \
	$(wildcard $(O)/ppc64/tool/*/*.d))
