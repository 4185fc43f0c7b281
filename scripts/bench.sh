#!/usr/bin/env bash
# The main job (make bench): boot the emulated POWER8 host, run SUITE, collect and report;
# on a POWER host (HOST=native) the suite runs on the host itself, no QEMU.
# env: HOST (auto: native on ppc64le/ppc64, else emulated; native; emulated),
#   SUITE, ICOUNT, KSRC, O (build dir), RESULTS (default results/), RUN_ID, BOOT_TIMEOUT,
#   INSTRUMENT=1 (boot the instrumented kernel: module/patches), STATS=1 (with INSTRUMENT=1:
#   its phase histograms in the binary stats on, kvm-pr exit_timing_stats=STATS_EVERY), TRACE=1 (trace-cmd record in
#   the host -> RUN/trace.dat), PERF=1 (perf record -> RUN/perf.data); OUT_DISK_MB sizes the
#   output disk those come back on (default 8192, sparse); TRACE_EVENTS, TRACE_BUFFER_KB,
#   PERF_EVENTS, PERF_MMAP: see make-initramfs.sh
# The steps are run-lib.sh's. Prints the run directory on the last line of stdout.
# Exit status: 0 every benchmark ran, 1 one failed or the host did (the results taken are
# kept), 2 bad input (a suite naming an unknown benchmark, a KSRC that is no kernel tree ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-$(arch_suite)}
ICOUNT=${ICOUNT:-0}
INSTRUMENT=${INSTRUMENT:-0} TRACE=${TRACE:-0} PERF=${PERF:-0} STATS=${STATS:-0}
record=
[ "$TRACE" = 1 ] && record=trace
[ "$PERF" = 1 ] && record="${record:+$record }perf"
results=${RESULTS:-results}
eb=$O/exitbench
arch_check || exit 2
arch=$EXITBENCH_ARCH
# BENCH_DIR/GUEST_DIR: where benchmark sources and images are (tests use their own)
bench_dir=${BENCH_DIR:-bench/$arch}
guest_dir=${GUEST_DIR:-$O/$arch/guest}
# the 32-bit host runs the stock suite, emulated: its userland is the static runner alone
run_arch_check runs "$SUITE" || exit 2
[ "$arch" != ppc32 ] || HOST=emulated

run_check_suite "$eb" "$SUITE" "$bench_dir" "$guest_dir" || exit 2
run_timing_stats "$STATS" "$INSTRUMENT" || exit 2
host=$(run_host "${HOST:-auto}") || exit 2

if [ "$host" = native ]; then
	# this POWER host itself: its running kernel and its own kvm-pr, no QEMU
	[ "$INSTRUMENT" = 0 ] && [ "$TRACE" = 0 ] && [ "$PERF" = 0 ] && [ "$ICOUNT" = 0 ] ||
		die2 "HOST=native runs the stock suite: INSTRUMENT, TRACE, PERF and ICOUNT are the emulated host's (HOST=emulated)"
	! suite_has_linux_guest "$SUITE" ||
		die2 "HOST=native: $SUITE has the Linux guest's benchmarks (linux-NAME), which run on the emulated host only (yet)"
	# PR KVM here, or one line why not, before anything is made
	"$here/native-host.sh" load || exit 2
	run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-native}
	run=$(run_new "$results" "$run_id" "$SUITE")
	rc=0
	run_native "$eb" "$O/ppc64/exitbench-run" "$guest_dir" "$run" "$SUITE" "$run_id" || rc=$?
	[ $rc != 2 ] || exit 2
	run_latest "$results" "$run_id" latest
	echo "results: $run/report.md"
	[ $rc = 0 ] || { echo "exitbench: the run had failures (see the report's 'Not measured, failed' section and $run/console.log)" >&2; exit 1; }
	exit 0
fi

# the events recorded by default: the round trip's own event on the instrumented kernel
# (another tracepoint per exit would be counted inside its handle_exit phase), the stock
# exit/re-entry pair otherwise
if [ "$INSTRUMENT" = 1 ]; then
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_pr_exit_timing kvm:kvm_userspace_exit}
	variant=instrumented patches=module/patches
	step "host kernel (instrumented: module/patches)"
else
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_exit kvm_pr:kvm_book3s_reenter kvm:kvm_userspace_exit}
	variant=stock patches=
	step "host kernel"
fi
[ "$STATS" != 1 ] || variant=instrumented-stats
kdir=$(run_kernel "$patches" "${KSRC:-}") || exit $?

mode=$(run_mode "$ICOUNT")
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-$mode}
run=$(run_new "$results" "$run_id" "$SUITE")
echo "$variant" >"$run/kernel-variant"

rc=0
run_once "$eb" "$O/$arch/exitbench-run" "$guest_dir" "$run" "$kdir" "$SUITE" "$ICOUNT" "$record" \
	"$run_id" || rc=$?
[ $rc -lt 2 ] || exit 1
run_latest "$results" "$run_id" latest
[ "$TRACE" = 1 ] && [ -f "$run/trace.dat" ] && echo "trace: $run/trace.dat (trace-cmd report -i $run/trace.dat)"
[ "$PERF" = 1 ] && [ -f "$run/perf.data" ] && echo "perf: $run/perf.data (perf script -i $run/perf.data --kallsyms $run/kallsyms)"
echo "results: $run/report.md"
if [ $rc != 0 ]; then
	echo "exitbench: the run had failures (see the report's 'Not measured, failed' section and $run/console.log)" >&2
	exit 1
fi
exit 0
