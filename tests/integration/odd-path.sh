#!/usr/bin/env bash
# Integration test: a checkout in a directory whose path holds a blank, a quote and a comma
# runs make bench ICOUNT=1 to its end: the build under that path (O= left at its default),
# the scripts, the initramfs, the boot, env.json, the report. The checkout's files are
# copied as they are in the work tree (tracked, and untracked but not ignored), so
# uncommitted work is tested too. Then boot-host.sh's QEMU arguments with a run directory
# under that path (QEMU's -chardev path= and -drive file= are comma-separated lists), and
# a traced run into a results directory holding blanks and a comma (the output disk).
# Each check prints "ok" or "FAIL"; last line "odd-path: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
tmp=$(mktemp -d /tmp/exitbench-odd.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
odd="$tmp/exit bench's tree, v2/exitbench"
suite=tests/suites/compare

# the work tree's files (a tracked file deleted in the work tree is left out)
mkdir -p "$odd"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
	if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
done | cpio -0pdm --quiet "$odd"
copied() { [ -f "$odd/Makefile" ] && [ -x "$odd/scripts/bench.sh" ] && [ ! -e "$odd/build" ]; }
check "the checkout copied into '$odd'" copied

# make bench there, alone: none of the make that runs this test (its O=, its MAKEFLAGS)
echo "# make bench ICOUNT=1 SUITE=$suite in '$odd'"
rc=0
(cd "$odd" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u O -u RESULTS -u RUN_ID \
	make --no-print-directory bench ICOUNT=1 SUITE="$suite") >"$tmp/bench.out" 2>"$tmp/bench.err" ||
	rc=$?
check "make bench exits 0" [ $rc = 0 ]
[ $rc = 0 ] || tail -5 "$tmp/bench.err" | sed 's/^/#   /'
run=$odd/results/latest
built() { [ -x "$odd/build/exitbench" ] && [ -x "$odd/build/ppc64/exitbench-run" ] && [ -s "$odd/build/ppc64/guest/pvr.bin" ]; }
check "built under the odd path (O=build there)" built
check "results.json written" jqr '.schema_version >= 1' "$run/results.json"
check "pvr measured: every repetition, once an iteration" \
	jqr '.benchmarks[] | select(.name=="pvr") | .status=="ok" and (.runs|length) == .repetitions and
		.summary_ticks.median > 0 and .exits_check=="ok"' "$run/results.json"
check "env.json: valid, instruction-count mode, the suite named" \
	jqr --arg s "$suite" '.instruction_count_mode == true and .suite_file == $s' "$run/env.json"
reported() { [ -s "$run/report.md" ] && [ -s "$run/pvr.png" ]; }
check "report.md and pvr's histogram" reported
check "the last line names the report" grep -q '^results: results/.*/report.md$' "$tmp/bench.out"

# boot-host.sh with its initramfs and run directory under the odd path: QEMU must take the
# paths (a misread one fails at once, "qemu-system-ppc64 failed"). The host, given no init,
# either panics and stops or is stopped by the timeout, whichever comes first on this
# machine; either way the kernel wrote to the console file under the odd path. (5 s was
# too short twice on a busy machine: the banner had not come yet; a panic stops it sooner.)
kdir=$("$odd/scripts/build-kernel.sh" 2>"$tmp/kernel.err") || kdir=
boot="$odd/boot, here"
mkdir -p "$boot"
printf 'none\n' | gzip >"$boot/no init.gz"
BOOT_TIMEOUT=30 "$odd/scripts/boot-host.sh" "$kdir/vmlinux" "$boot/no init.gz" "$boot" \
	>/dev/null 2>"$tmp/boot.err" || true
qemu_took() {
	! grep -q 'qemu-system-ppc64 failed' "$tmp/boot.err" && grep -q 'Linux version' "$boot/console.log"
}
check "QEMU takes paths holding a blank, a quote and a comma" qemu_took

# a traced run into a results directory holding blanks and a comma (not a quote: gnuplot's
# scripts quote the plots' paths with it): the output disk's image there, QEMU's -drive
# file=, trace.dat read back from it (debugfs) and aggregated
echo "# TRACE=1 into '$tmp/runs, kept here'"
rc=0
(cd "$odd" && RESULTS="$tmp/runs, kept here" RUN_ID=traced TRACE=1 ICOUNT=1 SUITE="$suite" \
	scripts/bench.sh) >"$tmp/traced.out" 2>"$tmp/traced.err" || rc=$?
check "TRACE=1 into it: exit 0" [ $rc = 0 ]
traced="$tmp/runs, kept here/traced"
read_back() { grep -q 'trace.dat: .* 0 lost' "$tmp/traced.err" && [ ! -e "$traced/out.img" ]; }
check "trace.dat came back whole, nothing lost, the disk image deleted" read_back
check "pvr's exits by reason from the trace in results.json" \
	jqr '.benchmarks[] | select(.name=="pvr") | [.exit_reasons[] | select(.reason=="PROGRAM") | .count] == [40000]' \
	"$traced/results.json"

it_done odd-path "$tmp"/*.err
