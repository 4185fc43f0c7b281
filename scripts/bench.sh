#!/usr/bin/env bash
# The main job (make bench): boot the emulated POWER8 host, run SUITE, collect and report.
# env: SUITE, ICOUNT, KSRC, O (build dir), RESULTS (default results/), RUN_ID, BOOT_TIMEOUT,
#   INSTRUMENT=1 (boot the instrumented kernel: module/patches), TRACE=1 (trace-cmd record in
#   the host -> RUN/trace.dat), PERF=1 (perf record -> RUN/perf.data); OUT_DISK_MB sizes the
#   output disk those come back on (default 8192, sparse); TRACE_EVENTS, TRACE_BUFFER_KB,
#   PERF_EVENTS, PERF_MMAP: see make-initramfs.sh
# Prints the run directory on the last line of stdout.
# Exit status: 0 every benchmark ran, 1 one failed or the host did (the results taken are
# kept), 2 bad input (a suite naming an unknown benchmark, a KSRC that is no kernel tree ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
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

[ -f "$SUITE" ] || die "SUITE=$SUITE: no such file (suites are in configs/suites/)"
# BENCH_DIR/GUEST_DIR: where benchmark sources and images are (tests use their own)
bench_dir=${BENCH_DIR:-bench/ppc64}
guest_dir=${GUEST_DIR:-$O/ppc64/guest}
"$eb" suite "$SUITE" --benchmarks "$bench_dir" >/dev/null || exit 2

# the events recorded by default: the round trip's own event on the instrumented kernel
# (another tracepoint per exit would be counted inside its handle_exit phase), the stock
# exit/re-entry pair otherwise
if [ "$INSTRUMENT" = 1 ]; then
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_pr_exit_timing kvm:kvm_userspace_exit}
else
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_exit kvm_pr:kvm_book3s_reenter kvm:kvm_userspace_exit}
fi
if [ "$INSTRUMENT" = 1 ]; then
	variant=instrumented
	step "host kernel (instrumented: module/patches)"
	kdir=$(scripts/build-kernel.sh --patch module/patches ${KSRC:+"$KSRC"}) || exit 1
else
	variant=stock
	step "host kernel"
	kdir=$(scripts/build-kernel.sh ${KSRC:+"$KSRC"}) || exit 1
fi

# events recorded and lost, read here (natively: fast) from trace.dat's buffer statistics
# and perf.data's; a loss is a warning (raise TRACE_BUFFER_KB / PERF_MMAP), not a failure
recorded_summary() {
	local f=$1/trace.dat p=$1/perf.data n
	if [ -f "$f" ] && command -v trace-cmd >/dev/null; then
		# per CPU at stop: read events, entries still in the buffer (flushed into the file
		# after), overrun (overwritten), commit overrun and dropped events (buffer full)
		n=$(trace-cmd report --stat -i "$f" 2>/dev/null | awk '/^read events:/ {r += $3}
			/^entries:/ {r += $2} /^overrun:|^dropped events:/ {l += $NF}
			/^commit overrun:/ {l += $3} END {print r + 0, l + 0}') || n="? ?"
		step "trace.dat: $(du -h "$f" | cut -f1), ${n% *} events, ${n#* } lost"
		[ "${n#* }" = 0 ] || echo "exitbench: trace.dat lost ${n#* } events: raise TRACE_BUFFER_KB (${TRACE_BUFFER_KB:-65536} KiB per CPU)" >&2
	fi
	if [ -f "$p" ] && command -v perf >/dev/null; then
		# LOST records: one each time perf's buffer overflowed ("chunks"; perf report -D
		# | grep PERF_RECORD_LOST gives the events each one lost)
		n=$(perf report --stats -i "$p" 2>/dev/null | awk '/^ *SAMPLE events:/ && !s {s = $3}
			/^ *LOST(_SAMPLES)? events:/ && !seen[$1]++ {l += $3} END {print s + 0, l + 0}') || n="? ?"
		step "perf.data: $(du -h "$p" | cut -f1), ${n% *} samples, ${n#* } lost chunks"
		[ "${n#* }" = 0 ] || echo "exitbench: perf.data lost ${n#* } chunks of samples: raise PERF_MMAP (${PERF_MMAP:-64M})" >&2
	fi
	return 0
}

mode=plain; [ "$ICOUNT" = 1 ] && mode=icount
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-$mode}
run=$results/$run_id
mkdir -p "$run"
cp "$SUITE" "$run/suite"
echo "$variant" >"$run/kernel-variant"

step "packing the initramfs"
RECORD=$record scripts/make-initramfs.sh "$kdir" "$O/ppc64/exitbench-run" "$guest_dir" "$SUITE" "$run/initramfs.cpio.gz" || exit 1

step "booting the emulated POWER8 host ($mode emulation); progress follows"
start=$(date +%s)
out_mb=0
[ -n "$record" ] && out_mb=${OUT_DISK_MB:-8192}
boot_rc=0
ICOUNT=$ICOUNT OUT_DISK_MB=$out_mb scripts/boot-host.sh "$kdir/vmlinux" "$run/initramfs.cpio.gz" "$run" ||
	boot_rc=$?
boot_s=$(( $(date +%s) - start ))
rm -f "$run/initramfs.cpio.gz"
[ -n "$record" ] && recorded_summary "$run"

scripts/write-env.sh "$kdir" "$run" "$SUITE" "$boot_s" >"$run/env.json"
step "collecting results"
collect_rc=0
"$eb" collect "$run/records.jsonl" --env "$run/env.json" --suite "$SUITE" --run-id "$run_id" -o "$run/results.json" ||
	collect_rc=$?
[ $collect_rc -ge 2 ] && die "collecting $run/records.jsonl failed; raw records kept there"
# the recorded trace: phases (instrumented kernel) and exit reasons per benchmark, into
# results.json for the report; a trace that cannot be read costs the phases, not the run
trace_rc=0
if [ -f "$run/trace.dat" ]; then
	step "aggregating trace.dat (phases, exit reasons)"
	"$eb" trace "$run/trace.dat" --results "$run/results.json" -o "$run/trace.json" >"$run/trace.txt" ||
		trace_rc=$?
	[ $trace_rc = 0 ] || echo "exitbench: trace.dat could not be aggregated; results.json has no phases (trace.dat kept)" >&2
fi
report_rc=0
"$eb" report "$run/results.json" -o "$run" || report_rc=$?
ln -sfn "$run_id" "$results/latest"
[ "$TRACE" = 1 ] && [ -f "$run/trace.dat" ] && echo "trace: $run/trace.dat (trace-cmd report -i $run/trace.dat)"
[ "$PERF" = 1 ] && [ -f "$run/perf.data" ] && echo "perf: $run/perf.data (perf script -i $run/perf.data --kallsyms $run/kallsyms)"
echo "results: $run/report.md"
if [ $boot_rc != 0 ] || [ $collect_rc != 0 ] || [ $trace_rc != 0 ] || [ $report_rc != 0 ]; then
	echo "exitbench: the run had failures (see the report's 'Not measured, failed' section and $run/console.log)" >&2
	exit 1
fi
exit 0
