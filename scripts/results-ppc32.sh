#!/usr/bin/env bash
# The "The 32-bit Book3S host" section of RESULTS.md, from real runs (make results): the
# 32-bit host's suite (configs/suites/ppc32) on the emulated PowerMac G4 in instruction-count
# mode, then in plain emulation, then make compare ARCH=ppc32 ICOUNT=1 with the 8-nop test
# patch of the 32-bit path (3 rounds); report.md's and compare.md's tables as they printed
# them, with the runs' environment.
# Replaces the section, placed before "## The instrumented kvm-pr" (or "## Comparisons", or
# at the end) in RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export EXITBENCH_ARCH=ppc32
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=configs/suites/ppc32
nops=module/test-patches/ppc32-nop-8.patch
[ -f RESULTS.md ] || die "no RESULTS.md to add to (make results writes it first)"
sec=$(mktemp)
trap 'rm -f "$sec"' EXIT
declare -A wall run
for mode in icount plain; do
	id=$(date -u +%Y%m%d-%H%M%S)-ppc32-$mode
	step "the 32-bit host's suite, $([ $mode = icount ] && echo instruction-count mode || echo plain emulation)"
	start=$(date +%s)
	RUN_ID=$id ICOUNT=$([ $mode = icount ] && echo 1 || echo 0) SUITE=$SUITE O=$O scripts/bench.sh >/dev/null ||
		die "the 32-bit host's run ($mode) failed; RESULTS.md not changed (see results/$id)"
	wall[$mode]=$(( $(date +%s) - start ))
	run[$mode]=results/$id
done
id=$(date -u +%Y%m%d-%H%M%S)-ppc32-compare
step "make compare ARCH=ppc32 ICOUNT=1 PATCHED=$nops ROUNDS=3"
start=$(date +%s) rc=0
RUN_ID=$id ICOUNT=1 ROUNDS=3 SUITE=$SUITE PATCHED=$nops O=$O scripts/compare.sh >/dev/null || rc=$?
[ $rc -lt 2 ] || die "the 32-bit comparison failed; RESULTS.md not changed (see results/$id)"
cwall=$(( $(date +%s) - start ))
c=results/$id
r=${run[icount]} p=${run[plain]}
{
	echo "## The 32-bit Book3S host (\`make bench ARCH=ppc32 ICOUNT=1\`, ${wall[icount]} s wall)"
	echo
	echo "Run $(basename "$r"), exitbench $(git rev-parse --short=12 HEAD 2>/dev/null), $(date -u +%Y-%m-%d)."
	echo "$(jq -r '.environment | "\(.emulated_machine): \(.emulator) \(if .instruction_count_mode then "-icount shift=0" else "" end)"' "$r/results.json"),"
	echo "book3s_32 PR KVM (kvm.ko) of Debian's linux-source-6.1 with module/ppc32's fix; the guests"
	echo "of bench/ppc32 in real mode, big-endian. The G4's timebase runs at"
	echo "$(jq -r '.environment.tb_hz / 1e6' "$r/results.json") MHz: under \`-icount shift=0\` a tick is 10 instructions. These are"
	echo "emulator figures, not a G4's."
	echo
	sed -n '/^| benchmark | exits\/iter/,/^$/p' "$r/report.md"
	echo "### Plain emulation (\`make bench ARCH=ppc32\`, ${wall[plain]} s wall, run $(basename "$p"))"
	echo
	sed -n '/^| benchmark | exits\/iter/,/^$/p' "$p/report.md"
	echo "### \`make compare ARCH=ppc32 ICOUNT=1 PATCHED=$nops ROUNDS=3\` (${cwall} s wall, run $id)"
	echo
	echo "8 nops on every 32-bit guest entry: +0.8 ticks expected on every exiting benchmark, 0 on"
	echo "null. One boot a side and round (a 32-bit kvm.ko does not load twice in 6.1)."
	echo
	sed -n '/^| benchmark | n |/,/^$/p' "$c/compare.md"
	echo "Environment: $(jq -r '.environment | "\(.qemu_version // "QEMU ?"), host kernel \(.host_kernel_release // "?") (\(.host_machine // "?")), CPU \(.cpu // "?"), on \(.build_host // "?")"' "$r/results.json")."
	echo
} >"$sec"
results_section "$sec" "The 32-bit Book3S host" "The instrumented kvm-pr|Comparisons"
echo "RESULTS.md: the 32-bit Book3S host section from $r, $p and $c"
