#!/usr/bin/env bash
# The main job (make bench): boot the emulated POWER8 host, run SUITE, collect and report.
# env: SUITE, ICOUNT, KSRC, O (build dir), RESULTS (default results/), RUN_ID, BOOT_TIMEOUT
# Prints the run directory on the last line of stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-configs/suites/default}
ICOUNT=${ICOUNT:-0}
results=${RESULTS:-results}
eb=$O/exitbench

[ -f "$SUITE" ] || die "SUITE=$SUITE: no such file (suites are in configs/suites/)"
# BENCH_DIR/GUEST_DIR: where benchmark sources and images are (tests use their own)
bench_dir=${BENCH_DIR:-bench/ppc64}
guest_dir=${GUEST_DIR:-$O/ppc64/guest}
"$eb" suite "$SUITE" --benchmarks "$bench_dir" >/dev/null || exit 2

step "host kernel"
kdir=$(scripts/build-kernel.sh ${KSRC:-}) || exit 1

mode=plain; [ "$ICOUNT" = 1 ] && mode=icount
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-$mode}
run=$results/$run_id
mkdir -p "$run"
cp "$SUITE" "$run/suite"

step "packing the initramfs"
scripts/make-initramfs.sh "$kdir" "$O/ppc64/exitbench-run" "$guest_dir" "$SUITE" "$run/initramfs.cpio.gz" || exit 1

step "booting the emulated POWER8 host ($mode emulation); progress follows"
start=$(date +%s)
ICOUNT=$ICOUNT scripts/boot-host.sh "$kdir/vmlinux" "$run/initramfs.cpio.gz" "$run"
boot_rc=$?
boot_s=$(( $(date +%s) - start ))
rm -f "$run/initramfs.cpio.gz"

scripts/write-env.sh "$kdir" "$run" "$SUITE" "$boot_s" >"$run/env.json"
step "collecting results"
"$eb" collect "$run/records.jsonl" --env "$run/env.json" --suite "$SUITE" --run-id "$run_id" -o "$run/results.json"
collect_rc=$?
[ $collect_rc -ge 2 ] && die "collecting $run/records.jsonl failed; raw records kept there"
"$eb" report "$run/results.json" -o "$run"
report_rc=$?
ln -sfn "$run_id" "$results/latest"
echo "results: $run/report.md"
[ $boot_rc = 0 ] && [ $collect_rc = 0 ] && [ $report_rc = 0 ] || {
	echo "exitbench: the run had failures (see the report's 'Not measured, failed' section and $run/console.log)" >&2
	exit 1
}
exit 0
