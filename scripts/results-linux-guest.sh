#!/usr/bin/env bash
# The "The Linux guest" section of RESULTS.md, from real runs (make results): the linux-guest
# suite (configs/suites/linux-guest: the PVR read a million times in a Linux guest's kernel
# under PR KVM, six times, beside the bare guest's loops) in instruction-count mode, then in
# plain emulation; report.md's tables as it printed them, with the runs' environment, and the
# classic figure for orientation.
# Replaces the section, placed before "## The instrumented kvm-pr" (or "## Comparisons", or
# at the end) in RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=configs/suites/linux-guest
[ -f RESULTS.md ] || die "no RESULTS.md to add to (make results writes it first)"
sec=$(mktemp)
trap 'rm -f "$sec"' EXIT
declare -A wall run
for mode in icount plain; do
	id=$(date -u +%Y%m%d-%H%M%S)-linux-guest-$mode
	step "the linux-guest suite, $([ $mode = icount ] && echo instruction-count mode || echo plain emulation)"
	start=$(date +%s)
	RUN_ID=$id ICOUNT=$([ $mode = icount ] && echo 1 || echo 0) SUITE=$SUITE O=$O scripts/bench.sh >/dev/null ||
		die "the linux-guest run ($mode) failed; RESULTS.md not changed (see results/$id)"
	wall[$mode]=$(( $(date +%s) - start ))
	run[$mode]=results/$id
done
ms() { jq -r --arg n "$2" '.benchmarks[] | select(.name==$n) | .summary_ticks.median * 1e9 / '"$(jq .environment.tb_hz "$1/results.json" 2>/dev/null || echo 512000000)"' | . * 10 | round / 10' "$1/results.json"; }
r=${run[icount]} p=${run[plain]}
{
	echo "## The Linux guest (\`make bench SUITE=$SUITE ICOUNT=1\`, ${wall[icount]} s wall)"
	echo
	echo "Run $(basename "$r"), exitbench $(git rev-parse --short=12 HEAD 2>/dev/null), $(date -u +%Y-%m-%d);"
	echo "the emulated POWER8 of the runs above, instruction-count mode. The linux- benchmarks run"
	echo "in a Linux guest's kernel (guest-kernels/linux: $(jq -r '[.benchmarks[] | select(.guest=="linux")][0].guest_kernel' "$r/results.json"), the host's own kernel, booted by"
	echo "Debian's ppc64el qemu-system-ppc64 with \`kvm-type=PR\` inside the emulated host), the"
	echo "others in the bare guest kernel. Exits per iteration: KVM's counters of the Linux guest's"
	echo "VM, less those of an empty run of the loop (the guest kernel's own)."
	echo
	# report.md's table and its sections, headings one level down
	sed -n '/^| benchmark | exits\/iter/,/^$/p' "$r/report.md"
	sed -n '/^## The Linux guest beside the bare guest/,/^## /p' "$r/report.md" | sed '$d' | sed -e 's/^## /### /'
	sed -n '/^## pvr-mmu by segments/,/^!\[/p' "$r/report.md" | sed -e 's/^## /### /' -e '/^!\[/d'
	echo "### Plain emulation (\`make bench SUITE=$SUITE\`, ${wall[plain]} s wall, run $(basename "$p"))"
	echo
	sed -n '/^| benchmark | exits\/iter/,/^$/p' "$p/report.md"
	echo "### The classic figure, for orientation only"
	echo
	echo "Reading the PVR 1,000,000 times in a loop in a Linux guest under PR KVM took 567.7 ms on"
	echo "POWER hardware (average of 6). Here the same loop, emulated, took **$(ms "$r" linux-pvr) ms** of"
	echo "instruction-count time (the timebase counts instructions: 0.512 ticks an instruction, not"
	echo "a time) and $(ms "$p" linux-pvr) ms in plain emulation (the x86 machine's wall clock). Neither is a"
	echo "POWER machine's speed: they say what the emulated path costs, not how fast it runs."
	echo
	echo "Environment: $(jq -r '.environment | "\(.qemu_version // "QEMU ?"), host kernel \(.host_kernel_release // "?"), \(.cpu // "?"), on \(.build_host // "?")"' "$r/results.json")."
	echo
} >"$sec"
results_section "$sec" "The Linux guest" "The instrumented kvm-pr|Comparisons"
echo "RESULTS.md: the Linux guest section from $r and $p"
