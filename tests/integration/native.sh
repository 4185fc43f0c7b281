#!/usr/bin/env bash
# make native-check: exitbench's native path (HOST=native, no QEMU of its own) run end to end
# inside the emulated POWER8, which is a ppc64le Linux machine: scripts/native-init.sh runs
# scripts/bench.sh there with Debian's ppc64el userland (downloaded and extracted), the
# ppc64le exitbench (make ppc64-tools), the runner and the guests. Instruction-count mode,
# a small suite (tests/suites/native), one boot of about a minute. It leaves its run
# directory in RESULTS (results/ by default) like any run: RUN/native/ is the native run.
# Each check prints "ok" or "FAIL"; last line "native: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
. scripts/common.sh
. scripts/run-lib.sh
O=${O:-build}
results=${RESULTS:-results}
suite=tests/suites/native
tmp=$(mktemp -d /tmp/exitbench-native.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for f in "$O/ppc64/exitbench" "$O/ppc64/exitbench-run"; do
	[ -x "$f" ] || { echo "FAIL - no $f (make native-check builds it)"; it_done native; exit 1; }
done
step "host kernel"
kdir=$(run_kernel "" "${KSRC:-}")
run=$(run_new "$results" "$(date -u +%Y%m%d-%H%M%S)-native-check" "$suite")
qemu=$(qemu-system-ppc64 --version | sed -n 1p)
cat >"$tmp/native.conf" <<EOF
SUITE_FILE=suite
EXITBENCH_EMULATOR='qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G -icount shift=0 (${qemu//\'/}): this "native" host is itself emulated'
EXITBENCH_ICOUNT=1
EOF
step "packing the native-check initramfs (Debian ppc64el userland, the ppc64le exitbench, the runner)"
NATIVE=$O/ppc64/exitbench NATIVE_CONF=$tmp/native.conf scripts/make-initramfs.sh "$kdir" \
	"$O/ppc64/exitbench-run" "$O/ppc64/guest" "$suite" "$run/initramfs.cpio.gz"
step "booting the emulated POWER8; inside, make bench's native path (HOST=native); progress follows"
t0=$(date +%s)
rc=0
run_boot "$run" "$kdir/vmlinux" "$run/initramfs.cpio.gz" 1 "${BOOT_TIMEOUT:-900}" 2048 2>"$run/boot.log" || rc=$?
boot_s=$(( $(date +%s) - t0 ))
grep -o 'exitbench-native.*' "$run/console.log" | tail -12 | sed 's/^/  /'
[ ! -f "$run/native-run.tar" ] || tar -C "$run" -xf "$run/native-run.tar"
rm -f "$run/native-run.tar"
n=$run/native r=$n/results.json
echo "# the native run: $n ($boot_s s with the boot)"

check "the host ran the native path to its end: exit 0" [ $rc = 0 ]
check "before kvm-pr was loaded, native-host.sh check said what to run (exit 2)" \
	grep -q 'exitbench-native-probe: exitbench: kvm-pr is not loaded: run sudo modprobe kvm-pr .* (exit 2)' "$run/console.log"
check "HOST=native with ICOUNT=1: refused in one line (exit 2)" \
	grep -q 'exitbench-native-probe: exitbench: HOST=native runs the stock suite: .* (exit 2)' "$run/console.log"
check "kvm-pr loaded by modprobe from the kernel's own modules (depmod'ed), then run" \
	grep -q 'exitbench-native: exitbench: loading kvm-pr: modprobe kvm-pr' "$run/console.log"
check "results.json, report.md and a plot per benchmark came back" \
	bash -c "[ -s '$r' ] && [ -s '$n/report.md' ] &&
		for b in \$(jq -r '.benchmarks[] | select(.status == \"ok\") | .name' '$r'); do [ -s '$n/'\$b.png ] || exit 1; done"
check "results.json says native, with the emulator named and instruction counting on" \
	jqr '.environment | .mode == "native" and (.emulator | test("qemu-system-ppc64 .*itself emulated")) and
		.instruction_count_mode == true and .icount == "shift=0"' "$r"
sha=$(sha256sum <"$kdir/config" | cut -c1-64)
check "the machine identified: POWER8's PVR, pSeries, the kernel's release and config hash, kvm-pr loaded, no kvm-hv" \
	jqr --arg rel "$(cat "$kdir/release")" --arg sha "$sha" '.environment.native |
		(.pvr | startswith("0x004d")) and .platform == "pSeries" and .mmu == "Hash" and .smt == 1 and
		.kernel_release == $rel and .kernel_config_sha256 == $sha and .kernel_config == "/boot/config-\($rel)" and
		.kvm_pr_loaded and (.kvm_hv_loaded | not) and .arch == "ppc64le"' "$r"
check "each benchmark ran with its claimed exits per iteration (the kernel's counters)" \
	jqr '[.benchmarks[] | .status == "ok" and .exits_check == "ok"] | length >= 3 and all' "$r"
check "report.md says native" grep -qi 'native' "$n/report.md"
ipr=$(jq '.benchmarks[] | select(.name == "pvr") | .summary_ticks.median' "$r" 2>/dev/null) || ipr=
echo "# pvr: ${ipr:-none} ticks an iteration (instruction counting, inside the emulated host)"
check "pvr's round trip is an instruction-count figure of the stock kernel (500 to 700 ticks)" \
	awk -v t="${ipr:-0}" 'BEGIN { exit !(t > 500 && t < 700) }'
run_latest "$results" "$(basename "$run")" latest-native-check
echo "# run directory: $run"
it_done native "$run/boot.log" "$run/console.log"
