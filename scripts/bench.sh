#!/usr/bin/env bash
# The main job (make bench): boot the emulated POWER8 host, run SUITE, collect and report.
# env: SUITE, ICOUNT, KSRC, O (build dir), RESULTS (default results/), RUN_ID, BOOT_TIMEOUT,
#   INSTRUMENT=1 (boot the instrumented kernel: module/patches), TRACE=1 (trace-cmd record in
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
SUITE=${SUITE:-configs/suites/default}
ICOUNT=${ICOUNT:-0}
INSTRUMENT=${INSTRUMENT:-0} TRACE=${TRACE:-0} PERF=${PERF:-0}
record=
[ "$TRACE" = 1 ] && record=trace
[ "$PERF" = 1 ] && record="${record:+$record }perf"
results=${RESULTS:-results}
eb=$O/exitbench
# BENCH_DIR/GUEST_DIR: where benchmark sources and images are (tests use their own)
bench_dir=${BENCH_DIR:-bench/ppc64}
guest_dir=${GUEST_DIR:-$O/ppc64/guest}

run_check_suite "$eb" "$SUITE" "$bench_dir" || exit 2

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
kdir=$(run_kernel "$patches" "${KSRC:-}") || exit $?

mode=$(run_mode "$ICOUNT")
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-$mode}
run=$(run_new "$results" "$run_id" "$SUITE")
echo "$variant" >"$run/kernel-variant"

step "packing the initramfs"
run_pack "$run/initramfs.cpio.gz" "$kdir" "$O/ppc64/exitbench-run" "$guest_dir" "$SUITE" "$record" "" "" ||
	exit 1

step "booting the emulated POWER8 host ($mode emulation); progress follows"
start=$(date +%s)
out_mb=0
[ -z "$record" ] || out_mb=${OUT_DISK_MB:-8192}
boot_rc=0
run_boot "$run" "$kdir/vmlinux" "$run/initramfs.cpio.gz" "$ICOUNT" "${BOOT_TIMEOUT:-}" "$out_mb" ||
	boot_rc=$?
boot_s=$(( $(date +%s) - start ))

run_env "$run/env.json" "$kdir" "$run" "$SUITE" "$boot_s" "$ICOUNT"
step "collecting results"
collect_rc=0
run_collect "$eb" "$run" "$run_id" "$SUITE" "$run/env.json" "$run/results.json" || collect_rc=$?
[ $collect_rc -lt 2 ] || exit 1
# the recorded trace: phases (instrumented kernel) and exit reasons per benchmark, into
# results.json for the report; a trace that cannot be read costs the phases, not the run
trace_rc=0
if [ -f "$run/trace.dat" ]; then
	step "aggregating trace.dat (phases, exit reasons)"
	run_trace "$eb" "$run" || trace_rc=$?
fi
# events recorded and lost (a loss is a warning)
[ -z "$record" ] || run_recorded "$run"
report_rc=0
run_report "$eb" "$run" || report_rc=$?
run_latest "$results" "$run_id" latest
[ "$TRACE" = 1 ] && [ -f "$run/trace.dat" ] && echo "trace: $run/trace.dat (trace-cmd report -i $run/trace.dat)"
[ "$PERF" = 1 ] && [ -f "$run/perf.data" ] && echo "perf: $run/perf.data (perf script -i $run/perf.data --kallsyms $run/kallsyms)"
echo "results: $run/report.md"
if [ $boot_rc != 0 ] || [ $collect_rc != 0 ] || [ $trace_rc != 0 ] || [ $report_rc != 0 ]; then
	echo "exitbench: the run had failures (see the report's 'Not measured, failed' section and $run/console.log)" >&2
	exit 1
fi
exit 0
