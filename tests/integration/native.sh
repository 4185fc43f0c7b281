#!/usr/bin/env bash
# make native-check: exitbench's native path (HOST=native, no QEMU of its own) run end to end
# inside an emulated POWER host, a ppc64le Linux machine: scripts/native-init.sh runs
# scripts/bench.sh there with Debian's ppc64el userland (downloaded and extracted), the
# ppc64le exitbench (make ppc64-tools), the runner and the guests. The host kernel is the
# emulated POWER8's, booted on an emulated POWER9: once on the radix MMU (the refusal), once
# on the hash MMU (the run). Instruction-count mode, a small suite (tests/suites/native),
# two boots of 10 to 25 s. It leaves its run directory in RESULTS (results/ by default)
# like any run: RUN/native/ is the native run, RUN/radix/ and RUN/hash/ the boots.
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
{
	echo "SUITE_FILE=suite"
	echo "EXITBENCH_EMULATOR='qemu-system-ppc64 -M pseries -cpu POWER9 -m 1G -icount shift=0, hash MMU (${qemu//\'/}): this \"native\" host is itself emulated'"
	echo "EXITBENCH_ICOUNT=1"
} >"$tmp/native.conf"
step "packing the native-check initramfs (Debian ppc64el userland, the ppc64le exitbench, the runner)"
NATIVE=$O/ppc64/exitbench NATIVE_CONF=$tmp/native.conf scripts/make-initramfs.sh "$kdir" \
	"$O/ppc64/exitbench-run" "$O/ppc64/guest" "$suite" "$tmp/initramfs.cpio.gz"

# boot BOOT_DIR [HOST_CMDLINE]: the emulated POWER9 on that initramfs; its status into
# BOOT_DIR/rc, its progress (the native path's lines) shown
boot() {
	local rc=0 t0
	mkdir -p "$1"
	cp "$tmp/initramfs.cpio.gz" "$1/initramfs.cpio.gz"
	t0=$(date +%s)
	EMULATED_CPU=POWER9 HOST_CMDLINE=${2:-} run_boot "$1" "$kdir/vmlinux" "$1/initramfs.cpio.gz" 1 \
		"${BOOT_TIMEOUT:-900}" 2048 2>"$1/boot.log" || rc=$?
	echo $rc >"$1/rc"
	grep -o 'exitbench-native.*' "$1/console.log" | tail -12 | sed 's/^/  /'
	echo "# $(basename "$1"): exit $rc, $(( $(date +%s) - t0 )) s with the boot"
}
# 1. radix (disable_radix=no: this kernel's default is hash, CONFIG_PPC_RADIX_MMU_DEFAULT
# off, as on a POWER8 host; distributions' POWER9 kernels default to radix): PR KVM cannot
# run, and the native path says so
step "booting an emulated POWER9 on the radix MMU: the native path must refuse"
boot "$run/radix" disable_radix=no
check "on the radix MMU: make bench's native path refused in one line, exit 2, nothing run" \
	bash -c "[ \$(cat '$run/radix/rc') = 2 ] &&
		grep -q 'exitbench-native: exitbench: PR KVM cannot run on a host using the radix MMU' '$run/radix/console.log' &&
		! grep -q 'exitbench-native: ==> running the suite' '$run/radix/console.log' && [ ! -e '$run/radix/native-run.tar' ]"
# 2. the hash MMU, as a POWER9 LPAR in HPT mode: the whole native path.
# (On an emulated POWER8 Debian's libm stops it: QEMU 7.2's POWER8 model rejects mffscrni,
# which glibc 2.36 uses and which a real POWER8 executes as mffs, as the ISA intends.)
step "booting an emulated POWER9 on the hash MMU; inside, make bench's native path (HOST=native)"
boot "$run/hash"
rc=$(cat "$run/hash/rc")
[ ! -f "$run/hash/native-run.tar" ] || tar -C "$run" -xf "$run/hash/native-run.tar"
rm -f "$run/hash/native-run.tar" "$run/hash/initramfs.cpio.gz" "$run/radix/initramfs.cpio.gz"
n=$run/native r=$n/results.json
cp "$run/hash/console.log" "$run/console.log"
echo "# the native run: $n"

check "on the hash MMU the host ran the native path to its end: exit 0" [ "$rc" = 0 ]
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
check "the machine identified: POWER9's PVR, pSeries, hash MMU, the kernel's release and config hash, kvm-pr loaded, no kvm-hv" \
	jqr --arg rel "$(cat "$kdir/release")" --arg sha "$sha" '.environment.native |
		(.pvr | startswith("0x004e")) and (.cpu | startswith("POWER9")) and .platform == "pSeries" and .mmu == "Hash" and .smt == 1 and
		.kernel_release == $rel and .kernel_config_sha256 == $sha and .kernel_config == "/boot/config-\($rel)" and
		.kvm_pr_loaded and (.kvm_hv_loaded | not) and .arch == "ppc64le"' "$r"
check "each benchmark ran with its claimed exits per iteration (the kernel's counters)" \
	jqr '[.benchmarks[] | .status == "ok" and .exits_check == "ok"] | length >= 3 and all' "$r"
check "report.md: emulated times first, then the native machine in one line" bash -c "grep -q '^> \*\*Emulated times.\*\* This run took the native path (HOST=native) on a host that is itself emulated' '$n/report.md' && grep -q '^Native run on exitbench-native-check: PVR 0x004e' '$n/report.md'"
ipr=$(jq '.benchmarks[] | select(.name == "pvr") | .summary_ticks.median' "$r" 2>/dev/null) || ipr=
echo "# pvr: ${ipr:-none} ticks an iteration (instruction counting, inside the emulated host)"
check "pvr's round trip is an instruction-count figure of the stock kernel (500 to 700 ticks)" \
	awk -v t="${ipr:-0}" 'BEGIN { exit !(t > 500 && t < 700) }'
run_latest "$results" "$(basename "$run")" latest-native-check
echo "# run directory: $run"
it_done native "$run/hash/boot.log" "$run/console.log" "$run/radix/boot.log" "$run/radix/console.log"
